// Display formatting: money with its currency, prices with the instrument's
// precision, durations and payout previews. Pure functions (unit-tested).
import { fromUnits, percentOfFloor, toUnits } from "./decimal";

const CURRENCY_DECIMALS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, INR: 2, JPY: 0 };
const CURRENCY_SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", INR: "₹", JPY: "¥" };

export function currencyDecimals(currency: string): number {
  return CURRENCY_DECIMALS[currency] ?? 2;
}

/** Groups the whole part in thousands: "12345.6" → "12,345.6". */
export function groupThousands(text: string): string {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const [whole, frac] = body.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + grouped + (frac !== undefined ? "." + frac : "");
}

/** `text` with exactly `scale` decimals, unchanged if it has more (never rounds money silently). */
function fixed(text: string, scale: number): string {
  const units = toUnits(text, scale);
  return units === null ? text : fromUnits(units, scale);
}

/** Zeros at the end of the fraction say nothing ("110.11000000" USDT, an exchange's 8 decimals): dropped. */
function trimZeros(text: string): string {
  return /^-?\d+\.\d+$/.test(text) ? text.replace(/\.?0+$/, "") : text;
}

/** "1234.5", "USD" → "$1,234.50"; negative amounts get a leading minus. */
export function formatMoney(amount: string, currency: string): string {
  const normalized = fixed(trimZeros(amount), currencyDecimals(currency));
  const symbol = CURRENCY_SYMBOLS[currency];
  const negative = normalized.startsWith("-");
  const digits = groupThousands(negative ? normalized.slice(1) : normalized);
  return (negative ? "-" : "") + (symbol ? symbol + digits : `${digits} ${currency}`);
}

/** A signed amount for changes: "+$10.00" / "-$5.00" / "$0.00". */
export function formatSignedMoney(amount: string, currency: string): string {
  const text = formatMoney(amount, currency);
  if (text.startsWith("-")) return text;
  return (toUnits(amount, 8) ?? 0n) === 0n ? text : "+" + text;
}

/** A price with the instrument's precision: ("1.5", 5) → "1.50000". */
export function formatPrice(price: string, scale: number): string {
  return groupThousands(fixed(price, scale));
}

/** A change as a percentage of the base price, 2 decimals: ("-0.00313", "1.08224") → "-0.29%". */
export function formatChangePercent(change: string, last: string): string {
  const c = Number(change);
  const base = Number(last) - c;
  if (!Number.isFinite(c) || !Number.isFinite(base) || base === 0) return "0.00%";
  const pct = (c / base) * 100;
  return (pct > 0 ? "+" : "") + pct.toFixed(2) + "%";
}

/** A fraction 0..1 as a percentage: 0.6667 → "66.7%", null → "—". */
export function formatRate(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return "—";
  return `${(Math.round(fraction * 1000) / 10).toFixed(1)}%`;
}

/** 5 → "5s", 60 → "1m", 90 → "1m 30s", 3600 → "1h". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return s ? `${m}m ${s}s` : `${m}m`;
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return m ? `${h}h ${m}m` : `${h}h`;
}

export interface PayoutPreview {
  /** total paid back on a win, stake included */
  win: string;
  /** returned on a loss */
  loss: string;
  /** profit on a win */
  profit: string;
}

/** What a stake returns under the market's rules, exactly as the product pays. Null for a bad stake. */
export function payoutPreview(stake: string, payoutPercent: string, lossRefundPercent: string, currency: string): PayoutPreview | null {
  const scale = currencyDecimals(currency);
  const units = toUnits(stake, scale);
  if (units === null || units <= 0n) return null;
  const profit = percentOfFloor(units, payoutPercent);
  return {
    win: fromUnits(units + profit, scale),
    loss: fromUnits(percentOfFloor(units, lossRefundPercent), scale),
    profit: fromUnits(profit, scale),
  };
}

/** Epoch ms → "14:03:27" in the viewer's time zone. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** Epoch ms → "2026-11-23 14:03". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}


/** A file size: 512 → "512 B", 12_345 → "12.1 KB", 5_242_880 → "5 MB" (binary multiples). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KB"] : [bytes / (1024 * 1024), "MB"];
  return `${value.toFixed(1).replace(/\.0$/, "")} ${unit}`;
}
