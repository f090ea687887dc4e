// The live stream (/api/v1/stream): one WebSocket, subscriptions remembered
// and sent again after every reconnect, the access token presented first so
// the user's own trade events flow, reconnects paced by Backoff.
import { Backoff } from "./backoff";

export type Subscription =
  | { channel: "ticks"; symbols: string[] }
  | { channel: "candles"; symbols: string[]; interval: string }
  | { channel: "trades" }
  | { channel: "operator" };

export type StreamStatus = "connecting" | "online" | "offline";

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
  readonly readyState: number;
}

export interface StreamOptions {
  url: string;
  /** the access token to present, or null (public channels only) */
  token: () => Promise<string | null>;
  onMessage: (message: Record<string, unknown>) => void;
  onStatus: (status: StreamStatus, retryInMs?: number) => void;
  createSocket?: (url: string) => SocketLike;
  backoff?: Backoff;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const OPEN = 1;

export function subscriptionKey(s: Subscription): string {
  switch (s.channel) {
    case "ticks":
      return `ticks:${[...s.symbols].sort().join(",")}`;
    case "candles":
      return `candles:${s.interval}:${[...s.symbols].sort().join(",")}`;
    default:
      return s.channel;
  }
}

export class StreamClient {
  private socket: SocketLike | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private timer: unknown = null;
  private closed = false;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: StreamOptions) {
    this.backoff = options.backoff ?? new Backoff();
    this.now = options.now ?? Date.now;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  connect(): void {
    this.closed = false;
    this.open();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
  }

  subscribe(s: Subscription): void {
    const key = subscriptionKey(s);
    if (this.subscriptions.has(key)) return;
    this.subscriptions.set(key, s);
    this.sendOp("subscribe", s);
  }

  unsubscribe(s: Subscription): void {
    const key = subscriptionKey(s);
    if (!this.subscriptions.delete(key)) return;
    this.sendOp("unsubscribe", s);
  }

  /** Presents a (new) token, e.g. after sign-in, and follows the user's trades. */
  async authenticate(): Promise<void> {
    const token = await this.options.token();
    if (token && this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ op: "auth", token }));
  }

  private open(): void {
    this.options.onStatus("connecting");
    const socket = this.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      void this.onOpen(socket);
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      try {
        this.options.onMessage(JSON.parse(ev.data) as Record<string, unknown>);
      } catch {
        // not JSON: ignore
      }
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      const delay = this.backoff.nextDelay(this.now());
      this.options.onStatus("offline", delay);
      this.timer = this.setTimer(() => {
        this.timer = null;
        if (!this.closed) this.open();
      }, delay);
    };
  }

  private async onOpen(socket: SocketLike): Promise<void> {
    this.backoff.connected(this.now());
    // The token first: the server handles frames in order, so "trades" follows it.
    const token = await this.options.token();
    if (this.socket !== socket) return;
    if (token) socket.send(JSON.stringify({ op: "auth", token }));
    for (const s of this.subscriptions.values()) socket.send(JSON.stringify({ op: "subscribe", ...s }));
    this.options.onStatus("online");
  }

  private sendOp(op: "subscribe" | "unsubscribe", s: Subscription): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ op, ...s }));
  }
}

/** ws(s)://<this host>/api/v1/stream */
export function streamUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/stream`;
}
