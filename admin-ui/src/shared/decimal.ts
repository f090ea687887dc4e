// Exact decimal arithmetic for money and prices. The API sends decimal strings
// ("100.00", "1.08224"); they are never turned into binary floats for
// arithmetic: values become BigInt counts of 10^-scale units.

/** A decimal string as an integer count of 10^-scale units; null if malformed or too precise. */
export function toUnits(text: string, scale: number): bigint | null {
  const m = /^\s*(-)?(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[3] ?? "";
  if (frac.length > scale) return null;
  const units = BigInt(m[2] + frac.padEnd(scale, "0"));
  return m[1] ? -units : units;
}

/** Units back to a decimal string with exactly `scale` decimals. */
export function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? "." + digits.slice(digits.length - scale) : "";
  return (negative ? "-" : "") + whole + frac;
}

/**
 * floor(units × percent / 100) for units ≥ 0, percent with at most 2 decimals:
 * the rounding the binary options product pays by (never a fraction it does not have).
 */
export function percentOfFloor(units: bigint, percent: string): bigint {
  const bps = toUnits(percent, 2);
  if (bps === null || bps < 0n) throw new Error(`bad percent '${percent}'`);
  return (units * bps) / 10_000n;
}

/** Compares two decimal strings numerically (-1, 0, 1). */
export function compareDecimal(a: string, b: string): number {
  const scale = Math.max(decimals(a), decimals(b));
  const x = toUnits(a, scale);
  const y = toUnits(b, scale);
  if (x === null || y === null) throw new Error(`not decimals: '${a}', '${b}'`);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Decimal places written in a decimal string. */
export function decimals(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.trim().length - dot - 1;
}
