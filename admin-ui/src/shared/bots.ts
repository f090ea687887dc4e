// Trading bots (DCA and grid): each product's form fields and defaults, the
// form's text → the params the API takes (checked here first, so a preview is
// asked for only when it could be right), the API's `field` → the input it
// names, preview rows and the price lines drawn on the chart, statuses and
// what can be done in each, the dashboard's routes, and backtest inputs (CSV
// candles, dates, equity curves). Pure functions (unit-tested); money and
// prices stay decimal text. Parameter meanings: plugins/product/bot-engine/README.md.
import { compareDecimal, fromUnits, toUnits } from "./decimal";
import { currencyDecimals, formatDateTime, formatDuration, formatMoney, formatPrice, formatSignedMoney } from "./format";
import type { Tone } from "./payments";
import type { BotParams, BotPreviewReply, BotProduct, BotStatus } from "./types";

export const PRODUCTS: [BotProduct, string][] = [["dca-bot", "DCA bot"], ["grid-bot", "Grid bot"]];

export function productName(product: string): string {
  return PRODUCTS.find(([id]) => id === product)?.[1] ?? product;
}

/** What the user typed, by input name; flags are "true" / "false". */
export type FormValues = Record<string, string>;

export type FieldKind =
  | "money"    // quote amount, the currency's decimals, above zero (or zero when `zero`)
  | "price"    // on the market's tick (price_scale decimals), above zero
  | "percent"  // a decimal percentage, above 0 and below `below`
  | "scale"    // a decimal factor, above 0 and at most `atMost`
  | "count"    // a whole number in [min, max]
  | "seconds"  // whole seconds, at least `min`
  | "choice"
  | "flag";

export interface ParamField {
  /** the params key (and the input's name) */
  name: string;
  label: string;
  kind: FieldKind;
  help?: string;
  /** may be left empty: then it is not sent */
  optional?: boolean;
  zero?: boolean;
  min?: number;
  max?: number;
  below?: string;
  atMost?: string;
  choices?: [string, string][];
  /** shown, checked and sent only when this holds */
  when?: (values: FormValues) => boolean;
}

const afterDrop = (v: FormValues) => v.start_condition === "after_drop";

export const DCA_FIELDS: ParamField[] = [
  { name: "base_order_size", label: "Base order", kind: "money", help: "Bought at market to open each deal" },
  { name: "safety_order_size", label: "Safety order", kind: "money", zero: true, help: "What safety order 1 buys; each next one × the volume scale" },
  { name: "max_safety_orders", label: "Safety orders", kind: "count", min: 0, max: 100 },
  { name: "max_active_safety_orders", label: "Active safety orders", kind: "count", min: 0, max: 100, help: "On the book at once; 0 = all" },
  { name: "price_deviation", label: "Price deviation %", kind: "percent", below: "100", help: "Safety order 1 this far below the base order's price" },
  { name: "step_scale", label: "Step scale", kind: "scale", atMost: "100", help: "Each further gap × this" },
  { name: "volume_scale", label: "Volume scale", kind: "scale", atMost: "100", help: "Each further safety order's size × this" },
  { name: "take_profit", label: "Take profit %", kind: "percent", below: "1000", help: "Above the average entry, fees not added" },
  { name: "stop_loss", label: "Stop loss %", kind: "percent", below: "100", optional: true, help: "Below the average entry; empty for none" },
  { name: "cooldown", label: "Cooldown (seconds)", kind: "seconds", min: 0, help: "Wait between deals" },
  { name: "max_active_deals", label: "Active deals", kind: "count", min: 1, max: 100 },
  { name: "start_condition", label: "Start a deal", kind: "choice", choices: [["immediate", "At once"], ["after_drop", "After a drop"]] },
  { name: "start_drop", label: "Drop %", kind: "percent", below: "100", when: afterDrop, help: "Below the highest price of the lookback" },
  { name: "start_lookback", label: "Lookback (seconds)", kind: "seconds", min: 1, when: afterDrop },
];

export const GRID_FIELDS: ParamField[] = [
  { name: "lower", label: "Lower price", kind: "price" },
  { name: "upper", label: "Upper price", kind: "price", help: "At most 100 × the lower price" },
  { name: "grid_count", label: "Grids", kind: "count", min: 2, max: 500, help: "Intervals between the lines (lines = grids + 1)" },
  { name: "spacing", label: "Spacing", kind: "choice", choices: [["arithmetic", "Arithmetic (equal steps)"], ["geometric", "Geometric (equal ratios)"]] },
  { name: "investment", label: "Investment", kind: "money" },
  { name: "stop_loss", label: "Stop-loss price", kind: "price", optional: true, help: "The bot stops at or below it; below the lower price; empty for none" },
  { name: "take_profit", label: "Take-profit price", kind: "price", optional: true, help: "The bot stops at or above it; above the upper price; empty for none" },
  { name: "sell_base_on_stop", label: "Sell the base asset when a trigger stops the bot", kind: "flag" },
  { name: "trailing_up", label: "Trailing up: follow the price above the grid", kind: "flag" },
];

/** Markets a bot can trade: a base asset bought with a quote asset (an index has no base). */
export function botMarkets<M extends { base_asset: string; quote_asset: string }>(markets: M[]): M[] {
  return markets.filter((m) => m.base_asset && m.quote_asset && m.base_asset !== m.quote_asset);
}

export function fieldsOf(product: BotProduct): ParamField[] {
  return product === "grid-bot" ? GRID_FIELDS : DCA_FIELDS;
}

/** `whole` in the currency's decimals: (10, "USD") → "10.00". */
function money(whole: number, currency: string): string {
  const scale = currencyDecimals(currency);
  return fromUnits(BigInt(whole) * 10n ** BigInt(scale), scale);
}

/**
 * A new form's values: bots.md's worked example for DCA; for a grid, lines
 * from 5 % below to 5 % above `lastPrice` (on the tick), or empty without a price.
 */
export function defaultValues(product: BotProduct, currency: string, lastPrice: string | null, priceScale: number): FormValues {
  if (product === "dca-bot") {
    return {
      base_order_size: money(10, currency), safety_order_size: money(20, currency), max_safety_orders: "3", max_active_safety_orders: "0",
      price_deviation: "1", step_scale: "2", volume_scale: "2", take_profit: "1.5", stop_loss: "", cooldown: "0",
      max_active_deals: "1", start_condition: "immediate", start_drop: "2", start_lookback: "3600",
    };
  }
  return { ...gridRange(lastPrice, priceScale), grid_count: "10", spacing: "arithmetic", investment: money(100, currency),
    stop_loss: "", take_profit: "", sell_base_on_stop: "true", trailing_up: "false" };
}

/** Lower and upper 5 % around `price`, rounded outwards to the tick; empty when there is no usable price. */
export function gridRange(price: string | null, priceScale: number): { lower: string; upper: string } {
  const units = price ? toUnits(price, priceScale) : null;
  if (units === null || units <= 0n) return { lower: "", upper: "" };
  const lower = (units * 95n) / 100n;
  const upper = (units * 105n + 99n) / 100n;
  if (lower <= 0n || upper <= lower) return { lower: "", upper: "" };
  return { lower: fromUnits(lower, priceScale), upper: fromUnits(upper, priceScale) };
}

export interface FieldProblem {
  /** the input's name; "" for the form-wide slot */
  field: string;
  error: string;
}

export type ParamsCheck = { ok: true; params: BotParams } | { ok: false; errors: FieldProblem[] };

const DECIMAL = /^\d+(\.\d{1,18})?$/;
const WHOLE = /^\d{1,15}$/;

/** "007.50" → "7.50": what the user typed, without leading zeros. */
function plainDecimal(text: string): string {
  return text.replace(/^0+(?=\d)/, "");
}

/** One field's text → its params value, or why not. */
function parseField(f: ParamField, raw: string, currency: string, priceScale: number): { value: string | number | boolean } | { error: string } {
  const text = raw.trim();
  switch (f.kind) {
    case "money": {
      const scale = currencyDecimals(currency);
      const example = money(10, currency);
      const units = toUnits(text, scale);
      if (!text || units === null)
        return { error: scale ? `Enter an amount with at most ${scale} decimals, like ${example}` : `Enter a whole amount, like ${example}` };
      if (units < 0n || (units === 0n && !f.zero)) return { error: f.zero ? "Enter zero or more" : "Enter an amount above zero" };
      return { value: fromUnits(units, scale) };
    }
    case "price": {
      const units = toUnits(text, priceScale);
      if (!text || units === null) return { error: `Enter a price with at most ${priceScale} decimals` };
      if (units <= 0n) return { error: "Enter a price above zero" };
      return { value: fromUnits(units, priceScale) };
    }
    case "percent":
    case "scale": {
      const bound = f.kind === "percent" ? f.below ?? "100" : f.atMost ?? "100";
      const range = f.kind === "percent" ? `above 0 and below ${bound}` : `above 0 and at most ${bound}`;
      const what = f.kind === "percent" ? "a percentage" : "a number";
      if (!DECIMAL.test(text)) return { error: `Enter ${what} ${range}, like 1.5` };
      const over = compareDecimal(text, bound);
      if (compareDecimal(text, "0") <= 0 || (f.kind === "percent" ? over >= 0 : over > 0)) return { error: `Enter ${what} ${range}` };
      return { value: plainDecimal(text) };
    }
    case "count": {
      const min = f.min ?? 0;
      const max = f.max ?? Number.MAX_SAFE_INTEGER;
      const n = WHOLE.test(text) ? Number(text) : NaN;
      if (!(n >= min && n <= max)) return { error: `Enter a whole number from ${min} to ${max}` };
      return { value: n };
    }
    case "seconds": {
      const min = f.min ?? 0;
      const n = WHOLE.test(text) ? Number(text) : NaN;
      if (!(n >= min)) return { error: min > 0 ? `Enter whole seconds, at least ${min}` : "Enter whole seconds, 0 or more" };
      return { value: n };
    }
    case "choice":
      return f.choices?.some(([v]) => v === text) ? { value: text } : { error: "Choose one" };
    case "flag":
      return { value: text === "true" };
  }
}

/**
 * The params to send for what the form holds, or every problem found (each
 * naming its input). Hidden fields (`when`) and empty optional ones are left
 * out; the server checks the rest (tick sizes, minimum notional, fees).
 */
export function checkParams(product: BotProduct, values: FormValues, currency: string, priceScale: number): ParamsCheck {
  const params: BotParams = {};
  const errors: FieldProblem[] = [];
  for (const f of fieldsOf(product)) {
    if (f.when && !f.when(values)) continue;
    const text = values[f.name] ?? "";
    if (f.optional && !text.trim()) continue;
    const parsed = parseField(f, text, currency, priceScale);
    if ("error" in parsed) errors.push({ field: f.name, error: parsed.error });
    else params[f.name] = parsed.value;
  }
  errors.push(...(product === "grid-bot" ? gridProblems(params, priceScale) : dcaProblems(params)));
  return errors.length ? { ok: false, errors } : { ok: true, params };
}

function dcaProblems(p: BotParams): FieldProblem[] {
  const errors: FieldProblem[] = [];
  const max = p.max_safety_orders;
  if (typeof max === "number" && typeof p.max_active_safety_orders === "number" && p.max_active_safety_orders > max)
    errors.push({ field: "max_active_safety_orders", error: `At most the number of safety orders (${max}); 0 = all` });
  if (typeof max === "number" && max > 0 && typeof p.safety_order_size === "string" && compareDecimal(p.safety_order_size, "0") === 0)
    errors.push({ field: "safety_order_size", error: "Enter the safety order's size, or set safety orders to 0" });
  return errors;
}

function gridProblems(p: BotParams, priceScale: number): FieldProblem[] {
  const units = (key: string) => (typeof p[key] === "string" ? toUnits(p[key] as string, priceScale) : null);
  const [lower, upper, stop, target] = [units("lower"), units("upper"), units("stop_loss"), units("take_profit")];
  const errors: FieldProblem[] = [];
  if (lower !== null && upper !== null) {
    if (upper <= lower) errors.push({ field: "upper", error: "Enter a price above the lower price" });
    else if (upper > lower * 100n) errors.push({ field: "upper", error: "At most 100 × the lower price" });
  }
  if (stop !== null && lower !== null && stop >= lower) errors.push({ field: "stop_loss", error: "Enter a price below the lower price" });
  if (target !== null && upper !== null && target <= upper) errors.push({ field: "take_profit", error: "Enter a price above the upper price" });
  return errors;
}

/**
 * API error fields that belong to an input of another name. The capital a bot
 * needs is short where its money is: a live bot's exchange account goes with
 * the venue input (where there is one).
 */
const FIELD_ALIASES: Record<string, string> = { pair: "symbol", venue: "symbol", price: "symbol", product: "product", capital: "venue" };

/**
 * The input an API error names: its `field` ("take_profit", "params.take_profit",
 * "pair.tick_size"), or without one, the "<field>: why" its detail starts with
 * (the plugins' message form). "" (the form-wide slot) when no input matches.
 * For a grid, the start price outside [lower, upper] ("price") is shown at the lower price.
 */
export function formField(field: string | undefined, detail: string, inputs: readonly string[], product?: BotProduct): string {
  const named = field || /^([a-z][a-z0-9_.[\]]*): /.exec(detail)?.[1] || "";
  const path = named.replace(/^params\./, "");
  if (!path) return "";
  if (inputs.includes(path)) return path;
  const head = path.split(/[.[]/)[0];
  if (inputs.includes(head)) return head;
  const alias = head === "price" && product === "grid-bot" ? "lower" : FIELD_ALIASES[head];
  return alias && inputs.includes(alias) ? alias : "";
}

// ---- previews ----

export interface LadderRow {
  role: string;
  deviation: string;
  price: string;
  size: string;
  qty: string;
  average: string;
  takeProfit: string;
}

/** "base" → "Base order"; "safety" with index 2 (or "so2") → "Safety order 2"; anything else as it is. */
export function orderRole(role: string, index?: number | null): string {
  if (role === "base") return "Base order";
  if (role === "safety" && index) return `Safety order ${index}`;
  const so = /^so(\d+)$/.exec(role);
  return so ? `Safety order ${so[1]}` : role;
}

/** A reply's scalar as text; null when missing or not a string or number. */
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

/** The DCA ladder's rows for display; missing values show as "—". */
export function ladderRows(preview: unknown, currency: string, priceScale: number): LadderRow[] {
  const orders = (preview as { orders?: unknown } | null)?.orders;
  if (!Array.isArray(orders)) return [];
  const price = (v: unknown) => (str(v) === null ? "—" : formatPrice(str(v) as string, priceScale));
  return orders.filter((o): o is Record<string, unknown> => !!o && typeof o === "object").map((o) => ({
    role: orderRole(str(o.role) ?? "—", typeof o.index === "number" ? o.index : null),
    deviation: str(o.deviation) === null ? "—" : `${str(o.deviation)}%`,
    price: price(o.price),
    size: str(o.size) === null ? "—" : formatMoney(str(o.size) as string, currency),
    qty: str(o.qty) ?? "—",
    average: price(o.average_entry),
    takeProfit: price(o.take_profit_price),
  }));
}

export type GridSide = "buy" | "sell" | "";

/**
 * Which order each grid line holds at the start with the price at `price`
 * (README: interval k buys at line k if that line is below the price, else it
 * sells at line k+1). The line just above the price holds none.
 */
export function gridSides(lines: string[], price: string | null): GridSide[] {
  if (!price) return lines.map(() => "");
  return lines.map((_, k) => {
    if (k < lines.length - 1 && compareDecimal(lines[k], price) < 0) return "buy";
    if (k > 0 && compareDecimal(lines[k - 1], price) >= 0) return "sell";
    return "";
  });
}

export interface GridRow {
  /** line number, 0 = lowest */
  index: number;
  price: string;
  side: GridSide;
}

/** The grid's lines, highest first, with the order each starts with. */
export function gridRows(preview: unknown, price: string | null, priceScale: number): GridRow[] {
  const lines = (preview as { lines?: unknown } | null)?.lines;
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === "string" && toUnits(l, 36) !== null)) return [];
  const sides = gridSides(lines, price && toUnits(price, 36) !== null ? price : null);
  return lines.map((l, index) => ({ index, price: formatPrice(l, priceScale), side: sides[index] })).reverse();
}

/** "max_drawdown_percent" → "Max drawdown percent". */
export function humanize(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value of a reply we have no special name for, shown as it came. */
export function plainValue(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v);
}

export type Fact = [label: string, value: string];

/** Known keys by label and kind; `skip` are shown elsewhere (or are internal). */
interface FactSpec {
  labels: Record<string, [string, "money" | "signed" | "percent" | "text"]>;
  skip?: string[];
}

/** Facts of a reply object: the known keys in order, then any others it has (a newer kernel's) as they are. */
export function facts(obj: unknown, spec: FactSpec, currency: string): Fact[] {
  if (!obj || typeof obj !== "object") return [];
  const o = obj as Record<string, unknown>;
  const out: Fact[] = [];
  for (const [key, [label, kind]] of Object.entries(spec.labels)) {
    const v = str(o[key]);
    if (v === null) continue;
    const shown = kind === "money" ? formatMoney(v, currency) : kind === "signed" ? formatSignedMoney(v, currency) : kind === "percent" ? `${v}%` : v;
    out.push([label, shown]);
  }
  for (const [key, v] of Object.entries(o)) {
    if (key in spec.labels || spec.skip?.includes(key) || (v !== null && typeof v === "object")) continue;
    out.push([humanize(key), plainValue(v)]);
  }
  return out;
}

export const WORST_CASE: FactSpec = {
  labels: {
    price: ["Lowest price filled", "text"], average_entry: ["Average entry", "text"], take_profit_price: ["Take profit at", "text"],
    stop_price: ["Stop at", "text"], loss: ["Loss at the stop", "money"], note: ["Note", "text"],
  },
};

export const GRID_PREVIEW: FactSpec = {
  labels: { qty_per_line: ["Quantity per order", "text"], buy_lines: ["Buy orders", "text"], sell_lines: ["Sell orders", "text"] },
  skip: ["lines", "profit_per_grid"],
};

export const DCA_PREVIEW: FactSpec = {
  labels: { capital_per_deal: ["Capital per deal", "money"] },
  skip: ["orders"],
};

export const SUMMARY: FactSpec = {
  labels: {
    realized_pnl: ["Realized P&L", "signed"], grid_profit: ["Grid profit", "signed"], fees: ["Fees", "money"],
    active_deals: ["Active deals", "text"], closed_deals: ["Closed deals", "text"], note: ["Note", "text"],
  },
  skip: ["finished", "error"],
};

export const BACKTEST_RESULT: FactSpec = {
  labels: {
    fees: ["Fees", "money"], max_drawdown: ["Max drawdown", "money"], max_drawdown_percent: ["Max drawdown %", "percent"],
    orders: ["Orders", "text"], grid_profit: ["Grid profit", "signed"], capital: ["Capital", "money"], candles: ["Candles", "text"],
  },
  // P&L stands on its own above the facts
  skip: ["pnl", "currency", "deals", "equity", "final"],
};

/** "0.81% – 0.95%" from a grid preview's profit_per_grid, or null. */
export function profitPerGrid(preview: unknown): string | null {
  const p = (preview as { profit_per_grid?: { min_percent?: unknown; max_percent?: unknown } } | null)?.profit_per_grid;
  const min = str(p?.min_percent);
  const max = str(p?.max_percent);
  if (min === null || max === null) return null;
  return min === max ? `${min}%` : `${min}% – ${max}%`;
}

/** A bot's params by their form labels, in form order, then any others (objects such as pair and venue left out). */
export function paramFacts(product: BotProduct, params: BotParams | undefined, currency: string): Fact[] {
  if (!params) return [];
  const fields = fieldsOf(product);
  const out: Fact[] = [];
  for (const f of fields) {
    const v = params[f.name];
    if (v === undefined || v === null || v === "") continue;
    const s = String(v);
    let shown: string;
    switch (f.kind) {
      case "money": shown = formatMoney(s, currency); break;
      case "percent": shown = `${s}%`; break;
      case "seconds": shown = typeof v === "number" ? formatDuration(v) : s; break;
      case "choice": shown = f.choices?.find(([c]) => c === s)?.[1] ?? s; break;
      case "flag": shown = v === true || s === "true" ? "yes" : "no"; break;
      default: shown = s;
    }
    out.push([f.label.replace(/ %$/, "").replace(/ \(seconds\)$/, ""), shown]);
  }
  for (const [key, v] of Object.entries(params)) {
    if (fields.some((f) => f.name === key) || (v !== null && typeof v === "object")) continue;
    out.push([humanize(key), plainValue(v)]);
  }
  return out;
}

// ---- chart lines ----

export interface BotLine {
  price: string;
  title: string;
  tone: "buy" | "sell" | "level" | "target" | "stop";
}

/** The horizontal lines a preview draws on the chart: the ladder and its first take profit, or the grid and its triggers. */
export function previewLines(reply: BotPreviewReply, price: string | null): BotLine[] {
  const lines: BotLine[] = [];
  const p = reply.preview as Record<string, unknown>;
  if (reply.product === "dca-bot") {
    const orders = Array.isArray(p.orders) ? (p.orders as Record<string, unknown>[]) : [];
    for (const o of orders) {
      const at = str(o.price);
      const title = o.role === "base" ? "Base" : o.role === "safety" && typeof o.index === "number" ? `SO${o.index}` : String(o.role ?? "").toUpperCase();
      if (at) lines.push({ price: at, title, tone: "buy" });
    }
    const tp = str(orders[0]?.take_profit_price);
    if (tp) lines.push({ price: tp, title: "TP", tone: "target" });
    return lines;
  }
  const raw = Array.isArray(p.lines) && p.lines.every((l) => typeof l === "string" && toUnits(l, 36) !== null) ? (p.lines as string[]) : [];
  const sides = gridSides(raw, price && toUnits(price, 36) !== null ? price : null);
  raw.forEach((at, k) => lines.push({ price: at, title: sides[k] === "buy" ? "Buy" : sides[k] === "sell" ? "Sell" : "Grid", tone: sides[k] || "level" }));
  const stop = str(reply.params?.stop_loss);
  const target = str(reply.params?.take_profit);
  if (stop) lines.push({ price: stop, title: "Stop", tone: "stop" });
  if (target) lines.push({ price: target, title: "Take profit", tone: "target" });
  return lines;
}

// ---- statuses and actions ----

const BOT_STATUS: Record<BotStatus, [string, Tone]> = {
  created: ["Created", "muted"],
  running: ["Running", "good"],
  paused: ["Paused", "wait"],
  stopping: ["Stopping", "wait"],
  stopped: ["Stopped", "muted"],
  error: ["Error", "bad"],
};

export function botStatus(status: string): { label: string; tone: Tone } {
  const [label, tone] = BOT_STATUS[status as BotStatus] ?? [status, "muted"];
  return { label, tone };
}

export type BotAction = "start" | "pause" | "resume" | "stop" | "delete";

/** What the API allows in each status (delete: created or stopped bots only). */
export function botActions(status: string): BotAction[] {
  switch (status) {
    case "created": return ["start", "delete"];
    case "running": return ["pause", "stop"];
    case "paused": return ["resume", "stop"];
    case "error": return ["stop"];
    case "stopped": return ["delete"];
    default: return [];
  }
}

/** "up" / "down" / "" for a signed amount (P&L colour). */
export function signTone(amount: string | null | undefined): "up" | "down" | "" {
  if (!amount) return "";
  const dot = amount.indexOf(".");
  const units = toUnits(amount, dot < 0 ? 0 : amount.length - dot - 1);
  return units === null || units === 0n ? "" : units > 0n ? "up" : "down";
}

/** Whether `next` is not older than `shown` (their updated_at): stream news can arrive out of order. */
export function isNewer(next: { updated_at: unknown }, shown: { updated_at: unknown } | undefined): boolean {
  if (!shown) return true;
  const a = toEpochMs(next.updated_at);
  const b = toEpochMs(shown.updated_at);
  return a === null || b === null || a >= b;
}

// ---- routes ----

export type Route =
  | { page: "trade"; anchor: string }
  | { page: "bots" }
  | { page: "new-bot" }
  | { page: "backtest" }
  | { page: "bot"; id: string };

/** "#bots", "#bots/new", "#bots/backtest", "#bots/<id>"; anything else is the trading page (and a section to scroll to). */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  if (path !== "bots" && !path.startsWith("bots/")) return { page: "trade", anchor: path };
  const rest = path.slice("bots/".length);
  if (path === "bots" || rest === "") return { page: "bots" };
  if (rest === "new") return { page: "new-bot" };
  if (rest === "backtest") return { page: "backtest" };
  try {
    return { page: "bot", id: decodeURIComponent(rest) };
  } catch {
    return { page: "bots" };
  }
}

export function botHash(id: string): string {
  return `#bots/${encodeURIComponent(id)}`;
}

// ---- times, backtests and equity curves ----

/**
 * A time in milliseconds since the epoch: ISO-8601 text, or a number (or
 * digits) in seconds, milliseconds, microseconds or nanoseconds, told apart by
 * size (the API sends milliseconds; backtests nanoseconds). Null if unreadable.
 */
export function toEpochMs(t: unknown): number | null {
  if (typeof t === "number") {
    if (!Number.isFinite(t)) return null;
    const a = Math.abs(t);
    return Math.floor(a >= 1e17 ? t / 1e6 : a >= 1e14 ? t / 1e3 : a >= 1e11 ? t : t * 1000);
  }
  if (typeof t !== "string" || !t.trim()) return null;
  const s = t.trim();
  if (/^-?\d+$/.test(s)) {
    const n = BigInt(s);
    const a = n < 0n ? -n : n;
    return Number(a >= 10n ** 17n ? n / 1_000_000n : a >= 10n ** 14n ? n / 1000n : a >= 10n ** 11n ? n : n * 1000n);
  }
  if (/^-?\d+\.\d+$/.test(s)) return toEpochMs(Number(s));
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

export function toEpochSeconds(t: unknown): number | null {
  const ms = toEpochMs(t);
  return ms === null ? null : Math.floor(ms / 1000);
}

/** An API time (epoch ms, or ISO-8601) as "2026-11-23 14:03" (local), "—" if unreadable. */
export function formatTime(t: unknown): string {
  const ms = toEpochMs(t);
  return ms === null ? "—" : formatDateTime(ms);
}

export interface EquityPoint {
  /** seconds since the epoch */
  time: number;
  /** for drawing only: the chart draws with floats, money never does */
  value: number;
}

/** [time, equity] pairs → the chart's points: readable ones only, in time order, one per second (the last). */
export function equitySeries(points: readonly (readonly [unknown, unknown])[] | null | undefined): EquityPoint[] {
  const bySecond = new Map<number, number>();
  for (const [t, e] of points ?? []) {
    const time = toEpochSeconds(t);
    const value = typeof e === "string" || typeof e === "number" ? Number(e) : NaN;
    if (time === null || !Number.isFinite(value)) continue;
    bySecond.set(time, value);
  }
  return [...bySecond].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}

/** Candle intervals the backtest takes from a market's history, in seconds. */
export const BACKTEST_INTERVALS: [number, string][] = [[60, "1 minute"], [300, "5 minutes"], [3600, "1 hour"]];

export type RangeCheck = { ok: true; from: string; to: string } | { ok: false; field: "from" | "to"; error: string };

/** A date range from two datetime-local inputs (the viewer's time) as ISO-8601 UTC. */
export function checkRange(from: string, to: string, nowMs: number): RangeCheck {
  const f = from ? new Date(from).getTime() : NaN;
  const t = to ? new Date(to).getTime() : NaN;
  if (Number.isNaN(f)) return { ok: false, field: "from", error: "Choose when the test starts" };
  if (Number.isNaN(t)) return { ok: false, field: "to", error: "Choose when the test ends" };
  if (f >= nowMs) return { ok: false, field: "from", error: "The start must be in the past" };
  if (t <= f) return { ok: false, field: "to", error: "The end must be after the start" };
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { ok: true, from: iso(f), to: iso(Math.min(t, nowMs)) };
}

/** A Date as a datetime-local input's value (the viewer's time, to the minute). */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** What the API takes: 1 MiB of CSV, 20,000 candles. */
export const MAX_CSV_BYTES = 1024 * 1024;
export const MAX_CSV_CANDLES = 20_000;

export type CsvCheck = { ok: true; csv: string; candles: number } | { ok: false; error: string };

const CSV_DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Candles in CSV, `ts,open,high,low,close` (a header line optional; ts in
 * whole seconds or milliseconds since the epoch), checked the way the backtest
 * will: positive prices, low ≤ open, close ≤ high, times going forward. `csv`
 * is what to send (with the header, one candle a line).
 */
export function checkCandlesCsv(raw: string): CsvCheck {
  const lines = raw.split(/\r?\n/).map((l) => l.trim());
  const candles: string[] = [];
  let first = true;
  let last: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue;
    const at = `Line ${i + 1}`;
    const cells = lines[i].split(",").map((c) => c.trim());
    const header = first && !/^\d/.test(cells[0] ?? "");
    first = false;
    if (header) {
      if (cells.length !== 5 || !/^(ts|time|timestamp|open_time|date)$/i.test(cells[0]) || cells.slice(1).join(",").toLowerCase() !== "open,high,low,close")
        return { ok: false, error: `${at}: expected the header ts,open,high,low,close or a candle` };
      continue;
    }
    if (cells.length !== 5) return { ok: false, error: `${at}: expected 5 values (ts,open,high,low,close), found ${cells.length}` };
    const [ts, open, high, low, close] = cells;
    const time = /^\d{1,15}$/.test(ts) ? toEpochMs(ts) : null;
    if (time === null) return { ok: false, error: `${at}: '${ts}' is not a time in seconds or milliseconds since 1970` };
    if (![open, high, low, close].every((p) => CSV_DECIMAL.test(p) && compareDecimal(p, "0") > 0))
      return { ok: false, error: `${at}: prices must be positive decimals like 1.08123` };
    if (compareDecimal(high, open) < 0 || compareDecimal(high, close) < 0) return { ok: false, error: `${at}: high is below open or close` };
    if (compareDecimal(low, open) > 0 || compareDecimal(low, close) > 0) return { ok: false, error: `${at}: low is above open or close` };
    if (last !== null && time <= last) return { ok: false, error: `${at}: times must go forward` };
    last = time;
    candles.push(cells.join(","));
    if (candles.length > MAX_CSV_CANDLES) return { ok: false, error: `More than ${MAX_CSV_CANDLES.toLocaleString("en")} candles` };
  }
  if (!candles.length) return { ok: false, error: "The file has no candles" };
  return { ok: true, csv: ["ts,open,high,low,close", ...candles].join("\n") + "\n", candles: candles.length };
}

/** A deal's columns: every key any deal has, in the order first seen. */
export function dealColumns(deals: readonly Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const d of deals) for (const k of Object.keys(d)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

const DEAL_MONEY = new Set(["bought_notional", "sold_notional", "fees", "fee", "cost", "proceeds"]);
const DEAL_SIGNED = new Set(["realized_pnl", "pnl", "profit"]);

/** One cell of the deals table: money with the currency, times readable, the rest as it came. */
export function dealCell(key: string, value: unknown, currency: string): string {
  const v = str(value);
  if (v === null) return plainValue(value);
  if (DEAL_MONEY.has(key)) return formatMoney(v, currency);
  if (DEAL_SIGNED.has(key)) return formatSignedMoney(v, currency);
  if (/(_at|^at|^ts)$/.test(key)) {
    const ms = toEpochMs(value);
    return ms === null || ms === 0 ? "—" : formatDateTime(ms);
  }
  return v;
}
