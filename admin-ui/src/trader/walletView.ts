// Balances, the ledger history of the user's money, and demo reset.
import { ApiClient, messageOf } from "../shared/api";
import { h, mount } from "../shared/dom";
import { formatDateTime, formatMoney, formatSignedMoney } from "../shared/format";
import type { Balance, Transaction } from "../shared/types";
import { notify } from "../shared/notices";

const KIND_NAMES: Record<string, string> = {
  demo_credit: "Demo balance", demo_reset: "Demo reset", stake_lock: "Stake", settlement: "Settlement", adjustment: "Adjustment",
};

export class WalletView {
  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly onBalance: (b: Balance | null) => void,
  ) {}

  async refresh(): Promise<void> {
    try {
      const [wallet, tx] = await Promise.all([
        this.api.get<{ balances: Balance[] }>("/api/v1/wallet"),
        this.api.get<{ transactions: Transaction[] }>("/api/v1/wallet/transactions?limit=30"),
      ]);
      this.onBalance(wallet.balances[0] ?? null);
      this.render(wallet.balances, tx.transactions);
    } catch (e) {
      mount(this.root, h("h2", {}, "Wallet"), h("p", { class: "error", role: "alert" }, messageOf(e)));
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
    mount(this.root,
      h("h2", {}, "Wallet"),
      h("div", { class: "stats" }, ...balances.flatMap((b) => [
        h("div", { class: "stat" }, h("div", { class: "label" }, `Available ${b.currency}`), h("div", { class: "value money", "data-role": "available" }, formatMoney(b.available, b.currency))),
        h("div", { class: "stat" }, h("div", { class: "label" }, "In open trades"), h("div", { class: "value money" }, formatMoney(b.locked, b.currency))),
      ]), reset),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "What"), h("th", {}, "Details"), h("th", { class: "num" }, "Available"), h("th", { class: "num" }, "Locked"))),
        h("tbody", {}, ...transactions.map((t) => h("tr", {},
          h("td", {}, formatDateTime(t.created_at)), h("td", {}, KIND_NAMES[t.kind] ?? t.kind), h("td", { class: "muted" }, t.memo),
          h("td", { class: "num" }, formatSignedMoney(t.available_change, t.currency)),
          h("td", { class: "num" }, formatSignedMoney(t.locked_change, t.currency))))))));
  }
}
