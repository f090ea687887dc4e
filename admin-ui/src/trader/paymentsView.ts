// Deposits and withdrawals: the two forms (gateway, an amount within the
// platform's limits, a payout destination where the gateway needs one), the
// checkout a new deposit opens (the sandbox's panel, a gateway's hosted page,
// Razorpay Checkout for a Razorpay order), and the user's deposits and
// withdrawals, kept current by the stream's deposit and withdrawal events.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";
import { formatDateTime, formatMoney } from "../shared/format";
import { RetryKey } from "../shared/ids";
import { notify } from "../shared/notices";
import {
  checkAmount, checkDestination, depositNotice, depositStatus, destinationFields, minorToDecimal, needsKyc,
  redirectTarget, withdrawalNotice, withdrawalStatus,
} from "../shared/payments";
import type { Notice } from "../shared/payments";
import { loadScript, razorpayOptions } from "../shared/razorpay";
import type { RazorpayInstance, RazorpayOrder, RazorpayResult } from "../shared/razorpay";
import type { Checkout, Deposit, DepositReply, Gateway, GatewaysReply, KycStatus, Withdrawal } from "../shared/types";

const PAGE = 10;

function announce(n: Notice | null): void {
  if (n) notify(n.kind, n.title, n.body, 8000);
}

function gatewayName(g: Gateway): string {
  return g.id + (g.real_money ? "" : " — demo, no real money") + (g.available ? "" : " (unavailable)");
}

export class PaymentsView {
  private setup: GatewaysReply | null = null;
  private readonly deposits = new Map<string, Deposit>();
  private readonly withdrawals = new Map<string, Withdrawal>();
  private depositCursor: string | null = null;
  private withdrawalCursor: string | null = null;
  private readonly depositKey = new RetryKey();
  private readonly withdrawalKey = new RetryKey();
  /** the deposit whose checkout is open */
  private checkoutFor: string | null = null;
  private balance: { currency: string; available: string } | null = null;
  private kyc: { status: KycStatus; requiredFor: string[] } | null = null;

  private readonly checkout = h("div", { "data-role": "checkout" });
  private readonly depositList = h("div", { "data-role": "deposits" });
  private readonly withdrawalList = h("div", { "data-role": "withdrawals" });
  private readonly kycHints: { form: "deposits" | "withdrawals"; el: HTMLElement; gateway: () => Gateway | undefined }[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    /** money moved (or may have): re-read the balance */
    private readonly onMoneyMoved: () => void,
    /** take the user to identity verification */
    private readonly onVerify: () => void,
  ) {}

  /** Gateways, limits and both lists; renders the forms once. */
  async load(): Promise<void> {
    try {
      const [setup] = await Promise.all([this.api.get<GatewaysReply>("/api/v1/payments/gateways"), this.reload()]);
      this.setup = setup;
    } catch (e) {
      mount(this.root, h("h3", {}, "Deposit and withdraw"), h("p", { class: "error", role: "alert" }, messageOf(e)));
      return;
    }
    this.render();
  }

  /** Re-reads both lists (after a reconnect: events may have been missed). */
  async reload(): Promise<void> {
    const [d, w] = await Promise.all([
      this.api.get<{ deposits: Deposit[]; next_cursor: string | null }>(`/api/v1/wallet/deposits?limit=${PAGE}`),
      this.api.get<{ withdrawals: Withdrawal[]; next_cursor: string | null }>(`/api/v1/wallet/withdrawals?limit=${PAGE}`),
    ]);
    this.deposits.clear();
    this.withdrawals.clear();
    for (const x of d.deposits) this.deposits.set(x.id, x);
    for (const x of w.withdrawals) this.withdrawals.set(x.id, x);
    this.depositCursor = d.next_cursor;
    this.withdrawalCursor = w.next_cursor;
    this.renderDeposits();
    this.renderWithdrawals();
  }

  /** The user's balance in its currency (deposits default to it; withdrawals are checked against it). */
  setBalance(currency: string, available: string): void {
    this.balance = { currency, available };
  }

  /** The user's identity verification status, and what needs it. */
  setKyc(status: KycStatus, requiredFor: string[]): void {
    this.kyc = { status, requiredFor };
    this.showKycHints();
  }

  /** A deposit changed (stream event, or a reply of ours). */
  depositChanged(d: Deposit): void {
    const before = this.deposits.get(d.id);
    if (before && before.updated_at > d.updated_at) return;  // older news
    this.deposits.set(d.id, d);
    if (before?.status !== d.status) announce(depositNotice(d));
    if (this.checkoutFor === d.id && d.status !== "pending") this.closeCheckout();
    this.renderDeposits();
    this.onMoneyMoved();
  }

  /** A withdrawal changed (stream event, or a reply of ours). */
  withdrawalChanged(w: Withdrawal): void {
    const before = this.withdrawals.get(w.id);
    if (before && before.updated_at > w.updated_at) return;
    this.withdrawals.set(w.id, w);
    if (before?.status !== w.status) announce(withdrawalNotice(w));
    this.renderWithdrawals();
    this.onMoneyMoved();
  }

  private render(): void {
    const setup = this.setup;
    if (!setup) return;
    this.kycHints.length = 0;
    // No gateway and no history: one line says so, no empty lists.
    const lists = setup.gateways.length > 0 || this.deposits.size > 0 || this.withdrawals.size > 0;
    mount(this.root,
      setup.gateways.length
        ? h("div", { class: "pay-forms" }, h("div", { class: "pay-col" }, this.depositForm(setup), this.checkout), this.withdrawForm(setup))
        : h("p", { class: "muted" }, "Deposits and withdrawals are not available on this platform."),
      lists ? h("h3", { class: "pay-title" }, "Deposits") : null, lists ? this.depositList : null,
      lists ? h("h3", { class: "pay-title" }, "Withdrawals") : null, lists ? this.withdrawalList : null);
    this.showKycHints();
  }

  private currencies(setup: GatewaysReply): string[] {
    const all = Object.keys(setup.limits);
    const mine = this.balance?.currency;
    return mine && all.includes(mine) ? [mine, ...all.filter((c) => c !== mine)] : all;
  }

  /** Gateway, currency (when there is a choice) and amount with its limits: what both forms start with. */
  private commonFields(setup: GatewaysReply, kind: "deposit" | "withdrawal", onGateway: () => void) {
    const usable = setup.gateways.find((g) => g.available)?.id;
    const gateway = h("select", { name: "gateway", onchange: onGateway },
      ...setup.gateways.map((g) => h("option", { value: g.id, disabled: !g.available, selected: g.id === usable }, gatewayName(g)))) as HTMLSelectElement;
    const currencies = this.currencies(setup);
    const currency = currencies.length > 1
      ? h("select", { name: "currency" }, ...currencies.map((c) => h("option", { value: c }, c))) as HTMLSelectElement
      : null;
    const help = h("small", { class: "muted", id: `${kind}-limits`, "data-role": "limits" });
    const selected = () => currency?.value ?? currencies[0] ?? "USD";
    const showLimits = () => {
      const c = selected();
      const l = setup.limits[c];
      if (!l) return void (help.textContent = `No ${kind}s in ${c}`);
      const [min, max, daily] = kind === "deposit" ? [l.min_deposit, l.max_deposit, l.daily_deposit] : [l.min_withdrawal, l.max_withdrawal, l.daily_withdrawal];
      help.textContent = `${formatMoney(min, c)} – ${formatMoney(max, c)} each, up to ${formatMoney(daily, c)} a day`;
    };
    currency?.addEventListener("change", showLimits);
    showLimits();
    const amount = h("input", { name: "amount", inputmode: "decimal", autocomplete: "off", placeholder: "250.00", "aria-describedby": help.id });
    return {
      fields: [
        h("label", {}, kind === "deposit" ? "Pay with" : "Withdraw to", gateway), h("div", { class: "error", "data-error": "gateway" }),
        currency ? h("label", {}, "Currency", currency) : null, h("div", { class: "error", "data-error": "currency" }),
        h("label", {}, "Amount", amount), help, h("div", { class: "error", "data-error": "amount" }),
      ],
      gateway: () => setup.gateways.find((g) => g.id === gateway.value),
      currency: selected,
      amount: amount as HTMLInputElement,
    };
  }

  private kycHint(form: "deposits" | "withdrawals", gateway: () => Gateway | undefined): HTMLElement {
    const el = h("div", { class: "kyc-hint", "data-role": "kyc-needed", hidden: true },
      h("span", {}, `Verify your identity before ${form === "deposits" ? "depositing" : "withdrawing"}. `),
      h("button", { type: "button", onclick: () => this.onVerify() }, "Verify your identity"));
    this.kycHints.push({ form, el, gateway });
    return el;
  }

  /** Shows the "verify your identity" hint where the user's status will be refused. */
  private showKycHints(): void {
    for (const hint of this.kycHints) {
      const k = this.kyc;
      const needed = !!k && k.status !== "verified" && (k.requiredFor.includes(hint.form) || (hint.form === "withdrawals" && !!hint.gateway()?.real_money));
      hint.el.hidden = !needed;
    }
  }

  private depositForm(setup: GatewaysReply): HTMLElement {
    const common = this.commonFields(setup, "deposit", () => this.showKycHints());
    const submit = h("button", { type: "submit" }, "Deposit") as HTMLButtonElement;
    const form = h("form", { class: "pay-form", "aria-label": "Deposit", novalidate: true },
      h("h3", {}, "Deposit"), ...common.fields,
      this.kycHint("deposits", common.gateway),
      h("div", { class: "error", "data-error": "", role: "alert" }), submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const gateway = common.gateway();
      const currency = common.currency();
      const limits = setup.limits[currency];
      if (!gateway?.available) return showFieldError(form, "gateway", "Choose how to pay");
      const amount = checkAmount(common.amount.value, currency, limits?.min_deposit, limits?.max_deposit);
      if (!amount.ok) return showFieldError(form, "amount", amount.error);
      showFieldError(form, undefined, "");
      const body = { gateway: gateway.id, amount: amount.amount, currency };
      submit.disabled = true;
      try {
        const reply = await this.api.request<DepositReply>("POST", "/api/v1/wallet/deposits", body, true,
          { "Idempotency-Key": this.depositKey.next(JSON.stringify(body)) });
        this.depositKey.settled();
        common.amount.value = "";
        this.depositChanged(reply.deposit);
        this.openCheckout(reply.deposit, reply.checkout);
      } catch (e) {
        this.depositKey.settled(e);
        this.refused(form, e);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  private withdrawForm(setup: GatewaysReply): HTMLElement {
    const destination = h("div", { class: "pay-destination" });
    const showDestination = () => {
      const g = common.gateway();
      const fields = g ? destinationFields(g) : [];
      mount(destination,
        ...fields.flatMap((f) => [
          h("label", {}, f.label, h("input", { name: f.name, placeholder: f.placeholder, autocomplete: f.autocomplete })),
          h("div", { class: "error", "data-error": f.name }),
        ]),
        g?.withdraw_via === "refund" ? h("small", { class: "muted" }, `Paid back as a refund of your earlier ${g.id} deposits, to where they came from.`) : null,
        h("div", { class: "error", "data-error": "destination" }));
      this.showKycHints();
    };
    const common = this.commonFields(setup, "withdrawal", showDestination);
    const submit = h("button", { type: "submit" }, "Withdraw") as HTMLButtonElement;
    const form = h("form", { class: "pay-form", "aria-label": "Withdraw", novalidate: true },
      h("h3", {}, "Withdraw"), ...common.fields, destination,
      this.kycHint("withdrawals", common.gateway),
      h("small", { class: "muted" }, "Larger withdrawals wait for an operator's approval; until paid, you can cancel them."),
      h("div", { class: "error", "data-error": "", role: "alert" }), submit);
    showDestination();
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const gateway = common.gateway();
      const currency = common.currency();
      const limits = setup.limits[currency];
      if (!gateway?.available) return showFieldError(form, "gateway", "Choose where to withdraw to");
      const free = this.balance?.currency === currency ? this.balance.available : undefined;
      const amount = checkAmount(common.amount.value, currency, limits?.min_withdrawal, limits?.max_withdrawal, free);
      if (!amount.ok) return showFieldError(form, "amount", amount.error);
      const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
      const dest = checkDestination(destinationFields(gateway), values);
      if (!dest.ok) return showFieldError(form, dest.field, dest.error);
      showFieldError(form, undefined, "");
      const body = { gateway: gateway.id, amount: amount.amount, currency, ...(dest.destination ? { destination: dest.destination } : {}) };
      submit.disabled = true;
      try {
        const w = await this.api.request<Withdrawal>("POST", "/api/v1/wallet/withdrawals", body, true,
          { "Idempotency-Key": this.withdrawalKey.next(JSON.stringify(body)) });
        this.withdrawalKey.settled();
        common.amount.value = "";
        this.withdrawalChanged(w);
      } catch (e) {
        this.withdrawalKey.settled(e);
        this.refused(form, e);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  /** The API's answer next to the field it names; a KYC refusal also offers the way to verify. */
  private refused(form: HTMLFormElement, e: unknown): void {
    showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
    const hint = form.querySelector<HTMLElement>('[data-role="kyc-needed"]');
    if (hint && needsKyc(e)) hint.hidden = false;
  }

  // ---- checkout ----

  private openCheckout(d: Deposit, c: Checkout | null): void {
    this.closeCheckout();
    if (d.status !== "pending" || !c) return;
    this.checkoutFor = d.id;
    switch (c.type) {
      case "sandbox":
        return this.sandboxCheckout(d, c);
      case "redirect": {
        const url = redirectTarget(c.url);
        if (!url) return this.checkoutNote(d, "Payment page", h("p", { class: "error", role: "alert" }, "The gateway gave no usable payment page address."));
        notify("info", "Opening the payment page…", `${formatMoney(d.amount, d.currency)} via ${d.gateway}`);
        location.assign(url);
        return;
      }
      case "razorpay":
        return this.razorpayCheckout(d, c);
      default:
        return this.checkoutNote(d, "Checkout", h("p", { class: "error", role: "alert" },
          `This app cannot open ${d.gateway}'s checkout ("${(c as { type?: string }).type}").`));
    }
  }

  private sandboxCheckout(d: Deposit, c: Extract<Checkout, { type: "sandbox" }>): void {
    const amount = formatMoney(minorToDecimal(c.amount.minor, c.amount.currency), c.amount.currency);
    const error = h("div", { class: "error", role: "alert" });
    const pay = h("button", { type: "button", class: "primary", onclick: () => void act("pay") }, `Pay ${amount}`) as HTMLButtonElement;
    const decline = h("button", { type: "button", onclick: () => void act("decline") }, "Decline") as HTMLButtonElement;
    const act = async (outcome: "pay" | "decline") => {
      pay.disabled = decline.disabled = true;
      error.textContent = "";
      try {
        this.depositChanged(await this.api.post<Deposit>(`/api/v1/wallet/deposits/${encodeURIComponent(d.id)}/confirm`, { result: { outcome } }));
      } catch (e) {
        error.textContent = messageOf(e);
        pay.disabled = decline.disabled = false;
      }
    };
    mount(this.checkout, h("section", { class: "checkout", "aria-label": "Sandbox checkout", "data-deposit": d.id },
      h("strong", { class: "checkout-title" }, "Sandbox — no real money"),
      h("p", {}, `Pay ${amount} into your wallet? This is the demo gateway: nothing is charged, and you choose what happens.`),
      c.declines ? h("p", { class: "wait" }, "The sandbox always declines this amount, to show what a failed payment looks like.") : null,
      h("div", { class: "row-actions" }, pay, decline), error));
    pay.focus();
  }

  /** Razorpay's own Checkout (its script, loaded once) for the deposit's order; its result confirms the deposit. */
  private razorpayCheckout(d: Deposit, c: RazorpayOrder): void {
    const amount = formatMoney(minorToDecimal(c.amount, c.currency), c.currency);
    const status = h("p", { role: "status", "data-role": "checkout-status" }, "Opening Razorpay Checkout…");
    const error = h("p", { class: "error", role: "alert" });
    const say = (text: string, problem = "") => {
      status.textContent = text;
      error.textContent = problem;
    };
    let checkout: RazorpayInstance | null = null;
    /** Opens Checkout, loading Razorpay's script first (again, after a failed load). */
    const open = async () => {
      pay.disabled = true;
      say("Opening Razorpay Checkout…");
      try {
        await loadScript(c.script_url);
        if (!window.Razorpay) throw new Error("the script did not define Razorpay");
        checkout ??= new window.Razorpay(razorpayOptions(c, (r) => void confirm(r), dismissed));
      } catch (e) {
        pay.disabled = false;
        return say("", `Razorpay Checkout could not be opened (${e instanceof Error ? e.message : String(e)}). ` +
          "The deposit stays pending with this order: try again later.");
      }
      if (this.checkoutFor !== d.id) return;  // closed (or another opened) meanwhile
      say("Razorpay Checkout is open: complete the payment there.");
      checkout.open();
    };
    const pay = h("button", { type: "button", class: "primary", disabled: true, onclick: () => void open() },
      `Pay ${amount} with Razorpay`) as HTMLButtonElement;
    mount(this.checkout, h("section", { class: "checkout", "aria-label": "Razorpay checkout", "data-deposit": d.id },
      h("strong", { class: "checkout-title" }, "Razorpay"),
      h("dl", { class: "facts" }, h("dt", {}, "Order"), h("dd", { class: "mono" }, c.order_id), h("dt", {}, "Amount"), h("dd", {}, amount),
        h("dt", {}, "Merchant"), h("dd", {}, c.name)),
      status, error,
      h("div", { class: "row-actions" }, pay, h("button", { type: "button", onclick: () => this.closeCheckout() }, "Close"))));

    const confirm = async (result: RazorpayResult) => {
      say("Paid at Razorpay; confirming the deposit…");
      try {
        const after = await this.api.post<Deposit>(`/api/v1/wallet/deposits/${encodeURIComponent(d.id)}/confirm`, { result });
        this.depositChanged(after);  // succeeded or failed: the checkout closes and the list shows it
        if (after.status === "pending") say("Razorpay has the payment but has not captured it yet; the deposit completes when it does.");
      } catch (e) {
        say("", `The payment could not be confirmed here: ${messageOf(e)}. If Razorpay took the money, the deposit completes when Razorpay reports it.`);
      }
    };
    const dismissed = () => {
      pay.disabled = false;
      say("You closed Razorpay Checkout. The deposit stays pending and its order stays valid: you can still pay it with the button below.");
    };
    void open();
  }

  private checkoutNote(d: Deposit, title: string, ...body: HTMLElement[]): void {
    mount(this.checkout, h("section", { class: "checkout", "aria-label": title, "data-deposit": d.id },
      h("strong", { class: "checkout-title" }, title), ...body,
      h("div", { class: "row-actions" }, h("button", { type: "button", onclick: () => this.closeCheckout() }, "Close"))));
  }

  private closeCheckout(): void {
    this.checkoutFor = null;
    mount(this.checkout);
  }

  // ---- lists ----

  private renderDeposits(): void {
    const rows = [...this.deposits.values()].sort((a, b) => b.created_at - a.created_at);
    mount(this.depositList, rows.length
      ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["When", "Via", "Amount", "Status", "Details"].map((c) => h("th", { class: c === "Amount" ? "num" : "" }, c)))),
        h("tbody", {}, ...rows.map((d) => {
          const s = depositStatus(d.status);
          return h("tr", { "data-deposit": d.id, "data-status": d.status },
            h("td", {}, formatDateTime(d.created_at)), h("td", {}, d.gateway),
            h("td", { class: "num" }, formatMoney(d.amount, d.currency)),
            h("td", {}, h("span", { class: `badge ${s.tone}`, "data-role": "status" }, s.label)),
            h("td", { class: "muted" }, d.reason ?? ""));
        }))))
      : h("p", { class: "muted" }, "No deposits yet."),
    this.depositCursor ? h("button", { type: "button", onclick: () => void this.more("deposits") }, "Show more deposits") : null);
  }

  private renderWithdrawals(): void {
    const rows = [...this.withdrawals.values()].sort((a, b) => b.created_at - a.created_at);
    mount(this.withdrawalList, rows.length
      ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["When", "Via", "Amount", "Status", "Details", ""].map((c) => h("th", { class: c === "Amount" ? "num" : "" }, c)))),
        h("tbody", {}, ...rows.map((w) => {
          const s = withdrawalStatus(w.status);
          return h("tr", { "data-withdrawal": w.id, "data-status": w.status },
            h("td", {}, formatDateTime(w.created_at)), h("td", {}, w.gateway),
            h("td", { class: "num" }, formatMoney(w.amount, w.currency)),
            h("td", {}, h("span", { class: `badge ${s.tone}`, "data-role": "status" }, s.label)),
            h("td", { class: "muted" }, w.reason ?? ""),
            h("td", {}, w.status === "pending_approval"
              ? h("button", { type: "button", onclick: () => void this.cancel(w), "aria-label": `Cancel withdrawal of ${formatMoney(w.amount, w.currency)}` }, "Cancel")
              : null));
        }))))
      : h("p", { class: "muted" }, "No withdrawals yet."),
    this.withdrawalCursor ? h("button", { type: "button", onclick: () => void this.more("withdrawals") }, "Show more withdrawals") : null);
  }

  private async more(kind: "deposits" | "withdrawals"): Promise<void> {
    try {
      if (kind === "deposits") {
        const page = await this.api.get<{ deposits: Deposit[]; next_cursor: string | null }>(
          `/api/v1/wallet/deposits?limit=${PAGE}&cursor=${encodeURIComponent(this.depositCursor ?? "")}`);
        for (const d of page.deposits) if (!this.deposits.has(d.id)) this.deposits.set(d.id, d);
        this.depositCursor = page.next_cursor;
        this.renderDeposits();
      } else {
        const page = await this.api.get<{ withdrawals: Withdrawal[]; next_cursor: string | null }>(
          `/api/v1/wallet/withdrawals?limit=${PAGE}&cursor=${encodeURIComponent(this.withdrawalCursor ?? "")}`);
        for (const w of page.withdrawals) if (!this.withdrawals.has(w.id)) this.withdrawals.set(w.id, w);
        this.withdrawalCursor = page.next_cursor;
        this.renderWithdrawals();
      }
    } catch (e) {
      notify("error", `Could not load more ${kind}`, messageOf(e));
    }
  }

  private async cancel(w: Withdrawal): Promise<void> {
    if (!confirm(`Cancel your withdrawal of ${formatMoney(w.amount, w.currency)}? The amount goes back to your available balance.`)) return;
    try {
      this.withdrawalChanged(await this.api.post<Withdrawal>(`/api/v1/wallet/withdrawals/${encodeURIComponent(w.id)}/cancel`));
    } catch (e) {
      notify("error", "Could not cancel the withdrawal", messageOf(e));
      await this.reload().catch(() => undefined);
    }
  }
}
