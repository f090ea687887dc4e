// Stake, duration, what a win pays, and the big UP / DOWN buttons.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";
import { formatDuration, formatMoney, payoutPreview } from "../shared/format";
import { newOrderId } from "../shared/ids";
import type { Market, MarketRules, Trade } from "../shared/types";

export class TradePanel {
  private market: Market | null = null;
  private rules: MarketRules | null = null;
  private currency = "USD";
  private stake = "10.00";
  private duration = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly onPlaced: (trade: Trade) => void,
  ) {}

  show(market: Market, rules: MarketRules, currency: string): void {
    this.market = market;
    this.rules = rules;
    this.currency = currency;
    if (!rules.durations.includes(this.duration)) this.duration = rules.durations.includes(60) ? 60 : rules.durations[0] ?? 0;
    this.render();
  }

  private render(): void {
    const market = this.market;
    const rules = this.rules;
    if (!market || !rules) return;
    const preview = h("div", { class: "preview", "aria-live": "polite", "data-role": "preview" });
    const stakeInput = h("input", { name: "stake", inputmode: "decimal", value: this.stake, "aria-describedby": "stake-help", autocomplete: "off" }) as HTMLInputElement;
    const durationSelect = h("select", { name: "duration" },
      ...rules.durations.map((d) => h("option", { value: d, selected: d === this.duration }, formatDuration(d)))) as HTMLSelectElement;
    const update = () => {
      this.stake = stakeInput.value.trim();
      this.duration = Number(durationSelect.value);
      const p = payoutPreview(this.stake, rules.payout_percent, rules.loss_refund_percent, this.currency);
      if (!p) {
        preview.textContent = "Enter a stake like 10.00";
        return;
      }
      mount(preview, "Stake ", formatMoney(this.stake, this.currency), " → ", h("strong", {}, formatMoney(p.win, this.currency)), " on a win",
        rules.loss_refund_percent !== "0" ? ` · ${formatMoney(p.loss, this.currency)} back on a loss` : "",
        ` (${rules.payout_percent}% profit)`);
    };
    stakeInput.addEventListener("input", update);
    durationSelect.addEventListener("change", update);
    const form = h("form", { class: "trade-form", "aria-label": "Place a trade", novalidate: true },
      h("label", {}, "Stake", stakeInput),
      h("small", { id: "stake-help", class: "muted" }, `${formatMoney(rules.min_stake, this.currency)} – ${formatMoney(rules.max_stake, this.currency)}`),
      h("div", { class: "error", "data-error": "stake" }),
      h("label", {}, "Duration", durationSelect),
      h("div", { class: "error", "data-error": "duration" }),
      preview,
      rules.enabled ? null : h("p", { class: "market-closed", role: "status" }, "This market is closed for trading."),
      rules.enabled && !this.priced() ? h("p", { class: "market-closed", role: "status" }, "No live price for this market right now; trading resumes when its feed is back.") : null,
      h("div", { class: "direction" },
        h("button", { type: "button", class: "btn-up", "data-direction": "UP", disabled: !this.tradable(), "aria-label": "Buy UP" }, "▲ UP"),
        h("button", { type: "button", class: "btn-down", "data-direction": "DOWN", disabled: !this.tradable(), "aria-label": "Buy DOWN" }, "▼ DOWN")),
      h("div", { class: "error", "data-error": "", role: "alert" }));
    for (const b of form.querySelectorAll<HTMLButtonElement>("[data-direction]"))
      b.addEventListener("click", () => void this.place(form, b.dataset.direction as "UP" | "DOWN"));
    form.addEventListener("submit", (ev) => ev.preventDefault());
    mount(this.root, h("h2", {}, "Trade ", market.symbol), form);
    update();
  }

  private async place(form: HTMLFormElement, direction: "UP" | "DOWN"): Promise<void> {
    if (!this.market) return;
    const buttons = form.querySelectorAll<HTMLButtonElement>("[data-direction]");
    buttons.forEach((b) => (b.disabled = true));
    showFieldError(form, undefined, "");
    try {
      const trade = await this.api.post<Trade>("/api/v1/trades", {
        symbol: this.market.symbol,
        direction,
        stake: this.stake,
        duration: this.duration,
        client_order_id: newOrderId(),  // one per click: the server turns a repeat of it into the same trade
      });
      this.onPlaced(trade);
    } catch (e) {
      showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
    } finally {
      buttons.forEach((b) => (b.disabled = !this.tradable()));
    }
  }

  /** The market's price feed changed (failover, outage, return). */
  feedChanged(market: Market): void {
    if (this.market?.symbol === market.symbol && this.rules) this.show(market, this.rules, this.currency);
  }

  private priced(): boolean {
    return this.market?.status !== "no_live_source";
  }

  private tradable(): boolean {
    return !!this.rules?.enabled && this.priced();
  }
}
