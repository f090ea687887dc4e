// The trader's bots: status (with the error of a bot that stopped on one),
// type, market, venue (LIVE for Binance), capital, equity and P&L (coloured),
// with the actions each status allows. Rows change in place as bot.updated
// events arrive.
import { botHash, botStatus, formatTime, productName, signTone, toEpochMs } from "../shared/bots";
import { h, mount } from "../shared/dom";
import { formatMoney, formatSignedMoney } from "../shared/format";
import type { Bot } from "../shared/types";
import { isLive, venueName, venueOf } from "../shared/venues";
import { BotControls, botName, botPnl } from "./botControls";

export class BotList {
  private readonly rows = new Map<string, HTMLTableRowElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly controls: BotControls,
  ) {}

  loading(): void {
    if (!this.rows.size) mount(this.root, this.head(), h("p", { class: "muted" }, "Loading your bots…"));
  }

  failed(message: string): void {
    this.rows.clear();
    mount(this.root, this.head(), h("p", { class: "error", role: "alert" }, "Could not load your bots: ", message));
  }

  /** The whole list, newest first. */
  render(bots: Bot[]): void {
    this.rows.clear();
    const sorted = [...bots].sort((a, b) => (toEpochMs(b.created_at) ?? 0) - (toEpochMs(a.created_at) ?? 0));
    if (!sorted.length) {
      mount(this.root, this.head(), h("p", { class: "muted", "data-role": "no-bots" }, "No bots yet. ",
        h("a", { href: "#bots/new" }, "Create one"), " or ", h("a", { href: "#bots/backtest" }, "test one on past prices"), "."));
      return;
    }
    mount(this.root, this.head(), h("div", { class: "table-wrap" }, h("table", { "data-role": "bots" },
      h("thead", {}, h("tr", {}, ...["Bot", "Type", "Market", "Venue", "Status", "Capital", "Equity", "P&L", "Created", ""].map((c, i) =>
        h("th", { class: i >= 5 && i <= 7 ? "num" : "" }, c)))),
      h("tbody", {}, ...sorted.map((b) => this.row(b))))));
  }

  /** One bot changed: its row is replaced (false when it has none: render the list again). */
  update(bot: Bot): boolean {
    const old = this.rows.get(bot.id);
    if (!old) return false;
    old.replaceWith(this.row(bot));
    return true;
  }

  private head(): HTMLElement {
    return h("div", { class: "page-head" }, h("h2", {}, "Bots"),
      h("div", { class: "row-actions" }, h("a", { class: "button", href: "#bots/new" }, "New bot"), h("a", { class: "button", href: "#bots/backtest" }, "Backtest")));
  }

  private row(b: Bot): HTMLTableRowElement {
    const s = botStatus(b.status);
    const pnl = botPnl(b);
    const row = h("tr", { "data-bot": b.id, "data-status": b.status, "data-venue": venueOf(b) },
      h("td", {}, h("a", { href: botHash(b.id) }, botName(b))),
      h("td", {}, productName(b.product)),
      h("td", {}, b.symbol),
      h("td", { "data-role": "venue" }, isLive(b)
        ? h("span", { class: "badge live", title: `Live on ${venueName(venueOf(b))}: real orders with your exchange account` }, "LIVE")
        : h("span", { class: "muted" }, "Paper")),
      h("td", {}, h("span", { class: `badge ${s.tone}`, "data-role": "status", title: b.error || undefined }, s.label),
        b.status === "error" && b.error ? h("div", { class: "bot-row-error", "data-role": "bot-error" }, b.error) : null),
      h("td", { class: "num" }, formatMoney(b.capital, b.currency)),
      h("td", { class: "num" }, b.equity && b.status !== "stopped" ? formatMoney(b.equity, b.currency) : "—"),
      h("td", { class: `num ${signTone(pnl)}`, "data-role": "pnl" }, pnl ? formatSignedMoney(pnl, b.currency) : "—"),
      h("td", {}, formatTime(b.created_at)),
      h("td", {}, this.controls.buttons(b)));
    this.rows.set(b.id, row);
    return row;
  }
}
