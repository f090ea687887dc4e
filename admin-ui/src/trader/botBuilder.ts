// The bot builder: the settings form (with the venue: paper, or Binance live
// when the user has stored exchange keys), a live preview (asked of the server a
// moment after the form stops changing) with the capital the bot reserves, the
// DCA ladder or the grid's lines and the worst case, the same ladder or lines
// drawn on the market's chart, and Create / Create and start.
import { ApiClient, messageOf } from "../shared/api";
import {
  DCA_PREVIEW, facts, GRID_PREVIEW, gridRows, ladderRows, previewLines, productName, profitPerGrid, WORST_CASE,
} from "../shared/bots";
import type { Fact } from "../shared/bots";
import { compareDecimal } from "../shared/decimal";
import { h, mount } from "../shared/dom";
import { formatMoney } from "../shared/format";
import { RetryKey } from "../shared/ids";
import { notify } from "../shared/notices";
import type { Balance, Bot, BotPreviewReply, BotProduct, Market } from "../shared/types";
import { isLive } from "../shared/venues";
import type { VenuesReply } from "../shared/venues";
import { BotForm } from "./botForm";
import { ChartView } from "./chartView";

/** Wait this long after the last change before asking for a preview. */
const PREVIEW_DELAY_MS = 400;
/** the chart's price-line group for the preview */
const LINES = "bot-preview";

export function factList(list: Fact[], role: string): HTMLElement | null {
  if (!list.length) return null;
  return h("dl", { class: "facts", "data-role": role }, ...list.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

/**
 * A preview (the builder's, or the one a bot was created with): ladder or
 * lines, and the worst case. With the start `price`, each grid line says which
 * order it starts with.
 */
export function previewBlock(product: BotProduct, preview: unknown, worstCase: unknown, currency: string, market: Market | undefined,
  price: string | null): HTMLElement {
  const scale = market?.price_scale ?? 2;
  const parts: (HTMLElement | null)[] = [];
  if (product === "dca-bot") {
    const rows = ladderRows(preview, currency, scale);
    parts.push(factList(facts(preview, DCA_PREVIEW, currency), "preview-facts"));
    parts.push(rows.length ? h("div", { class: "table-wrap" }, h("table", { "data-role": "ladder", "aria-label": "Safety order ladder" },
      h("thead", {}, h("tr", {}, ...["Order", "Deviation", "Price", "Size", "Quantity", "Average entry", "Take profit"].map((c, i) => h("th", { class: i ? "num" : "" }, c)))),
      h("tbody", {}, ...rows.map((r) => h("tr", { "data-role": "ladder-row" },
        h("td", {}, r.role), h("td", { class: "num" }, r.deviation), h("td", { class: "num" }, r.price), h("td", { class: "num" }, r.size),
        h("td", { class: "num" }, r.qty), h("td", { class: "num" }, r.average), h("td", { class: "num" }, r.takeProfit)))))) : null);
  } else {
    const rows = gridRows(preview, price, scale);
    const profit = profitPerGrid(preview);
    parts.push(factList([...(profit ? [["Profit per grid", profit] as Fact] : []), ...facts(preview, GRID_PREVIEW, currency)], "preview-facts"));
    parts.push(rows.length ? h("div", { class: "table-wrap grid-lines" }, h("table", { "data-role": "grid-lines", "aria-label": "Grid lines" },
      h("thead", {}, h("tr", {}, h("th", {}, "Line"), h("th", { class: "num" }, "Price"), price ? h("th", {}, "Order at the start") : null)),
      h("tbody", {}, ...rows.map((r) => h("tr", { "data-role": "grid-row", "data-side": r.side },
        h("td", {}, String(r.index + 1)), h("td", { class: "num" }, r.price),
        price ? h("td", { class: r.side === "buy" ? "up" : r.side === "sell" ? "down" : "muted" }, r.side === "buy" ? "Buy" : r.side === "sell" ? "Sell" : "—") : null))))) : null);
  }
  const worst = facts(worstCase, WORST_CASE, currency);
  if (worst.length) parts.push(h("h3", { class: "pay-title" }, "Worst case"), factList(worst, "worst-case"));
  return h("div", { class: "bot-preview-body" }, ...parts);
}

export interface BuilderDeps {
  markets: () => Market[];
  /** the symbol the trading page shows (the first choice) */
  selected: () => string;
  balance: () => Balance | null;
  /** the chart now shows another symbol or timeframe: follow its candles */
  onChart: () => void;
  onCreated: (bot: Bot) => void;
}

export class BotBuilder {
  readonly chart: ChartView;
  private readonly form: BotForm;
  private readonly preview = h("div", { class: "bot-preview", "aria-live": "polite", "data-role": "bot-preview" });
  private readonly buttons: HTMLButtonElement[];
  private readonly chartRoot: HTMLElement;
  private readonly key = new RetryKey();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private rendered = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly deps: BuilderDeps,
  ) {
    const chartRoot = h("section", { class: "panel chart-panel", "aria-label": "Chart" });
    this.chart = new ChartView(chartRoot, api, (interval) => {
      this.chart.interval = interval;
      void this.showChart();
    });
    this.buttons = [
      h("button", { type: "button", "data-action": "create", onclick: () => void this.create(false) }, "Create bot") as HTMLButtonElement,
      h("button", { type: "button", class: "primary", "data-action": "create-start", onclick: () => void this.create(true) }, "Create and start") as HTMLButtonElement,
    ];
    this.form = new BotForm({
      label: "Bot settings", idPrefix: "builder", named: true, venue: true, markets: deps.markets, actions: this.buttons,
      onChange: () => this.schedule(),
      onMarket: () => void this.showChart(),
    });
    this.chartRoot = chartRoot;
  }

  /** Shows the builder (the same form as the user left it). */
  show(): void {
    if (!this.rendered) {
      this.rendered = true;
      mount(this.root, h("div", { class: "bot-builder" },
        h("section", { class: "panel bot-form-panel", "aria-label": "New bot" }, h("h2", {}, "New bot"), this.form.form),
        this.chartRoot,
        h("section", { class: "panel bot-preview-panel", "aria-label": "Preview" }, h("h2", {}, "Preview"), this.preview)));
    }
    this.form.setMarkets(this.deps.selected());
    void this.loadVenues();
    void this.showChart();
    this.schedule(0);
  }

  hide(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A price for `symbol` (the chart's label; a grid without a range gets one). */
  tick(symbol: string, price: string): void {
    if (symbol === this.chart.symbol) this.chart.tick(price);
    this.form.priceArrived(symbol);
  }

  /** The user's exchange keys (they may have been stored or removed since the builder was last shown). */
  private async loadVenues(): Promise<void> {
    const reply = await this.api.get<VenuesReply>("/api/v1/venues").catch(() => null);
    this.form.setVenues(reply);
  }

  private async showChart(): Promise<void> {
    const market = this.form.market;
    if (!market) return;
    this.deps.onChart();
    try {
      await this.chart.show(market);
    } catch (e) {
      notify("error", "Chart unavailable", messageOf(e));
    }
    this.deps.onChart();
  }

  private schedule(delay = PREVIEW_DELAY_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, delay);
  }

  private waiting(message: string, state: string): void {
    this.preview.dataset.state = state;
    mount(this.preview, h("p", { class: state === "error" ? "error" : "muted" }, message));
    this.chart.priceLines(LINES, []);
  }

  /** Asks for the preview of what the form holds; only the newest answer is shown. */
  private async refresh(): Promise<void> {
    const seq = ++this.seq;
    const read = this.form.read();
    if (!read.ok) {
      this.form.showErrors(read.errors, false);
      return this.waiting("Correct the marked settings to see the preview.", "invalid");
    }
    this.form.showErrors([], false);
    this.preview.dataset.state = "loading";
    this.preview.setAttribute("aria-busy", "true");
    try {
      const reply = await this.api.post<BotPreviewReply>("/api/v1/bots/preview",
        { product: read.product, symbol: read.market.symbol, venue: read.venue, params: read.params });
      if (seq !== this.seq) return;
      this.render(reply, read.market, read.venue === "binance");
    } catch (e) {
      if (seq !== this.seq) return;
      this.form.showProblem(e, false);
      this.waiting(`No preview: ${messageOf(e)}`, "error");
    } finally {
      if (seq === this.seq) this.preview.removeAttribute("aria-busy");
    }
  }

  private render(reply: BotPreviewReply, market: Market, live: boolean): void {
    const currency = reply.currency || market.quote_asset;
    const balance = this.deps.balance();
    // A live bot's money is on the exchange: the server checks the account's free balance when it is created.
    const short = !live && balance && balance.currency === currency && compareDecimal(reply.capital, balance.available) > 0;
    this.preview.dataset.state = "ready";
    mount(this.preview,
      h("div", { class: "stats" },
        h("div", { class: "stat" }, h("div", { class: "label" }, "Capital required"),
          h("div", { class: "value money", "data-role": "capital" }, formatMoney(reply.capital, currency))),
        live ? h("div", { class: "stat" }, h("div", { class: "label" }, "Venue"), h("div", { class: "value" }, h("span", { class: "badge live" }, "LIVE"), " Binance")) : null),
      short ? h("p", { class: "wait", "data-role": "capital-short" }, `You have ${formatMoney(balance.available, currency)} available.`) : null,
      live ? h("p", { class: "muted", "data-role": "live-note" },
        `Live on Binance: the bot trades with your Binance account's free ${currency}, which must cover the capital when the bot is created. `,
        "Prices, tick size and minimum order come from Binance; your Bourse wallet is not used.") : null,
      previewBlock(reply.product, reply.preview, reply.worst_case, currency, market, market.last_price));
    this.chart.priceLines(LINES, previewLines(reply, market.last_price));
  }

  private async create(start: boolean): Promise<void> {
    const read = this.form.read();
    if (!read.ok) return this.form.showErrors(read.errors, true);
    const body = { product: read.product, symbol: read.market.symbol, venue: read.venue, params: read.params, ...(read.name ? { name: read.name } : {}) };
    this.buttons.forEach((b) => (b.disabled = true));
    try {
      let bot: Bot;
      try {
        // One bot per submission: a retry after no answer sends the same id, and the server answers with the same bot.
        bot = await this.api.post<Bot>("/api/v1/bots", { ...body, client_order_id: this.key.next(JSON.stringify(body)) });
        this.key.settled();
      } catch (e) {
        this.key.settled(e);
        return this.form.showProblem(e, true);
      }
      if (start) {
        try {
          bot = await this.api.post<Bot>(`/api/v1/bots/${encodeURIComponent(bot.id)}/start`);
        } catch (e) {
          notify("error", `${productName(bot.product)} created but not started`, messageOf(e), 10000);
        }
      }
      notify("info", `${productName(bot.product)} ${bot.status === "created" ? "created" : "started"}`,
        `${bot.symbol}: ${formatMoney(bot.capital, bot.currency)} ${isLive(bot) ? "for it on Binance" : "reserved"}`);
      this.deps.onCreated(bot);
    } finally {
      this.buttons.forEach((b) => (b.disabled = false));
    }
  }
}
