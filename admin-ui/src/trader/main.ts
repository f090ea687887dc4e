// The trader dashboard: sign-in, markets, live chart, trade panel, active
// trades, history, wallet with deposits and withdrawals, and identity
// verification, all fed by the REST API and one WebSocket.
import "../shared/styles.css";
import { ApiClient, messageOf } from "../shared/api";
import { byId, h, mount } from "../shared/dom";
import { fromUnits, toUnits } from "../shared/decimal";
import { currencyDecimals, formatMoney, formatSignedMoney } from "../shared/format";
import { StreamClient, streamUrl } from "../shared/stream";
import type { StreamStatus, Subscription } from "../shared/stream";
import type { Balance, Candle, Deposit, Market, Trade, TradingRules, Withdrawal } from "../shared/types";
import { rulesFor } from "../shared/types";
import { renderAuth } from "./authView";
import { ChartView } from "./chartView";
import type { Interval } from "./chartView";
import { KycView } from "./kycView";
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
  if (!signedIn) return mount(nav);
  mount(nav, h("button", { type: "button", onclick: async () => { await api.logout(); location.reload(); } }, "Sign out"));
}

function showBalance(b: Balance | null): void {
  byId("balance").textContent = b ? `${formatMoney(b.available, b.currency)} available` : "";
}

async function startDashboard(): Promise<void> {
  showAccount(true);
  const markets = new Map<string, Market>();
  let rules: TradingRules | null = null;
  let selected = localStorage.getItem("bourse.symbol") ?? "";

  const layout = {
    markets: h("aside", { class: "panel markets", "aria-label": "Markets" }),
    chart: h("section", { class: "panel chart-panel", "aria-label": "Chart" }),
    trade: h("section", { class: "panel trade-panel", "aria-label": "Trade" }),
    active: h("section", { class: "panel", "aria-label": "Active trades", id: "active-trades" }),
    history: h("section", { class: "panel", "aria-label": "History", id: "history" }),
    wallet: h("section", { class: "panel", "aria-label": "Wallet", id: "wallet" }),
    payments: h("div", { "aria-label": "Deposit and withdraw", role: "region", id: "payments" }),
    identity: h("section", { class: "panel", "aria-label": "Identity verification", id: "identity", tabindex: -1 }),
  };
  mount(main, h("div", { class: "dashboard" }, layout.markets, layout.chart, layout.trade,
    h("div", { class: "lower", style: "display:grid;gap:12px" }, layout.active, layout.history, layout.wallet, layout.identity)));

  const payments = new PaymentsView(layout.payments, api, () => void wallet.refresh(), () => identity.focus());
  const identity = new KycView(layout.identity, api, (info) => payments.setKyc(info.status, info.required_for));
  const wallet = new WalletView(layout.wallet, api, (b) => {
    showBalance(b);
    if (b) payments.setBalance(b.currency, b.available);
  }, layout.payments);
  const history = new History(layout.history, api, () => markets);
  const chart = new ChartView(layout.chart, api, (interval) => void changeInterval(interval));
  const active = new ActiveTrades(layout.active, () => markets, (open) => chart.entries(open));
  const panel = new TradePanel(layout.trade, api, (trade) => {
    active.opened(trade);
    notify("info", `${trade.direction} ${trade.symbol}`, `${formatMoney(trade.stake, trade.currency)} for ${trade.duration}s`, 3000);
    void wallet.refresh();
  });
  const list = new MarketList(layout.markets, (symbol) => void select(symbol));

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
      }
    },
    onMessage: (m) => onMessage(m),
  });

  const candleSub = (): Subscription => ({ channel: "candles", symbols: [selected], interval: chart.interval });

  async function select(symbol: string): Promise<void> {
    const market = markets.get(symbol);
    if (!market) return;
    stream.unsubscribe(candleSub());
    selected = symbol;
    localStorage.setItem("bourse.symbol", symbol);
    list.render([...markets.values()], rules, selected);
    stream.subscribe(candleSub());
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
    stream.unsubscribe(candleSub());
    chart.interval = interval;
    stream.subscribe(candleSub());
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
        return;
      }
      case "candle":
        if (m.symbol === selected && m.interval === chart.interval) chart.candle(m as unknown as Candle);
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
  await Promise.all([select(selected), wallet.refresh(), history.refresh(), payments.load(), identity.refresh()]);
  // "/#wallet" (where a hosted checkout returns to) or "/#identity": the section exists only now.
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
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
