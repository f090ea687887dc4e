// Time left on an open trade, and which way it is going.
import { compareDecimal } from "./decimal";

/** Milliseconds left until `expiresAt` (epoch ms), never negative. */
export function remainingMs(expiresAt: number, now: number): number {
  return Math.max(0, expiresAt - now);
}

/** 65_400 → "1:06" (rounded up: "0:00" only once it has expired), 3_725_000 → "1:02:05". */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Fraction of the trade's life already gone, 0..1 (for the progress bar). */
export function elapsedFraction(openedAt: number, expiresAt: number, now: number): number {
  if (expiresAt <= openedAt) return 1;
  return Math.min(1, Math.max(0, (now - openedAt) / (expiresAt - openedAt)));
}

export type Standing = "winning" | "losing" | "even";

/** Whether an open UP/DOWN trade would win if it expired at `price` now. */
export function standing(direction: "UP" | "DOWN", entryPrice: string, price: string): Standing {
  const c = compareDecimal(price, entryPrice);
  if (c === 0) return "even";
  return (c > 0) === (direction === "UP") ? "winning" : "losing";
}
