// One bot: status, venue (a LIVE badge for Binance) and, on an error, what
// went wrong (for a live bot, the exchange's words), money (capital,
// equity, P&L, what it holds), the plugin's summary, its params and preview,
// an equity chart, its open orders and its fills. bot.updated events change
// the top at once; fills read the bot again (orders and history change with them).
import { ApiClient, messageOf } from "../shared/api";
import {
  botStatus, equitySeries, facts, formatTime, isNewer, paramFacts, productName, signTone, SUMMARY, toEpochMs,
} from "../shared/bots";
import { toUnits } from "../shared/decimal";
import { h, mount } from "../shared/dom";
import { currencyDecimals, formatMoney, formatPrice, formatSignedMoney } from "../shared/format";
import type { Bot, BotDetails as Details, BotOrder, Market } from "../shared/types";
import { isLive, moneyHome, venueName, venueOf } from "../shared/venues";
import { factList, previewBlock } from "./botBuilder";
import { BotControls, botName, botPnl } from "./botControls";
import { EquityChart } from "./equityChart";

/** Read the bot again this long after the last fill (fills come in bursts). */
const RELOAD_DELAY_MS = 300;

export class BotDetails {
  private id = "";
  private bot: Details | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private reads = 0;
  private readonly top = h("section", { class: "panel", "aria-label": "Bot" });
  private readonly equityRoot = h("div");
  private readonly equity = new EquityChart(this.equityRoot, "Bot equity");
  private readonly orders = h("section", { class: "panel", "aria-label": "Open orders" });
  private readonly fills = h("section", { class: "panel", "aria-label": "Fills" });
  private readonly setup = h("section", { class: "panel", "aria-label": "Settings" });
  private shownEquity = "";

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly controls: BotControls,
    private readonly markets: () => Map<string, Market>,
  ) {}

  get shownId(): string {
    return this.id;
  }

  async show(id: string): Promise<void> {
    if (id !== this.id) {
      this.id = id;
      this.bot = null;
      this.shownEquity = "";
      this.equity.remove();
      mount(this.root, h("p", { class: "muted panel" }, "Loading the bot…"));
    }
    await this.load();
  }

  hide(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
  }

  /** A bot changed (stream or an action's answer). */
  updated(bot: Bot): void {
    if (bot.id !== this.id || !this.bot || !isNewer(bot, this.bot)) return;
    const history = this.bot.equity_history ?? [];
    const trading = bot.status === "running" || bot.status === "paused";
    if (trading && bot.equity && bot.updated_at !== history.at(-1)?.at) history.push({ at: bot.updated_at, equity: bot.equity });
    this.bot = { ...this.bot, ...bot, equity_history: history };
    this.render();
    this.reloadSoon();
  }

  /** A fill of bot `id`: orders, fills and equity changed. */
  filled(id: string): void {
    if (id === this.id) this.reloadSoon();
  }

  private reloadSoon(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, RELOAD_DELAY_MS);
  }

  private async load(): Promise<void> {
    const read = ++this.reads;
    const id = this.id;
    try {
      const bot = await this.api.get<Details>(`/api/v1/bots/${encodeURIComponent(id)}`);
      if (read !== this.reads || id !== this.id) return;  // a newer read is on its way
      this.bot = bot;
      this.render();
    } catch (e) {
      if (read !== this.reads || id !== this.id) return;
      if (!this.bot) mount(this.root, h("section", { class: "panel" }, h("h2", {}, "Bot"), h("p", { class: "error", role: "alert" }, messageOf(e)),
        h("a", { href: "#bots" }, "Back to your bots")));
    }
  }

  private render(): void {
    const bot = this.bot;
    if (!bot) return;
    if (!this.root.contains(this.top)) {
      mount(this.root, h("div", { class: "bot-details" }, this.top,
        h("section", { class: "panel", "aria-label": "Equity" }, h("h2", {}, "Equity"), this.equityRoot),
        this.orders, this.fills, this.setup));
    }
    this.renderTop(bot);
    this.renderEquity(bot);
    this.renderOrders(bot);
    this.renderFills(bot);
    this.renderSetup(bot);
  }

  private renderTop(bot: Details): void {
    const s = botStatus(bot.status);
    const c = bot.currency;
    const pnl = botPnl(bot);
    const stat = (label: string, value: string, role: string, cls = "") =>
      h("div", { class: "stat" }, h("div", { class: "label" }, label), h("div", { class: `value ${cls}`, "data-role": role }, value));
    mount(this.top,
      h("div", { class: "page-head" },
        h("h2", {}, botName(bot)),
        h("span", { class: `badge ${s.tone}`, "data-role": "status", "data-status": bot.status }, s.label),
        isLive(bot) ? h("span", { class: "badge live", "data-role": "venue", "data-venue": venueOf(bot), title: "Real orders on the exchange, with your account's money" }, "LIVE") : null,
        h("span", { class: "muted" }, `${productName(bot.product)} · ${bot.symbol} · ${isLive(bot) ? `live on ${venueName(venueOf(bot))}` : "paper"} · created ${formatTime(bot.created_at)}`),
        this.controls.buttons(bot)),
      bot.status === "error" || bot.error
        ? h("div", { class: "bot-error", role: "alert", "data-role": "bot-error" },
          h("strong", {}, bot.status === "error" ? "This bot stopped trading on an error" : "Last error"),
          h("p", {}, bot.error || "The server gave no reason."),
          bot.status === "error" ? h("p", { class: "muted" }, isLive(bot)
            ? `Stop it to cancel its orders on ${venueName(venueOf(bot))}; the money stays in ${moneyHome(bot)}.`
            : "Stop it to cancel its orders and get its money back to your wallet.") : null)
        : null,
      bot.status === "stopping" ? h("p", { class: "wait", role: "status" }, "Stopping: cancelling the bot's orders…") : null,
      h("div", { class: "stats" },
        stat("Capital", formatMoney(bot.capital, c), "capital"),
        stat("Equity", bot.equity && bot.status !== "stopped" ? formatMoney(bot.equity, c) : "—", "equity"),
        stat("P&L", pnl ? formatSignedMoney(pnl, c) : "—", "pnl", signTone(pnl)),
        stat(`Holds ${c}`, formatMoney(bot.balances?.quote ?? "0", c), "balance-quote"),
        stat(`Holds ${bot.base_asset}`, bot.balances?.base ?? "0", "balance-base")),
      factList(facts(bot.summary, SUMMARY, c), "summary"));
  }

  private renderEquity(bot: Details): void {
    const points = equitySeries((bot.equity_history ?? []).map((p) => [p.at, p.equity] as const));
    const key = JSON.stringify(points.at(-1) ?? null) + points.length;
    if (key === this.shownEquity) return;
    this.shownEquity = key;
    this.equity.show(points, currencyDecimals(bot.currency));
  }

  private renderOrders(bot: Details): void {
    const open = (bot.orders ?? []).filter((o) => o.status === "open");
    const scale = this.markets().get(bot.symbol)?.price_scale ?? 5;
    mount(this.orders, h("h2", {}, `Open orders (${open.length})`), open.length
      ? h("div", { class: "table-wrap" }, h("table", { "data-role": "open-orders" },
        h("thead", {}, h("tr", {}, ...["Placed", "Side", "Type", "Price", "Quantity", "Filled", "Order id"].map((c, i) => h("th", { class: i >= 3 && i <= 5 ? "num" : "" }, c)))),
        h("tbody", {}, ...open.map((o) => orderRow(o, scale)))))
      : h("p", { class: "muted" }, "No open orders."));
  }

  private renderFills(bot: Details): void {
    // Executions only: the end of an order (a cancel) comes as a report of quantity 0 without a price.
    const fills = (bot.fills ?? []).filter((f) => f.price && toUnits(f.qty, 18) !== 0n).sort((a, b) => (toEpochMs(b.at) ?? 0) - (toEpochMs(a.at) ?? 0));
    const scale = this.markets().get(bot.symbol)?.price_scale ?? 5;
    mount(this.fills, h("h2", {}, `Fills (${fills.length})`), fills.length
      ? h("div", { class: "table-wrap" }, h("table", { "data-role": "fills" },
        h("thead", {}, h("tr", {}, ...["When", "Side", "Price", "Quantity", "Fee", "Order id"].map((c, i) => h("th", { class: i >= 2 && i <= 4 ? "num" : "" }, c)))),
        h("tbody", {}, ...fills.map((f) => h("tr", { "data-role": "fill" },
          h("td", {}, formatTime(f.at)), h("td", { class: f.side === "BUY" ? "up" : "down" }, f.side),
          h("td", { class: "num" }, formatPrice(f.price ?? "", scale)), h("td", { class: "num" }, f.qty), h("td", { class: "num" }, formatMoney(f.fee, bot.currency)),
          h("td", { class: "mono" }, f.client_order_id))))))
      : h("p", { class: "muted" }, "No fills yet."));
  }

  private renderSetup(bot: Details): void {
    const key = JSON.stringify([bot.params, bot.preview, bot.worst_case]);
    if (this.setup.dataset.shown === key) return;  // unchanged: keep the reader's place
    this.setup.dataset.shown = key;
    const preview = bot.preview && Object.keys(bot.preview).length
      ? previewBlock(bot.product, bot.preview, bot.worst_case ?? (bot.preview as { worst_case?: unknown }).worst_case, bot.currency, this.markets().get(bot.symbol), null)
      : null;
    mount(this.setup, h("h2", {}, "Settings"), factList(paramFacts(bot.product, bot.params, bot.currency), "params"),
      preview ? h("h3", { class: "pay-title" }, bot.product === "grid-bot" ? "Grid" : "Ladder") : null, preview);
  }
}

function orderRow(o: BotOrder, scale: number): HTMLElement {
  return h("tr", { "data-order": o.client_order_id },
    h("td", {}, formatTime(o.created_at)), h("td", { class: o.side === "BUY" ? "up" : "down" }, o.side), h("td", {}, o.type),
    h("td", { class: "num" }, o.price ? formatPrice(o.price, scale) : "market"), h("td", { class: "num" }, o.qty), h("td", { class: "num" }, o.filled_qty),
    h("td", { class: "mono" }, o.client_order_id));
}
