// Deposits and withdrawals: amount checks against the platform's limits,
// status names, what a gateway needs to pay a user out, and where a checkout
// may send the browser. Pure functions (unit-tested); money stays decimal text.
import { ApiError } from "./api";
import { fromUnits, toUnits } from "./decimal";
import { currencyDecimals, formatMoney } from "./format";
import type { NoticeKind } from "./notices";
import type { Deposit, DepositStatus, Gateway, Withdrawal, WithdrawalStatus } from "./types";

export type AmountCheck = { ok: true; amount: string } | { ok: false; error: string };

/**
 * Whether `text` is an amount of `currency` within [min, max] (and, for a
 * withdrawal, at most what is `available`). On success `amount` is the
 * normalised text to send ("250" → "250.00").
 */
export function checkAmount(text: string, currency: string, min?: string, max?: string, available?: string): AmountCheck {
  const scale = currencyDecimals(currency);
  const example = fromUnits(250n * 10n ** BigInt(scale), scale);
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: `Enter an amount, like ${example}` };
  const units = toUnits(trimmed, scale);
  if (units === null)
    return { ok: false, error: scale ? `Enter an amount with at most ${scale} decimals, like ${example}` : `Enter a whole amount, like ${example}` };
  if (units <= 0n) return { ok: false, error: "Enter an amount above zero" };
  const bound = (limit: string | undefined) => (limit === undefined ? null : toUnits(limit, scale));
  const lo = bound(min);
  const hi = bound(max);
  if (lo !== null && units < lo) return { ok: false, error: `The minimum is ${formatMoney(min as string, currency)}` };
  if (hi !== null && units > hi) return { ok: false, error: `The maximum is ${formatMoney(max as string, currency)}` };
  const free = bound(available);
  if (free !== null && units > free) return { ok: false, error: `You have ${formatMoney(available as string, currency)} available` };
  return { ok: true, amount: fromUnits(units, scale) };
}

/** Integer minor units (a checkout's amount) as decimal text: (25000, "USD") → "250.00". */
export function minorToDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`not an amount in minor units: ${minor}`);
  return fromUnits(BigInt(minor), currencyDecimals(currency));
}

export type Tone = "good" | "bad" | "wait" | "muted";

const DEPOSIT_STATUS: Record<DepositStatus, [string, Tone]> = {
  pending: ["Pending", "wait"],
  succeeded: ["Succeeded", "good"],
  failed: ["Failed", "bad"],
  review: ["In review", "wait"],
};

const WITHDRAWAL_STATUS: Record<WithdrawalStatus, [string, Tone]> = {
  pending_approval: ["Awaiting approval", "wait"],
  approved: ["Approved", "wait"],
  processing: ["Processing", "wait"],
  succeeded: ["Succeeded", "good"],
  failed: ["Failed", "bad"],
  rejected: ["Rejected", "bad"],
  cancelled: ["Cancelled", "muted"],
  reversed: ["Reversed", "bad"],
};

/** A status's name for people and its colour; unknown statuses (a newer kernel) show as they are. */
export function depositStatus(status: string): { label: string; tone: Tone } {
  const [label, tone] = DEPOSIT_STATUS[status as DepositStatus] ?? [status, "muted"];
  return { label, tone };
}

export function withdrawalStatus(status: string): { label: string; tone: Tone } {
  const [label, tone] = WITHDRAWAL_STATUS[status as WithdrawalStatus] ?? [status.replace(/_/g, " "), "muted"];
  return { label, tone };
}

export interface Notice {
  kind: NoticeKind;
  title: string;
  body: string;
}

/** What to tell the user when a deposit reaches `d.status` (null: nothing worth a notice). */
export function depositNotice(d: Deposit): Notice | null {
  const amount = formatMoney(d.amount, d.currency);
  switch (d.status) {
    case "succeeded":
      return { kind: "win", title: "Deposit received", body: `${amount} via ${d.gateway} is in your balance` };
    case "failed":
      return { kind: "error", title: "Deposit failed", body: `${amount} via ${d.gateway}${d.reason ? `: ${d.reason}` : ""}` };
    case "review":
      return { kind: "info", title: "Deposit in review", body: `${amount} via ${d.gateway} waits for an operator` };
    default:
      return null;
  }
}

/** What to tell the user when a withdrawal reaches `w.status` (null: nothing worth a notice). */
export function withdrawalNotice(w: Withdrawal): Notice | null {
  const amount = formatMoney(w.amount, w.currency);
  const why = w.reason ? `: ${w.reason}` : "";
  switch (w.status) {
    case "pending_approval":
      return { kind: "info", title: "Withdrawal requested", body: `${amount} waits for an operator's approval` };
    case "approved":
    case "processing":
      return { kind: "info", title: "Withdrawal on its way", body: `${amount} via ${w.gateway}` };
    case "succeeded":
      return { kind: "win", title: "Withdrawal paid", body: `${amount} via ${w.gateway}` };
    case "failed":
      return { kind: "error", title: "Withdrawal failed", body: `${amount} returned to your balance${why}` };
    case "rejected":
      return { kind: "error", title: "Withdrawal rejected", body: `${amount} returned to your balance${why}` };
    case "reversed":
      return { kind: "error", title: "Withdrawal reversed", body: `${amount} came back to your balance${why}` };
    case "cancelled":
      return { kind: "info", title: "Withdrawal cancelled", body: `${amount} returned to your balance` };
    default:
      return null;
  }
}

/** A field a gateway needs to pay a user out (its value goes into `destination`). */
export interface DestinationField {
  name: string;
  label: string;
  placeholder: string;
  autocomplete: string;
  /** null when the value is acceptable */
  check: (value: string) => string | null;
}

// The shape Razorpay (plugins/payment/razorpay) accepts for a UPI address.
const VPA = /^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$/;

const RAZORPAY_FIELDS: DestinationField[] = [
  {
    name: "vpa", label: "UPI ID", placeholder: "name@bank", autocomplete: "off",
    check: (v) => (VPA.test(v) ? null : "Enter a UPI ID like name@bank"),
  },
  {
    name: "name", label: "Account holder's name", placeholder: "as your bank knows you", autocomplete: "name",
    check: (v) => (v.length === 0 ? "Enter the account holder's name" : v.length > 50 ? "At most 50 characters" : null),
  },
];

/**
 * What the user must tell `gateway` to be paid out. Gateways that refund
 * earlier deposits, and the sandbox, need nothing.
 */
export function destinationFields(gateway: Gateway): DestinationField[] {
  if (gateway.withdraw_via !== "payout") return [];
  return gateway.id === "razorpay" || gateway.id.startsWith("razorpay-") ? RAZORPAY_FIELDS : [];
}

export type DestinationCheck =
  | { ok: true; destination: Record<string, string> | undefined }
  | { ok: false; field: string; error: string };

/** The `destination` object for the entered values, or the first field that is wrong. */
export function checkDestination(fields: DestinationField[], values: Record<string, string>): DestinationCheck {
  if (!fields.length) return { ok: true, destination: undefined };
  const destination: Record<string, string> = {};
  for (const f of fields) {
    const value = (values[f.name] ?? "").trim();
    const error = f.check(value);
    if (error) return { ok: false, field: f.name, error };
    destination[f.name] = value;
  }
  return { ok: true, destination };
}

/** A checkout or verification URL the browser may be sent to: http(s) only, never javascript: or data:. */
export function redirectTarget(url: unknown): string | null {
  if (typeof url !== "string" || !url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** The API refused because the user's identity is not verified yet ("kyc: verify your identity before …"). */
export function needsKyc(e: unknown): boolean {
  return e instanceof ApiError && e.status === 403 && /^kyc:/.test(e.detail);
}
