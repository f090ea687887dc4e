// Shapes of the kernel's API replies (see /api/v1/openapi.json).

export interface Market {
  symbol: string;
  name: string;
  base_asset: string;
  quote_asset: string;
  price_scale: number;
  /** The price source in use (the preferred one while none is live). */
  source: string;
  /** "no_live_source": no source feeds it now, so it cannot be traded. */
  status: "live" | "no_live_source";
  /** Every source of the instrument, in priority order. */
  sources: MarketSource[];
  last_price: string | null;
  last_ts: number | null;
  change_1h: string | null;
}

export interface MarketSource {
  id: string;
  status: "live" | "stale" | "backing_off" | "banned";
  detail?: string;
  active: boolean;
}

export interface MarketRules {
  durations: number[];
  enabled: boolean;
  payout_percent: string;
  loss_refund_percent: string;
  min_stake: string;
  max_stake: string;
  max_open_per_user: number;
  max_trades_per_minute: number;
}

export interface TradingRules {
  currency: string;
  max_price_age_ms: number;
  defaults: MarketRules;
  markets: Record<string, MarketRules>;
}

export function rulesFor(rules: TradingRules, symbol: string): MarketRules {
  return rules.markets[symbol] ?? rules.defaults;
}

export interface Candle {
  open_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  ticks: number;
}

export type TradeStatus = "OPEN" | "WON" | "LOST" | "TIE" | "CLOSED";

export interface Trade {
  id: string;
  product: string;
  symbol: string;
  client_order_id: string;
  direction: "UP" | "DOWN";
  duration: number;
  stake: string;
  currency: string;
  status: TradeStatus;
  entry_price: string;
  exit_price: string | null;
  payout: string | null;
  payout_percent: string;
  loss_refund_percent: string;
  opened_at: number;
  expires_at: number;
  settled_at: number | null;
}

export interface TradeStats {
  total: number;
  open: number;
  won: number;
  lost: number;
  tie: number;
  staked: string;
  paid_out: string;
  net: string;
  /** won / (won + lost), 0..1; null before any decided trade */
  win_rate: number | null;
}

export interface Balance {
  currency: string;
  available: string;
  locked: string;
  /** reserved by withdrawals not yet paid out */
  pending_withdrawal?: string;
  /** held by the user's bots (a live bot's is on the exchange) */
  in_bots?: string;
}

const nonZero = (amount: string | undefined) => !!amount && /[1-9]/.test(amount);

/**
 * Balances that are the user's money here. A currency only bots hold or held
 * (a live bot's BTC and USDT, mirrored from the exchange: all zero but what
 * is in bots) has nothing to show, unless no balance has any money.
 */
export function walletBalances(balances: Balance[]): Balance[] {
  const money = balances.filter((b) => nonZero(b.available) || nonZero(b.locked) || nonZero(b.pending_withdrawal));
  if (money.length) return money;
  const outsideBots = balances.filter((b) => !nonZero(b.in_bots));
  return outsideBots.length ? outsideBots : balances;
}

/** The balance the header and the payment forms show: the first of walletBalances(). */
export function primaryBalance(balances: Balance[]): Balance | null {
  return walletBalances(balances)[0] ?? null;
}

export interface Transaction {
  id: string;
  kind: string;
  memo: string;
  reference: string;
  currency: string;
  available_change: string;
  locked_change: string;
  created_at: number;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: "user" | "operator";
  disabled: boolean;
  kyc_status?: KycStatus;
  created_at: number;
}

export interface PluginStatus {
  id: string;
  kind: string;
  version: string;
  description: string;
  state: string;
  enabled: boolean;
  generation: number;
  last_error: string | null;
  last_error_at: number | null;
  /** Price sources: the state of the feed and why. */
  source?: { status: "live" | "stale" | "backing_off" | "banned"; detail: string };
  loaded_at: number | null;
  library: string;
}

export interface PlatformStats {
  currency: string;
  users: number;
  open_trades: number;
  trades: number;
  volume: string;
  house_pnl: string;
  plugins_enabled: number;
  plugins_running: number;
}

export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

// ---- payments ----

export interface Gateway {
  id: string;
  /** how money leaves through it: "payout" (to a destination the user gives) or "refund" (of their deposits) */
  withdraw_via: string;
  real_money: boolean;
  /** its plugin is running */
  available: boolean;
}

export interface PaymentLimits {
  min_deposit: string;
  max_deposit: string;
  daily_deposit: string;
  min_withdrawal: string;
  max_withdrawal: string;
  daily_withdrawal: string;
}

export interface GatewaysReply {
  gateways: Gateway[];
  /** per currency */
  limits: Record<string, PaymentLimits>;
}

export type DepositStatus = "pending" | "succeeded" | "failed" | "review";

export interface Deposit {
  id: string;
  gateway: string;
  amount: string;
  currency: string;
  status: DepositStatus;
  provider_ref?: string;
  reason?: string;
  refunded?: string;
  created_at: number;
  updated_at: number;
  completed_at?: number;
}

export type WithdrawalStatus =
  | "pending_approval" | "approved" | "processing" | "succeeded" | "failed" | "rejected" | "cancelled" | "reversed";

export interface Withdrawal {
  id: string;
  gateway: string;
  amount: string;
  currency: string;
  status: WithdrawalStatus;
  method: string;
  provider_ref?: string;
  reason?: string;
  created_at: number;
  updated_at: number;
  completed_at?: number;
}

/** What the browser does to pay a new deposit. */
export type Checkout =
  | { type: "sandbox"; amount: { minor: number; currency: string }; declines: boolean }
  | { type: "redirect"; url: string }
  /** Razorpay Checkout for an order: `amount` in minor units, `script_url` Checkout's script. */
  | { type: "razorpay"; key_id: string; order_id: string; amount: number; currency: string; name: string; script_url: string };

export interface DepositReply {
  deposit: Deposit;
  checkout: Checkout | null;
}

export interface AdminWithdrawal extends Withdrawal {
  user_id: string;
  destination: Record<string, unknown>;
  attempts: number;
}

export interface AdminDeposit extends Deposit {
  user_id: string;
}

export interface PaymentFlag {
  id: string;
  user_id: string;
  rule: string;
  detail: string;
  reference: string;
  created_at: number;
  resolved_by?: string;
  resolved_at?: number;
}

export interface ReconcileReport {
  deposits_checked: number;
  deposits_completed: number;
  withdrawals_sent: number;
  withdrawals_checked: number;
  withdrawals_completed: number;
}

// ---- identity verification (KYC) ----

export type KycStatus = "none" | "pending" | "verified" | "rejected";

export interface KycDocument {
  id: string;
  type: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_at: number;
}

export interface KycCase {
  id: string;
  provider: string;
  status: "pending" | "approved" | "rejected";
  reason?: string;
  created_at: number;
  updated_at: number;
  documents: KycDocument[];
}

export interface AdminKycCase extends KycCase {
  user_id: string;
  session_id: string;
  reviewed_by?: string;
}

export interface KycInfo {
  status: KycStatus;
  /** the KYC provider's plugin id; null when none is configured */
  provider: string | null;
  required_for: string[];
  document_types: string[];
  max_document_bytes: number;
  max_documents: number;
  case?: KycCase;
}

/** POST /api/v1/kyc/start: the case and what the provider said. */
export interface KycStartReply {
  case: KycCase;
  provider: { session_id: string; status: string; redirect_url?: string; instructions?: string };
}

// ---- trading bots (DCA and grid; see plugins/product/README.md) ----

export type BotProduct = "dca-bot" | "grid-bot";

export type BotStatus = "created" | "running" | "paused" | "stopping" | "stopped" | "error";

/** Params as the API takes and returns them: decimals as strings, counts as numbers. */
export type BotParams = Record<string, string | number | boolean>;

/** One row of a DCA ladder: the base order, then the safety orders. */
export interface DcaLadderOrder {
  /** "base", "so1", "so2", … */
  role: string;
  /** total deviation below the base price, percent */
  deviation: string;
  price: string;
  /** quote spent */
  size: string;
  qty: string;
  average_entry: string;
  take_profit_price: string;
}

export interface DcaPreview {
  orders: DcaLadderOrder[];
  capital_per_deal?: string;
  [more: string]: unknown;
}

export interface GridPreview {
  lines: string[];
  qty_per_line?: string;
  profit_per_grid?: { min_percent?: string; max_percent?: string };
  buy_lines?: number;
  sell_lines?: number;
  [more: string]: unknown;
}

/** What the bot risks if everything fills at the planned prices (fields vary by product). */
export type WorstCase = Record<string, unknown>;

/** POST /api/v1/bots/preview */
export interface BotPreviewReply {
  product: BotProduct;
  symbol: string;
  capital: string;
  currency: string;
  params: BotParams;
  preview: DcaPreview | GridPreview | Record<string, unknown>;
  worst_case?: WorstCase;
}

/** What the plugin reports of a bot's state (fields vary by product). */
export interface BotSummary {
  realized_pnl?: string;
  fees?: string;
  active_deals?: number;
  closed_deals?: number;
  grid_profit?: string;
  note?: string;
  [more: string]: unknown;
}

export interface Bot {
  id: string;
  name: string;
  product: BotProduct;
  symbol: string;
  /** where it trades: "paper" (simulated, the Bourse wallet's money) or "binance" (live, the user's exchange account) */
  venue?: string;
  status: BotStatus;
  error: string;
  capital: string;
  currency: string;
  base_asset: string;
  balances: { quote: string; base: string };
  equity: string;
  /** equity − capital; absent once stopped (the summary's realized P&L is the result) */
  pnl?: string;
  /** the market's price the equity is at */
  price?: string;
  summary: BotSummary;
  params: BotParams;
  preview: Record<string, unknown>;
  worst_case?: WorstCase;
  /** epoch ms (or ISO-8601) */
  created_at: number | string;
  updated_at: number | string;
}

export interface BotOrder {
  client_order_id: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  /** limit orders */
  price?: string;
  qty: string;
  /** market buys: the quote to spend */
  quote_amount?: string;
  filled_qty: string;
  status: "open" | "filled" | "cancelled" | "rejected";
  reason: string;
  created_at: number | string;
}

/** An execution, or the end of an order (order_done, quantity 0 and no price for a cancel). */
export interface BotFill {
  client_order_id: string;
  side: "BUY" | "SELL";
  qty: string;
  price?: string;
  fee: string;
  order_done?: boolean | number;
  at: number | string;
}

/** GET /api/v1/bots/{id} */
export interface BotDetails extends Bot {
  orders: BotOrder[];
  fills: BotFill[];
  equity_history: { at: number | string; equity: string }[];
}

/** POST /api/v1/bots/backtest */
export interface BacktestReply {
  deals: Record<string, unknown>[];
  /** [time (ISO, or epoch s/ms/µs/ns), equity] */
  equity: [string | number, string][];
  max_drawdown: string;
  max_drawdown_percent: string;
  fees: string;
  pnl: string;
  orders: number;
  [more: string]: unknown;
}
