// Reconnect delays: exponential with jitter, capped, reset after a connection
// has stayed up. Time and randomness are injected so tests can drive it.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** a connection that lived this long counts as healthy: the next delay starts over */
  healthyAfterMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 15_000, healthyAfterMs: 10_000 };

export class Backoff {
  private attempt = 0;
  private connectedAt: number | null = null;

  constructor(
    private readonly options: BackoffOptions = defaultBackoff,
    private readonly random: () => number = Math.random,
  ) {}

  /** Call when a connection opens. */
  connected(now: number): void {
    this.connectedAt = now;
  }

  /** Call when it closes; returns how long to wait before the next attempt. */
  nextDelay(now: number): number {
    if (this.connectedAt !== null && now - this.connectedAt >= this.options.healthyAfterMs) this.attempt = 0;
    this.connectedAt = null;
    const base = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt += 1;
    // "Equal jitter": half fixed, half random, so many clients do not retry in step.
    return Math.round(base / 2 + (base / 2) * this.random());
  }

  get attempts(): number {
    return this.attempt;
  }
}
