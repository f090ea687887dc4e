// Active trades (countdown, winning/losing against the live price, entry
// lines on the chart) and history with filters and stats.
import { ApiClient, messageOf } from "../shared/api";
import { elapsedFraction, formatCountdown, remainingMs, standing } from "../shared/countdown";
import { h, mount } from "../shared/dom";
import { formatDateTime, formatMoney, formatPrice, formatRate, formatSignedMoney } from "../shared/format";
import { fromUnits, toUnits } from "../shared/decimal";
import type { Market, Trade, TradeStats } from "../shared/types";

export class ActiveTrades {
  private trades = new Map<string, Trade>();
  private readonly prices = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly markets: () => Map<string, Market>,
    private readonly onChange: (open: Trade[]) => void,
  ) {}

  set(trades: Trade[]): void {
    this.trades = new Map(trades.filter((t) => t.status === "OPEN").map((t) => [t.id, t]));
    this.changed();
  }

  opened(t: Trade): void {
    if (t.status !== "OPEN") return;
    this.trades.set(t.id, t);
    this.changed();
  }

  settled(t: Trade): void {
    if (this.trades.delete(t.id)) this.changed();
  }

  price(symbol: string, price: string): void {
    this.prices.set(symbol, price);
  }

  get open(): Trade[] {
    return [...this.trades.values()].sort((a, b) => a.expires_at - b.expires_at);
  }

  private changed(): void {
    this.onChange(this.open);
    this.render();
    if (this.trades.size && !this.timer) this.timer = setInterval(() => this.render(), 250);
    if (!this.trades.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private render(): void {
    const now = Date.now();
    const rows = this.open.map((t) => {
      const market = this.markets().get(t.symbol);
      const scale = market?.price_scale ?? 5;
      const price = this.prices.get(t.symbol);
      const s = price ? standing(t.direction, t.entry_price, price) : "even";
      return h("div", { class: "active-trade", "data-trade": t.id },
        h("span", { class: t.direction === "UP" ? "up" : "down" }, t.direction === "UP" ? "▲ UP" : "▼ DOWN"),
        h("span", {}, h("strong", {}, t.symbol), " ", formatMoney(t.stake, t.currency), h("span", { class: "muted" }, " @ ", formatPrice(t.entry_price, scale))),
        h("span", { class: "countdown", "data-role": "countdown", "aria-label": "time left" }, formatCountdown(remainingMs(t.expires_at, now))),
        h("span", { class: `standing-${s}`, "data-role": "standing" }, s === "winning" ? "winning" : s === "losing" ? "losing" : "even",
          price ? h("span", { class: "muted" }, " · now ", formatPrice(price, scale)) : null),
        h("div", { class: "progress", "aria-hidden": "true" }, h("div", { style: `width:${(elapsedFraction(t.opened_at, t.expires_at, now) * 100).toFixed(1)}%` })));
    });
    mount(this.root, h("h2", {}, `Active trades (${rows.length})`), rows.length ? h("div", {}, ...rows) : h("p", { class: "muted" }, "No open trades. Pick a market and press UP or DOWN."));
  }
}

export class History {
  private status = "";
  private symbol = "";

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly markets: () => Map<string, Market>,
  ) {}

  async refresh(): Promise<void> {
    try {
      const query = new URLSearchParams({ limit: "50" });
      if (this.status) query.set("status", this.status);
      if (this.symbol) query.set("symbol", this.symbol);
      const [list, stats] = await Promise.all([
        this.api.get<{ trades: Trade[] }>(`/api/v1/trades?${query}`),
        this.api.get<TradeStats>("/api/v1/trades/stats"),
      ]);
      this.render(list.trades, stats);
    } catch (e) {
      mount(this.root, h("h2", {}, "History"), h("p", { class: "error", role: "alert" }, messageOf(e)));
    }
  }

  private render(trades: Trade[], stats: TradeStats): void {
    const currency = trades[0]?.currency ?? "USD";
    const filter = h("select", { "aria-label": "Filter by result", onchange: (ev: Event) => { this.status = (ev.target as HTMLSelectElement).value; void this.refresh(); } },
      ...[["", "All"], ["OPEN", "Open"], ["WON", "Won"], ["LOST", "Lost"], ["TIE", "Tie"]].map(([v, label]) => h("option", { value: v, selected: v === this.status }, label)));
    const market = h("select", { "aria-label": "Filter by market", onchange: (ev: Event) => { this.symbol = (ev.target as HTMLSelectElement).value; void this.refresh(); } },
      h("option", { value: "" }, "All markets"),
      ...[...this.markets().keys()].map((s) => h("option", { value: s, selected: s === this.symbol }, s)));
    const stat = (label: string, value: string, cls = "") => h("div", { class: "stat" }, h("div", { class: "label" }, label), h("div", { class: `value ${cls}` }, value));
    const netUnits = toUnits(stats.net, 2) ?? 0n;
    mount(this.root,
      h("h2", {}, "History"),
      h("div", { class: "stats", "data-role": "stats" },
        stat("Trades", String(stats.total)),
        stat("Win rate", formatRate(stats.win_rate)),
        stat("Won / lost / tie", `${stats.won} / ${stats.lost} / ${stats.tie}`),
        stat("P&L", formatSignedMoney(stats.net, currency), netUnits > 0n ? "up" : netUnits < 0n ? "down" : "")),
      h("div", { class: "toolbar" }, h("label", {}, "Result", filter), h("label", {}, "Market", market)),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["Opened", "Market", "Side", "Stake", "Entry", "Exit", "Result", "Payout"].map((c, i) => h("th", { class: i >= 3 ? "num" : "" }, c)))),
        h("tbody", {}, ...trades.map((t) => {
          const scale = this.markets().get(t.symbol)?.price_scale ?? 5;
          const pnl = t.payout !== null ? fromUnits((toUnits(t.payout, 2) ?? 0n) - (toUnits(t.stake, 2) ?? 0n), 2) : null;
          return h("tr", { "data-trade": t.id },
            h("td", {}, formatDateTime(t.opened_at)), h("td", {}, t.symbol),
            h("td", { class: t.direction === "UP" ? "up" : "down" }, t.direction),
            h("td", { class: "num" }, formatMoney(t.stake, t.currency)),
            h("td", { class: "num" }, formatPrice(t.entry_price, scale)),
            h("td", { class: "num" }, t.exit_price ? formatPrice(t.exit_price, scale) : "—"),
            h("td", { class: "num" }, h("span", { class: `badge ${t.status}` }, t.status)),
            h("td", { class: "num" }, pnl === null ? "—" : formatSignedMoney(pnl, t.currency)));
        })))));
  }
}
