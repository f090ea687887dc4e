// The trader dashboard: sign-in, markets, live chart, trade panel, active
// trades, history, wallet with deposits and withdrawals, identity
// verification, exchange keys for live bots, and the trading-bot pages
// (#bots…: list, builder, one bot, backtest), all fed by the REST API and one
// WebSocket.
import "../shared/styles.css";
import { ApiClient, messageOf } from "../shared/api";
import { byId, h, mount } from "../shared/dom";
import { fromUnits, toUnits } from "../shared/decimal";
import { currencyDecimals, formatMoney, formatSignedMoney } from "../shared/format";
import { StreamClient, streamUrl, subscriptionKey } from "../shared/stream";
import type { StreamStatus, Subscription } from "../shared/stream";
import { parseRoute } from "../shared/bots";
import type { Route } from "../shared/bots";
import type { Balance, Bot, Candle, Deposit, Market, Trade, TradingRules, Withdrawal } from "../shared/types";
import { rulesFor } from "../shared/types";
import { renderAuth } from "./authView";
import { BotsView } from "./botsView";
import { ChartView } from "./chartView";
import type { Interval } from "./chartView";
import { KycView } from "./kycView";
import { KEYS_ANCHOR } from "../shared/venues";
import { VenueKeysView } from "./venueKeysView";
import { MarketList } from "./marketList";
import { notify } from "../shared/notices";
import { TradePanel } from "./tradePanel";
import { PaymentsView } from "./paymentsView";
import { ActiveTrades, History } from "./tradesView";
import { WalletView } from "./walletView";

const api = new ApiClient("bourse.trader");
const main = byId("main");

function showConnection(status: StreamStatus, retryInMs?: number): void {
  const el = byId("connection");
  el.dataset.status = status;
  el.textContent = status === "offline" && retryInMs !== undefined ? `offline — retrying in ${Math.ceil(retryInMs / 1000)}s` : status;
}

function showAccount(signedIn: boolean): void {
  const nav = byId("account");
  if (!signedIn) {
    showPages(null);
    return mount(nav);
  }
  mount(nav, h("button", { type: "button", onclick: async () => { await api.logout(); location.reload(); } }, "Sign out"));
}

/** The page links; the current page is marked. */
function showPages(route: Route | null): void {
  const nav = byId("pages");
  if (!route) return mount(nav);
  const current = route.page === "bot" ? "bots" : route.page;
  const link = (page: string, href: string, label: string) =>
    h("a", { href, "aria-current": page === current ? "page" : undefined }, label);
  mount(nav, link("trade", "#", "Trade"), link("bots", "#bots", "Bots"), link("new-bot", "#bots/new", "New bot"), link("backtest", "#bots/backtest", "Backtest"));
}

function showBalance(b: Balance | null): void {
  byId("balance").textContent = b ? `${formatMoney(b.available, b.currency)} available` : "";
}

async function startDashboard(): Promise<void> {
  showAccount(true);
  const markets = new Map<string, Market>();
  let rules: TradingRules | null = null;
  let selected = localStorage.getItem("bourse.symbol") ?? "";
  let balance: Balance | null = null;

  const layout = {
    markets: h("aside", { class: "panel markets", "aria-label": "Markets" }),
    chart: h("section", { class: "panel chart-panel", "aria-label": "Chart" }),
    trade: h("section", { class: "panel trade-panel", "aria-label": "Trade" }),
    active: h("section", { class: "panel", "aria-label": "Active trades", id: "active-trades" }),
    history: h("section", { class: "panel", "aria-label": "History", id: "history" }),
    wallet: h("section", { class: "panel", "aria-label": "Wallet", id: "wallet" }),
    payments: h("div", { "aria-label": "Deposit and withdraw", role: "region", id: "payments" }),
    identity: h("section", { class: "panel", "aria-label": "Identity verification", id: "identity", tabindex: -1 }),
    keys: h("section", { class: "panel", "aria-label": "Exchange keys", id: KEYS_ANCHOR, tabindex: -1 }),
  };
  const dashboard = h("div", { class: "dashboard" }, layout.markets, layout.chart, layout.trade,
    h("div", { class: "lower", style: "display:grid;gap:12px" }, layout.active, layout.history, layout.wallet, layout.identity, layout.keys));
  const botPages = h("div", { class: "bot-pages", id: "bot-pages", hidden: true });
  mount(main, dashboard, botPages);

  const payments = new PaymentsView(layout.payments, api, () => void wallet.refresh(), () => identity.focus());
  const identity = new KycView(layout.identity, api, (info) => payments.setKyc(info.status, info.required_for));
  const wallet = new WalletView(layout.wallet, api, (b) => {
    balance = b;
    showBalance(b);
    if (b) payments.setBalance(b.currency, b.available);
  }, layout.payments);
  const keys = new VenueKeysView(layout.keys, api);
  const history = new History(layout.history, api, () => markets);
  const chart = new ChartView(layout.chart, api, (interval) => void changeInterval(interval));
  const active = new ActiveTrades(layout.active, () => markets, (open) => chart.entries(open));
  const panel = new TradePanel(layout.trade, api, (trade) => {
    active.opened(trade);
    notify("info", `${trade.direction} ${trade.symbol}`, `${formatMoney(trade.stake, trade.currency)} for ${trade.duration}s`, 3000);
    void wallet.refresh();
  });
  const list = new MarketList(layout.markets, (symbol) => void select(symbol));
  const bots = new BotsView(botPages, api, {
    markets: () => markets,
    selected: () => selected,
    balance: () => balance,
    onChart: () => syncCandles(),
    onMoneyMoved: () => void wallet.refresh(),
  });

  let wentOffline = false;
  const stream = new StreamClient({
    url: streamUrl(location),
    token: () => api.accessToken(),
    onStatus: (status, retryInMs) => {
      showConnection(status, retryInMs);
      if (status === "offline") wentOffline = true;
      if (status === "online" && wentOffline) {
        // Deposit and withdrawal events sent while we were away are gone: read the state again.
        wentOffline = false;
        void wallet.refresh();
        void payments.reload().catch(() => undefined);
        void bots.reload();
      }
    },
    onMessage: (m) => onMessage(m),
  });

  // Candles for the trading page's chart and, while it is shown, the bot builder's.
  const candleSubs = new Map<string, Subscription>();
  function syncCandles(): void {
    const wanted = new Map<string, Subscription>();
    for (const [symbol, interval] of [[selected, chart.interval], [bots.chart?.symbol, bots.chart?.interval]]) {
      if (!symbol || !interval) continue;
      const sub: Subscription = { channel: "candles", symbols: [symbol], interval };
      wanted.set(subscriptionKey(sub), sub);
    }
    for (const [key, sub] of candleSubs) {
      if (wanted.has(key)) continue;
      stream.unsubscribe(sub);
      candleSubs.delete(key);
    }
    for (const [key, sub] of wanted) {
      if (candleSubs.has(key)) continue;
      stream.subscribe(sub);
      candleSubs.set(key, sub);
    }
  }

  async function select(symbol: string): Promise<void> {
    const market = markets.get(symbol);
    if (!market) return;
    selected = symbol;
    localStorage.setItem("bourse.symbol", symbol);
    list.render([...markets.values()], rules, selected);
    syncCandles();
    if (rules) panel.show(market, rulesFor(rules, symbol), rules.currency);
    try {
      await chart.show(market);
      chart.entries(active.open);
    } catch (e) {
      notify("error", "Chart unavailable", messageOf(e));
    }
  }

  async function refreshRules(): Promise<void> {
    const next = await api.get<TradingRules>("/api/v1/trading/rules").catch(() => null);
    if (!next || JSON.stringify(next) === JSON.stringify(rules)) return;
    rules = next;
    list.render([...markets.values()], rules, selected);
    const market = markets.get(selected);
    if (market) panel.show(market, rulesFor(rules, selected), rules.currency);
  }

  async function changeInterval(interval: Interval): Promise<void> {
    chart.interval = interval;
    syncCandles();
    const market = markets.get(selected);
    if (market) {
      await chart.show(market);
      chart.entries(active.open);
    }
  }

  function onMessage(m: Record<string, unknown>): void {
    switch (m.type) {
      case "tick": {
        const symbol = String(m.symbol);
        const price = String(m.price);
        const market = markets.get(symbol);
        if (!market) return;
        market.last_price = price;
        list.price(market, price);
        active.price(symbol, price);
        if (symbol === selected) chart.tick(price);
        bots.tick(symbol, price);
        return;
      }
      case "candle":
        if (m.symbol === selected && m.interval === chart.interval) chart.candle(m as unknown as Candle);
        bots.candle(m as unknown as Candle);
        return;
      case "source": {
        // The instrument failed over to another source, lost its last one, or got one back.
        const market = markets.get(String(m.symbol));
        if (!market) return;
        const source = String(m.source ?? "");
        market.status = source ? "live" : "no_live_source";
        if (source) market.source = source;
        for (const s of market.sources) s.active = s.id === source;
        list.render([...markets.values()], rules, selected);
        panel.feedChanged(market);
        return;
      }
      case "history": {
        // Missing candles were back-filled from the source: redraw what the chart shows.
        const market = markets.get(String(m.symbol));
        if (market && market.symbol === selected)
          void chart.show(market).then(() => chart.entries(active.open)).catch(() => undefined);
        return;
      }
      case "trade.opened":
        active.opened(m.trade as Trade);
        return;
      case "trade.settled": {
        const t = m.trade as Trade;
        active.settled(t);
        const scale = currencyDecimals(t.currency);
        const profit = fromUnits((toUnits(t.payout ?? "0", scale) ?? 0n) - (toUnits(t.stake, scale) ?? 0n), scale);
        const kind = t.status === "WON" ? "win" : t.status === "LOST" ? "loss" : "info";
        notify(kind, t.status === "WON" ? "You won" : t.status === "LOST" ? "You lost" : "Tie — stake returned",
          `${t.direction} ${t.symbol}: ${formatSignedMoney(profit, t.currency)} (paid ${formatMoney(t.payout ?? "0", t.currency)})`, 8000);
        void wallet.refresh();
        void history.refresh();
        return;
      }
      case "deposit":
        payments.depositChanged(m.deposit as Deposit);
        return;
      case "withdrawal":
        payments.withdrawalChanged(m.withdrawal as Withdrawal);
        return;
      case "bot.updated":
        bots.updated(m.bot as Bot);
        return;
      case "bot.fill":
        bots.filled(String(m.bot_id));
        return;
      case "error":
        console.warn("stream:", m.message);
        return;
    }
  }

  try {
    const [marketReply, rulesReply, openReply] = await Promise.all([
      api.get<{ markets: Market[] }>("/api/v1/markets"),
      api.get<TradingRules>("/api/v1/trading/rules").catch(() => null),
      api.get<{ trades: Trade[] }>("/api/v1/trades?status=OPEN&limit=100"),
    ]);
    for (const m of marketReply.markets) markets.set(m.symbol, m);
    rules = rulesReply;
    active.set(openReply.trades);
  } catch (e) {
    mount(main, h("p", { class: "error panel", role: "alert" }, "Could not load the dashboard: ", messageOf(e)));
    return;
  }
  if (!markets.has(selected)) selected = markets.keys().next().value ?? "";
  // The operator may open or close markets and change payouts at any time.
  setInterval(() => void refreshRules(), 10_000);
  stream.subscribe({ channel: "ticks", symbols: [...markets.keys()] });
  stream.subscribe({ channel: "trades" });
  stream.connect();
  // Coming back from a payment or verification page: the decision may have been made meanwhile.
  window.addEventListener("focus", () => void identity.refresh());
  // "#bots…" shows a bot page instead of the trading page; "/#wallet" (where a hosted checkout
  // returns to) or "/#identity" scroll to that section, which exists only now.
  const route = (scroll: boolean): void => {
    const r = parseRoute(location.hash);
    showPages(r);
    dashboard.hidden = r.page !== "trade";
    botPages.hidden = r.page === "trade";
    bots.show(r);
    if (scroll && r.page === "trade" && r.anchor) document.getElementById(r.anchor)?.scrollIntoView();
  };
  window.addEventListener("hashchange", () => route(true));
  route(false);
  await Promise.all([select(selected), wallet.refresh(), history.refresh(), payments.load(), identity.refresh(), keys.refresh()]);
  const first = parseRoute(location.hash);
  if (first.page === "trade" && first.anchor) document.getElementById(first.anchor)?.scrollIntoView();
}

function start(): void {
  api.onSignedOut = () => location.reload();
  if (api.signedIn) void startDashboard();
  else {
    showAccount(false);
    renderAuth(main, api, () => void startDashboard());
  }
}

start();
