// The bot pages of the dashboard — the list (#bots), the builder
// (#bots/new), the backtest (#bots/backtest) and one bot (#bots/<id>) — and
// the bot events of the user's stream (bot.updated, bot.fill), which keep the
// list and the open bot current. Each page keeps its state while another is shown.
import { ApiClient, messageOf } from "../shared/api";
import { botHash, botMarkets, isNewer } from "../shared/bots";
import type { Route } from "../shared/bots";
import { h, mount } from "../shared/dom";
import { notify } from "../shared/notices";
import type { Balance, Bot, Candle, Market } from "../shared/types";
import { BacktestView } from "./backtestView";
import { BotBuilder } from "./botBuilder";
import { BotControls, botName } from "./botControls";
import { BotDetails } from "./botDetails";
import { BotList } from "./botList";
import type { ChartView } from "./chartView";
import { moneyHome } from "../shared/venues";

export interface BotsDeps {
  markets: () => Map<string, Market>;
  /** the symbol the trading page shows */
  selected: () => string;
  balance: () => Balance | null;
  /** the builder's chart changed symbol or timeframe, or was shown or hidden */
  onChart: () => void;
  /** a bot reserved or gave back money: read the wallet again */
  onMoneyMoved: () => void;
}

type Page = "bots" | "new-bot" | "backtest" | "bot";

export class BotsView {
  private readonly bots = new Map<string, Bot>();
  private loaded = false;
  private page: Page | null = null;
  private readonly pages: Record<Page, HTMLElement> = {
    bots: h("section", { class: "panel", "aria-label": "Bots", "data-page": "bots" }),
    "new-bot": h("div", { "data-page": "new-bot" }),
    backtest: h("div", { "data-page": "backtest" }),
    bot: h("div", { "data-page": "bot" }),
  };
  private readonly controls: BotControls;
  private readonly list: BotList;
  private readonly builder: BotBuilder;
  private readonly details: BotDetails;
  private readonly backtest: BacktestView;

  constructor(
    root: HTMLElement,
    private readonly api: ApiClient,
    private readonly deps: BotsDeps,
  ) {
    mount(root, ...Object.values(this.pages));
    for (const el of Object.values(this.pages)) el.hidden = true;
    const markets = () => botMarkets([...deps.markets().values()]);
    this.controls = new BotControls(api, (bot) => this.updated(bot), (id) => this.deleted(id));
    this.list = new BotList(this.pages.bots, this.controls);
    this.builder = new BotBuilder(this.pages["new-bot"], api, {
      markets, selected: deps.selected, balance: deps.balance, onChart: deps.onChart,
      onCreated: (bot) => {
        this.updated(bot);
        deps.onMoneyMoved();
        location.hash = botHash(bot.id);
      },
    });
    this.details = new BotDetails(this.pages.bot, api, this.controls, deps.markets);
    this.backtest = new BacktestView(this.pages.backtest, api, markets, deps.selected);
  }

  /** The builder's chart while the builder is shown (main.ts feeds it candles). */
  get chart(): ChartView | null {
    return this.page === "new-bot" ? this.builder.chart : null;
  }

  show(route: Route): void {
    if (route.page === "trade") return this.hide();
    const page = route.page;
    if (this.page === "new-bot" && page !== "new-bot") this.builder.hide();
    if (this.page === "bot" && page !== "bot") this.details.hide();
    this.page = page;
    for (const [name, el] of Object.entries(this.pages)) el.hidden = name !== page;
    switch (route.page) {
      case "bots":
        if (this.loaded) this.list.render([...this.bots.values()]);
        void this.reload();
        break;
      case "new-bot":
        this.builder.show();
        break;
      case "backtest":
        this.backtest.show();
        break;
      case "bot":
        void this.details.show(route.id);
        break;
    }
    this.deps.onChart();
  }

  hide(): void {
    if (this.page === "new-bot") this.builder.hide();
    if (this.page === "bot") this.details.hide();
    this.page = null;
    for (const el of Object.values(this.pages)) el.hidden = true;
    this.deps.onChart();
  }

  /** Reads the list again (shown, or after a reconnect: events may have been missed). */
  async reload(): Promise<void> {
    if (this.page === "bot") void this.details.show(this.details.shownId);
    if (this.page !== "bots") return;
    this.list.loading();
    try {
      const reply = await this.api.get<{ bots: Bot[] }>("/api/v1/bots");
      this.bots.clear();
      for (const b of reply.bots) this.bots.set(b.id, b);
      this.loaded = true;
      if (this.page === "bots") this.list.render(reply.bots);
    } catch (e) {
      if (this.page === "bots") this.list.failed(messageOf(e));
    }
  }

  /** A bot changed (bot.updated, or an action's answer). */
  updated(bot: Bot): void {
    const before = this.bots.get(bot.id);
    if (!isNewer(bot, before)) return;
    this.bots.set(bot.id, bot);
    if (before && before.status !== bot.status) this.announce(bot);
    if (before?.status !== bot.status && bot.status === "stopped") this.deps.onMoneyMoved();
    if (this.page === "bots" && !this.list.update(bot)) this.list.render([...this.bots.values()]);
    this.details.updated(bot);
  }

  /** bot.fill: the bot traded. */
  filled(botId: string): void {
    this.details.filled(botId);
  }

  tick(symbol: string, price: string): void {
    if (this.page === "new-bot") this.builder.tick(symbol, price);
  }

  candle(c: Candle & { symbol?: unknown; interval?: unknown }): void {
    const chart = this.chart;
    if (chart && c.symbol === chart.symbol && c.interval === chart.interval) chart.candle(c);
  }

  private deleted(id: string): void {
    this.bots.delete(id);
    this.deps.onMoneyMoved();
    if (this.page === "bots") this.list.render([...this.bots.values()]);
    if (this.page === "bot" && this.details.shownId === id) location.hash = "#bots";
  }

  /** Outcomes that come later than the action (a stop completes, an order is rejected); actions are announced where they are taken. */
  private announce(bot: Bot): void {
    if (bot.status === "error") notify("error", `${botName(bot)} stopped on an error`, bot.error, 10000);
    else if (bot.status === "stopped") notify("info", `${botName(bot)} stopped`, `Its money is back in ${moneyHome(bot)}.`);
  }
}
