// Client order ids and idempotency keys. crypto.getRandomValues works on
// plain-http deployments too (crypto.randomUUID needs a secure context).
import { ApiError } from "./api";

export function newOrderId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The Idempotency-Key of a form that creates something (a deposit, a
 * withdrawal): a new key for each submission, the same key again when the
 * same submission is retried after an unknown outcome (no answer, or a 5xx),
 * so a retry can never create a second one.
 */
export class RetryKey {
  private pending: { fingerprint: string; key: string } | null = null;

  constructor(private readonly make: () => string = newOrderId) {}

  /** The key to send with a submission of `fingerprint` (the request's content). */
  next(fingerprint: string): string {
    if (this.pending?.fingerprint !== fingerprint) this.pending = { fingerprint, key: this.make() };
    return this.pending.key;
  }

  /** After an attempt (`error` when it threw): a known outcome retires the key. */
  settled(error?: unknown): void {
    if (!outcomeUnknown(error)) this.pending = null;
  }
}

/** The request may or may not have been carried out: no reply reached us, or the server failed. */
export function outcomeUnknown(error: unknown): boolean {
  if (error === undefined) return false;
  if (error instanceof ApiError) return error.status >= 500 || error.status === 408;
  return error instanceof TypeError;  // fetch: network failure
}
