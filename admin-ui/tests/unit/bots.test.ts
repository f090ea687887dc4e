import { describe, expect, it } from "vitest";
import {
  BACKTEST_RESULT, botActions, botHash, botMarkets, botStatus, checkCandlesCsv, checkParams, checkRange, dealCell, dealColumns,
  defaultValues, equitySeries, facts, formField, gridRange, gridRows, gridSides, isNewer, ladderRows, paramFacts,
  parseRoute, previewLines, profitPerGrid, signTone, SUMMARY, toEpochMs, toEpochSeconds, WORST_CASE,
} from "../../src/shared/bots";
import type { BotPreviewReply } from "../../src/shared/types";

// bots.md's worked example, as the API's preview sends it.
const LADDER = {
  orders: [
    { role: "base", deviation: "0", price: "100.00", size: "10.00", qty: "0.100000", average_entry: "100.0000", take_profit_price: "101.50" },
    { role: "so1", deviation: "1.00", price: "99.00", size: "20.00", qty: "0.202020", average_entry: "99.3311", take_profit_price: "100.82" },
    { role: "so2", deviation: "3.00", price: "97.00", size: "40.00", qty: "0.412371", average_entry: "97.9855", take_profit_price: "99.46" },
    { role: "so3", deviation: "7.00", price: "93.00", size: "80.00", qty: "0.860215", average_entry: "95.2619", take_profit_price: "96.69" },
  ],
  capital_per_deal: "150.00",
};

describe("bot params from the form", () => {
  it("turns bots.md's defaults into the params the API takes: decimals as text, counts as numbers", () => {
    const values = defaultValues("dca-bot", "USD", "1.08000", 5);
    expect(checkParams("dca-bot", values, "USD", 5)).toEqual({
      ok: true,
      params: {
        base_order_size: "10.00", safety_order_size: "20.00", max_safety_orders: 3, max_active_safety_orders: 0,
        price_deviation: "1", step_scale: "2", volume_scale: "2", take_profit: "1.5", cooldown: 0, max_active_deals: 1,
        start_condition: "immediate",
      },
    });
  });

  it("sends the start-after-a-drop terms only with that start, and a stop loss only when given", () => {
    const values = { ...defaultValues("dca-bot", "USD", null, 2), start_condition: "after_drop", start_drop: "2.5", start_lookback: "600", stop_loss: " 5 " };
    const r = checkParams("dca-bot", values, "USD", 2);
    expect(r.ok && [r.params.start_drop, r.params.start_lookback, r.params.stop_loss]).toEqual(["2.5", 600, "5"]);
    const hidden = checkParams("dca-bot", { ...values, start_condition: "immediate", start_drop: "oops" }, "USD", 2);
    expect(hidden.ok && "start_drop" in hidden.params).toBe(false);  // hidden: neither checked nor sent
  });

  it("names the input of every problem, never rounding money", () => {
    const values = {
      ...defaultValues("dca-bot", "USD", null, 2),
      base_order_size: "10.005", take_profit: "0", price_deviation: "abc", max_safety_orders: "101", cooldown: "-1", stop_loss: "100",
    };
    const r = checkParams("dca-bot", values, "USD", 2);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      { field: "base_order_size", error: "Enter an amount with at most 2 decimals, like 10.00" },
      { field: "max_safety_orders", error: "Enter a whole number from 0 to 100" },
      { field: "price_deviation", error: "Enter a percentage above 0 and below 100, like 1.5" },
      { field: "take_profit", error: "Enter a percentage above 0 and below 1000" },
      { field: "stop_loss", error: "Enter a percentage above 0 and below 100" },
      { field: "cooldown", error: "Enter whole seconds, 0 or more" },
    ]);
  });

  it("checks the ladder's terms against each other", () => {
    const base = defaultValues("dca-bot", "USD", null, 2);
    const active = checkParams("dca-bot", { ...base, max_active_safety_orders: "4" }, "USD", 2);
    expect(!active.ok && active.errors).toEqual([{ field: "max_active_safety_orders", error: "At most the number of safety orders (3); 0 = all" }]);
    const size = checkParams("dca-bot", { ...base, safety_order_size: "0" }, "USD", 2);
    expect(!size.ok && size.errors[0].field).toBe("safety_order_size");
    expect(checkParams("dca-bot", { ...base, safety_order_size: "0", max_safety_orders: "0" }, "USD", 2).ok).toBe(true);
    expect(checkParams("dca-bot", { ...base, base_order_size: "0" }, "USD", 2).ok).toBe(false);
    expect(checkParams("dca-bot", { ...base, step_scale: "100" }, "USD", 2).ok).toBe(true);  // at most 100
    expect(checkParams("dca-bot", { ...base, step_scale: "100.5" }, "USD", 2).ok).toBe(false);
    const yen = defaultValues("dca-bot", "JPY", null, 2);
    expect(checkParams("dca-bot", yen, "JPY", 2)).toMatchObject({ ok: true, params: { base_order_size: "10", safety_order_size: "20" } });
    expect(checkParams("dca-bot", { ...yen, base_order_size: "10.5" }, "JPY", 2)).toMatchObject({ ok: false, errors: [{ field: "base_order_size", error: "Enter a whole amount, like 10" }] });
  });

  it("opens a grid 5 % either side of the price, on the tick", () => {
    expect(gridRange("1.08000", 5)).toEqual({ lower: "1.02600", upper: "1.13400" });
    expect(gridRange("2350.35", 2)).toEqual({ lower: "2232.83", upper: "2467.87" });  // down and up to the tick
    expect(gridRange(null, 2)).toEqual({ lower: "", upper: "" });
    expect(gridRange("0.00001", 5)).toEqual({ lower: "", upper: "" });
    const values = defaultValues("grid-bot", "USD", "1.08000", 5);
    expect(checkParams("grid-bot", values, "USD", 5)).toEqual({
      ok: true,
      params: { lower: "1.02600", upper: "1.13400", grid_count: 10, spacing: "arithmetic", investment: "100.00", sell_base_on_stop: true, trailing_up: false },
    });
  });

  it("checks a grid's prices against each other", () => {
    const base = { ...defaultValues("grid-bot", "USD", null, 2), lower: "100", upper: "200" };
    expect(checkParams("grid-bot", base, "USD", 2)).toMatchObject({ ok: true, params: { lower: "100.00", upper: "200.00" } });
    const bad = (over: Record<string, string>) => {
      const r = checkParams("grid-bot", { ...base, ...over }, "USD", 2);
      return r.ok ? [] : r.errors;
    };
    expect(bad({ upper: "100" })).toEqual([{ field: "upper", error: "Enter a price above the lower price" }]);
    expect(bad({ upper: "10000.01" })).toEqual([{ field: "upper", error: "At most 100 × the lower price" }]);
    expect(bad({ stop_loss: "100" })).toEqual([{ field: "stop_loss", error: "Enter a price below the lower price" }]);
    expect(bad({ take_profit: "200" })).toEqual([{ field: "take_profit", error: "Enter a price above the upper price" }]);
    expect(bad({ lower: "1.005" })).toEqual([{ field: "lower", error: "Enter a price with at most 2 decimals" }]);
    expect(bad({ grid_count: "1" })).toEqual([{ field: "grid_count", error: "Enter a whole number from 2 to 500" }]);
    expect(bad({ spacing: "log" })).toEqual([{ field: "spacing", error: "Choose one" }]);
    expect(checkParams("grid-bot", { ...base, stop_loss: "90", take_profit: "210", trailing_up: "true" }, "USD", 2))
      .toMatchObject({ ok: true, params: { stop_loss: "90.00", take_profit: "210.00", trailing_up: true } });
  });
});

describe("API errors next to their inputs", () => {
  const inputs = ["product", "symbol", "name", "base_order_size", "take_profit", "lower", "upper", "interval", "from", "csv"];

  it("finds the input a problem's field names", () => {
    expect(formField("take_profit", "", inputs)).toBe("take_profit");
    expect(formField("params.take_profit", "", inputs)).toBe("take_profit");
    expect(formField("pair.tick_size", "", inputs)).toBe("symbol");
    expect(formField("params.pair", "", inputs)).toBe("symbol");
    expect(formField("symbol", "symbol: no live price for OTC_GOLD right now", inputs)).toBe("symbol");
    expect(formField("csv", "csv: line 3: ts is not a number", inputs)).toBe("csv");
    expect(formField("price", "price: 1.2 is outside the grid [1.0, 1.1]", inputs, "grid-bot")).toBe("lower");
    expect(formField("price", "", inputs, "dca-bot")).toBe("symbol");
  });
  it("puts a live venue's problems (no keys, the exchange account short of the capital) at the venue input", () => {
    const builder = [...inputs, "venue"];
    expect(formField("venue", "venue: no Binance API keys stored (PUT /api/v1/venues/binance/keys)", builder)).toBe("venue");
    expect(formField("capital", "capital: the bot needs 110.11 USDT; your Binance account has 50 free", builder)).toBe("venue");
    expect(formField("venue", "", inputs)).toBe("symbol");  // the backtest has no venue input
  });
  it("reads the plugins' '<field>: why' when the problem has no field", () => {
    expect(formField(undefined, "base_order_size: is below the pair's minimum notional", inputs)).toBe("base_order_size");
    expect(formField("", "take_profit: must be above 0", inputs)).toBe("take_profit");
  });
  it("leaves the rest to the form-wide slot", () => {
    expect(formField("fee_bps", "", inputs)).toBe("");
    expect(formField("capital", "capital: the bot needs 150.00 USD, more than your available balance", inputs)).toBe("");
    expect(formField(undefined, "kyc: verify your identity before trading", inputs)).toBe("");
    expect(formField(undefined, "Cannot reach the server", inputs)).toBe("");
  });
});

describe("previews", () => {
  it("shows the DCA ladder as bots.md tabulates it", () => {
    const rows = ladderRows(LADDER, "USD", 2);
    expect(rows.map((r) => [r.role, r.deviation, r.price, r.size, r.qty, r.average, r.takeProfit])).toEqual([
      ["Base order", "0%", "100.00", "$10.00", "0.100000", "100.0000", "101.50"],
      ["Safety order 1", "1.00%", "99.00", "$20.00", "0.202020", "99.3311", "100.82"],
      ["Safety order 2", "3.00%", "97.00", "$40.00", "0.412371", "97.9855", "99.46"],
      ["Safety order 3", "7.00%", "93.00", "$80.00", "0.860215", "95.2619", "96.69"],
    ]);
  });
  it("shows what a newer or odd preview has without failing", () => {
    expect(ladderRows({ orders: [{ role: "so12", price: "1.08" }, null, 7] }, "USD", 5)).toEqual([
      { role: "Safety order 12", deviation: "—", price: "1.08000", size: "—", qty: "—", average: "—", takeProfit: "—" },
    ]);
    expect(ladderRows({}, "USD", 2)).toEqual([]);
    expect(ladderRows(null, "USD", 2)).toEqual([]);
    expect(gridRows({ lines: ["1", 2] }, null, 2)).toEqual([]);
    expect(facts({ capital_per_deal: "150.00", deals_per_day: 3, orders: [], extra: { a: 1 } }, { labels: { capital_per_deal: ["Capital per deal", "money"] }, skip: ["orders"] }, "USD"))
      .toEqual([["Capital per deal", "$150.00"], ["Deals per day", "3"]]);
  });
  it("knows which grid line starts with a buy, a sell or nothing", () => {
    const lines = ["100.00", "125.00", "150.00", "175.00", "200.00"];
    expect(gridSides(lines, "140.00")).toEqual(["buy", "buy", "", "sell", "sell"]);
    expect(gridSides(lines, "150.00")).toEqual(["buy", "buy", "", "sell", "sell"]);
    expect(gridSides(lines, "150.01")).toEqual(["buy", "buy", "buy", "", "sell"]);
    expect(gridSides(lines, "100")).toEqual(["", "sell", "sell", "sell", "sell"]);
    expect(gridSides(lines, null)).toEqual(["", "", "", "", ""]);
    expect(gridRows({ lines }, "140", 2).map((r) => `${r.index}:${r.price}:${r.side}`)).toEqual(
      ["4:200.00:sell", "3:175.00:sell", "2:150.00:", "1:125.00:buy", "0:100.00:buy"]);
    expect(profitPerGrid({ profit_per_grid: { min_percent: "12.30", max_percent: "24.80" } })).toBe("12.30% – 24.80%");
    expect(profitPerGrid({})).toBeNull();
  });
  it("names the worst case's known figures and keeps unknown ones", () => {
    expect(facts({ price: "93.00", loss: "10.63", note: "all safety orders filled", drawdown_percent: "7" }, WORST_CASE, "USD")).toEqual([
      ["Lowest price filled", "93.00"], ["Loss at the stop", "$10.63"], ["Note", "all safety orders filled"], ["Drawdown percent", "7"],
    ]);
  });
  it("draws the ladder and its first take profit, or the grid and its triggers", () => {
    const dca = { product: "dca-bot", symbol: "X", capital: "150.00", currency: "USD", params: {}, preview: LADDER } as BotPreviewReply;
    expect(previewLines(dca, "100").map((l) => `${l.title}@${l.price}:${l.tone}`)).toEqual(
      ["Base@100.00:buy", "SO1@99.00:buy", "SO2@97.00:buy", "SO3@93.00:buy", "TP@101.50:target"]);
    const grid = { product: "grid-bot", symbol: "X", capital: "100.00", currency: "USD", params: { stop_loss: "90.00" },
      preview: { lines: ["100.00", "150.00", "200.00"] } } as BotPreviewReply;
    expect(previewLines(grid, "120.00").map((l) => `${l.title}@${l.price}:${l.tone}`)).toEqual(
      ["Buy@100.00:buy", "Grid@150.00:level", "Sell@200.00:sell", "Stop@90.00:stop"]);
    expect(previewLines({ ...grid, preview: { lines: "nope" } } as unknown as BotPreviewReply, null)).toEqual([{ price: "90.00", title: "Stop", tone: "stop" }]);
  });
});

describe("bots as shown", () => {
  it("names statuses and offers what each allows", () => {
    expect(botStatus("running")).toEqual({ label: "Running", tone: "good" });
    expect(botStatus("error")).toEqual({ label: "Error", tone: "bad" });
    expect(botStatus("archived")).toEqual({ label: "archived", tone: "muted" });
    expect(botActions("created")).toEqual(["start", "delete"]);
    expect(botActions("running")).toEqual(["pause", "stop"]);
    expect(botActions("paused")).toEqual(["resume", "stop"]);
    expect(botActions("error")).toEqual(["stop"]);
    expect(botActions("stopping")).toEqual([]);
    expect(botActions("stopped")).toEqual(["delete"]);
  });
  it("colours P&L by its sign, exactly", () => {
    expect(signTone("1.23")).toBe("up");
    expect(signTone("-0.01")).toBe("down");
    expect(signTone("0.00")).toBe("");
    expect(signTone(undefined)).toBe("");
    expect(signTone("n/a")).toBe("");
  });
  it("keeps the newest news of a bot", () => {
    expect(isNewer({ updated_at: 2000 }, { updated_at: 1000 })).toBe(true);
    expect(isNewer({ updated_at: 1000 }, { updated_at: 2000 })).toBe(false);
    expect(isNewer({ updated_at: "2026-05-01T10:00:01Z" }, { updated_at: 1777629600000 })).toBe(true);
    expect(isNewer({ updated_at: 1 }, undefined)).toBe(true);
  });
  it("lists params by their form names", () => {
    expect(paramFacts("dca-bot", { base_order_size: "10.00", take_profit: "1.5", cooldown: 90, start_condition: "immediate", id_prefix: "b1", pair: {} } as never, "USD"))
      .toEqual([["Base order", "$10.00"], ["Take profit", "1.5%"], ["Cooldown", "1m 30s"], ["Start a deal", "At once"], ["Id prefix", "b1"]]);
    expect(paramFacts("grid-bot", { lower: "1.02600", trailing_up: false }, "USD")).toEqual([["Lower price", "1.02600"], ["Trailing up: follow the price above the grid", "no"]]);
    expect(facts({ realized_pnl: "-1.20", fees: "0.40", active_deals: 1, finished: false, error: "" }, SUMMARY, "USD"))
      .toEqual([["Realized P&L", "-$1.20"], ["Fees", "$0.40"], ["Active deals", "1"]]);
  });
});

describe("markets", () => {
  it("offers bots only the markets with a base and a quote asset", () => {
    const m = (symbol: string, base_asset: string, quote_asset: string) => ({ symbol, base_asset, quote_asset });
    expect(botMarkets([m("OTC_EUR_USD", "EUR", "USD"), m("OTC_VOL_LOW", "", "USD"), m("ODD", "USD", "USD")]).map((x) => x.symbol)).toEqual(["OTC_EUR_USD"]);
  });
});

describe("routes", () => {
  it("tells the bot pages from the trading page's sections", () => {
    expect(parseRoute("")).toEqual({ page: "trade", anchor: "" });
    expect(parseRoute("#wallet")).toEqual({ page: "trade", anchor: "wallet" });
    expect(parseRoute("#botsy")).toEqual({ page: "trade", anchor: "botsy" });
    expect(parseRoute("#bots")).toEqual({ page: "bots" });
    expect(parseRoute("#bots/")).toEqual({ page: "bots" });
    expect(parseRoute("#bots/new")).toEqual({ page: "new-bot" });
    expect(parseRoute("#bots/backtest")).toEqual({ page: "backtest" });
    expect(parseRoute(botHash("bot_01 x"))).toEqual({ page: "bot", id: "bot_01 x" });
    expect(parseRoute("#bots/%E0%A4%A")).toEqual({ page: "bots" });
  });
});

describe("backtests", () => {
  it("reads API times in any resolution", () => {
    expect(toEpochMs(1777629600000)).toBe(1777629600000);  // ms, as the API sends
    expect(toEpochMs(1777629600)).toBe(1777629600000);  // s
    expect(toEpochMs("1777629600000000000")).toBe(1777629600000);  // ns, exactly
    expect(toEpochMs(1777629600000000)).toBe(1777629600000);  // µs
    expect(toEpochMs("2026-05-01T10:00:00Z")).toBe(Date.parse("2026-05-01T10:00:00Z"));
    expect(toEpochMs("soon")).toBeNull();
    expect(toEpochMs(NaN)).toBeNull();
    expect(toEpochSeconds(1777629600999)).toBe(1777629600);
  });
  it("turns an equity curve into chart points: in order, one a second", () => {
    expect(equitySeries([["1777629660000000000", "101.00"], [1777629600000, "100.00"], ["bad", "1"], [1777629660, "102.50"], [1777629720, "x"]]))
      .toEqual([{ time: 1777629600, value: 100 }, { time: 1777629660, value: 102.5 }]);
    expect(equitySeries(undefined)).toEqual([]);
  });
  it("checks a CSV of candles as the backtest will", () => {
    expect(checkCandlesCsv("ts,open,high,low,close\r\n1777629600,1.08,1.09,1.07,1.085\n\n1777629660,1.085,1.086,1.08,1.081\n"))
      .toEqual({ ok: true, csv: "ts,open,high,low,close\n1777629600,1.08,1.09,1.07,1.085\n1777629660,1.085,1.086,1.08,1.081\n", candles: 2 });
    expect(checkCandlesCsv("1777629600000, 100, 101, 99, 100.5")).toEqual({ ok: true, csv: "ts,open,high,low,close\n1777629600000,100,101,99,100.5\n", candles: 1 });
    expect(checkCandlesCsv("")).toEqual({ ok: false, error: "The file has no candles" });
    expect(checkCandlesCsv("time,o,h,l,c\n1,1,1,1,1")).toEqual({ ok: false, error: "Line 1: expected the header ts,open,high,low,close or a candle" });
    expect(checkCandlesCsv("1,1,1,1")).toEqual({ ok: false, error: "Line 1: expected 5 values (ts,open,high,low,close), found 4" });
    expect(checkCandlesCsv("2026-05-01T10:00:00Z,1,1,1,1").ok).toBe(false);  // the API takes epoch seconds or ms
    expect(checkCandlesCsv("ts,open,high,low,close\n1,1,1,1,-1")).toEqual({ ok: false, error: "Line 2: prices must be positive decimals like 1.08123" });
    expect(checkCandlesCsv("1,1.0,1.05,0.9,1.1")).toEqual({ ok: false, error: "Line 1: high is below open or close" });
    expect(checkCandlesCsv("1,1.0,1.2,1.01,1.1")).toEqual({ ok: false, error: "Line 1: low is above open or close" });
    expect(checkCandlesCsv("60,1,1,1,1\n60,1,1,1,1")).toEqual({ ok: false, error: "Line 2: times must go forward" });
  });
  it("takes a date range in the viewer's time and sends it in UTC", () => {
    const now = Date.parse("2026-05-02T12:00:00Z");
    const from = "2026-05-01T10:00";
    const r = checkRange(from, "2026-05-01T12:30", now);
    expect(r).toEqual({ ok: true, from: new Date(from).toISOString().replace(".000Z", "Z"), to: new Date("2026-05-01T12:30").toISOString().replace(".000Z", "Z") });
    expect(checkRange("", "2026-05-01T12:30", now)).toEqual({ ok: false, field: "from", error: "Choose when the test starts" });
    expect(checkRange(from, from, now)).toEqual({ ok: false, field: "to", error: "The end must be after the start" });
    expect(checkRange("2026-05-03T10:00", "2026-05-04T10:00", now)).toEqual({ ok: false, field: "from", error: "The start must be in the past" });
    expect(checkRange(from, "2026-05-09T10:00", now)).toMatchObject({ ok: true, to: "2026-05-02T12:00:00Z" });  // not past now
  });
  it("tabulates deals of any shape, money and times readable", () => {
    const deals = [{ id: "d1", opened_at: 1777629600000000000, realized_pnl: "1.23", fees: "0.04" }, { id: "d2", status: "open" }];
    expect(dealColumns(deals)).toEqual(["id", "opened_at", "realized_pnl", "fees", "status"]);
    expect(dealCell("realized_pnl", "1.23", "USD")).toBe("+$1.23");
    expect(dealCell("fees", "0.04", "USD")).toBe("$0.04");
    expect(dealCell("closed_at", 0, "USD")).toBe("—");
    expect(dealCell("opened_at", 1777629600000000000, "USD")).toMatch(/^2026-05-0[12] \d\d:\d\d$/);
    expect(dealCell("status", undefined, "USD")).toBe("—");
    expect(dealCell("safety_orders_filled", 2, "USD")).toBe("2");
    expect(facts({ pnl: "-3.10", fees: "0.50", max_drawdown: "4.00", max_drawdown_percent: "2.6667", orders: 12, deals: [], final: {}, candles: 1440 }, BACKTEST_RESULT, "USD"))
      .toEqual([["Fees", "$0.50"], ["Max drawdown", "$4.00"], ["Max drawdown %", "2.6667%"], ["Orders", "12"], ["Candles", "1440"]]);
  });
});
