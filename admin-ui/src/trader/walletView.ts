// Balances (with what pending withdrawals hold), the ledger history of the
// user's money, and demo reset. Deposits and withdrawals: paymentsView.ts.
import { ApiClient, messageOf } from "../shared/api";
import { h, mount } from "../shared/dom";
import { toUnits } from "../shared/decimal";
import { formatDateTime, formatMoney, formatSignedMoney } from "../shared/format";
import type { Balance, Transaction } from "../shared/types";
import { primaryBalance, walletBalances } from "../shared/types";
import { notify } from "../shared/notices";

const KIND_NAMES: Record<string, string> = {
  demo_credit: "Demo balance", demo_reset: "Demo reset", stake_lock: "Stake", settlement: "Settlement", adjustment: "Adjustment",
  deposit: "Deposit", withdrawal: "Withdrawal", withdrawal_paid: "Withdrawal paid", withdrawal_return: "Withdrawal returned",
  withdrawal_reversal: "Withdrawal reversed",
};

export class WalletView {
  private readonly summary = h("div");
  private readonly ledger = h("div");
  private reads = 0;

  /** `between` (deposits and withdrawals) sits under the balances and is never re-rendered from here. */
  constructor(
    root: HTMLElement,
    private readonly api: ApiClient,
    private readonly onBalance: (b: Balance | null) => void,
    between: HTMLElement | null = null,
  ) {
    mount(root, this.summary, between, this.ledger);
  }

  async refresh(): Promise<void> {
    const read = ++this.reads;
    try {
      const [wallet, tx] = await Promise.all([
        this.api.get<{ balances: Balance[] }>("/api/v1/wallet"),
        this.api.get<{ transactions: Transaction[] }>("/api/v1/wallet/transactions?limit=30"),
      ]);
      if (read !== this.reads) return;  // a later read is on its way: show only the newest
      this.onBalance(primaryBalance(wallet.balances));
      this.render(walletBalances(wallet.balances), tx.transactions);
    } catch (e) {
      if (read === this.reads) mount(this.summary, h("h2", {}, "Wallet"), h("p", { class: "error", role: "alert" }, messageOf(e)));
    }
  }

  private render(balances: Balance[], transactions: Transaction[]): void {
    const reset = h("button", { type: "button", onclick: async () => {
      if (!confirm("Reset your demo balance? Open trades stay open.")) return;
      try {
        await this.api.request("POST", "/api/v1/wallet/demo-reset", undefined);
        notify("info", "Demo balance reset");
        await this.refresh();
      } catch (e) {
        notify("error", "Reset failed", messageOf(e));
      }
    } }, "Reset demo balance");
    mount(this.summary,
      h("h2", {}, "Wallet"),
      h("div", { class: "stats" }, ...balances.flatMap((b) => [
        h("div", { class: "stat" }, h("div", { class: "label" }, `Available ${b.currency}`), h("div", { class: "value money", "data-role": "available" }, formatMoney(b.available, b.currency))),
        h("div", { class: "stat" }, h("div", { class: "label" }, "In open trades"), h("div", { class: "value money" }, formatMoney(b.locked, b.currency))),
        (toUnits(b.pending_withdrawal ?? "0", 8) ?? 0n) !== 0n
          ? h("div", { class: "stat" }, h("div", { class: "label" }, "Pending withdrawal"),
            h("div", { class: "value money", "data-role": "pending-withdrawal" }, formatMoney(b.pending_withdrawal ?? "0", b.currency)))
          : null,
      ]), reset));
    mount(this.ledger,
      h("h3", { class: "pay-title" }, "Balance history"),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "What"), h("th", {}, "Details"), h("th", { class: "num" }, "Available"), h("th", { class: "num" }, "Locked"))),
        h("tbody", {}, ...transactions.map((t) => h("tr", {},
          h("td", {}, formatDateTime(t.created_at)), h("td", {}, KIND_NAMES[t.kind] ?? t.kind), h("td", { class: "muted" }, t.memo),
          h("td", { class: "num" }, formatSignedMoney(t.available_change, t.currency)),
          h("td", { class: "num" }, formatSignedMoney(t.locked_change, t.currency))))))));
  }
}
