import { describe, expect, it } from "vitest";
import { Backoff } from "../../src/shared/backoff";
import { StreamClient } from "../../src/shared/stream";
import type { SocketLike } from "../../src/shared/stream";

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("backoff", () => {
  it("doubles up to the cap with jitter, and starts over after a healthy connection", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, healthyAfterMs: 5000 }, () => 1);
    expect([b.nextDelay(0), b.nextDelay(0), b.nextDelay(0), b.nextDelay(0), b.nextDelay(0)]).toEqual([100, 200, 400, 800, 1000]);
    b.connected(10_000);
    expect(b.nextDelay(16_000)).toBe(100);
    const low = new Backoff({ initialMs: 100, maxMs: 1000, healthyAfterMs: 5000 }, () => 0);
    expect(low.nextDelay(0)).toBe(50); // half fixed, half random
  });
  it("does not reset after a connection that dropped at once", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, healthyAfterMs: 5000 }, () => 1);
    b.nextDelay(0);
    b.connected(100);
    expect(b.nextDelay(200)).toBe(200);
  });
});

describe("stream client", () => {
  function setup(token: string | null = "tok") {
    const sockets: FakeSocket[] = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const statuses: string[] = [];
    const messages: Record<string, unknown>[] = [];
    const client = new StreamClient({
      url: "ws://x/api/v1/stream",
      token: async () => token,
      onMessage: (m) => messages.push(m),
      onStatus: (s) => statuses.push(s),
      createSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      backoff: new Backoff({ initialMs: 100, maxMs: 1000, healthyAfterMs: 5000 }, () => 1),
      now: () => 0,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => {},
    });
    return { client, sockets, timers, statuses, messages };
  }

  it("authenticates first, then sends every subscription", async () => {
    const { client, sockets, statuses } = setup();
    client.subscribe({ channel: "ticks", symbols: ["A", "B"] });
    client.subscribe({ channel: "trades" });
    client.connect();
    sockets[0].open();
    await flush();
    expect(sockets[0].sent).toEqual([
      { op: "auth", token: "tok" },
      { op: "subscribe", channel: "ticks", symbols: ["A", "B"] },
      { op: "subscribe", channel: "trades" },
    ]);
    expect(statuses).toEqual(["connecting", "online"]);
  });

  it("reconnects after a drop with backoff and subscribes again", async () => {
    const { client, sockets, timers, statuses } = setup();
    client.subscribe({ channel: "candles", symbols: ["A"], interval: "1m" });
    client.connect();
    sockets[0].open();
    await flush();
    sockets[0].drop();
    expect(statuses.at(-1)).toBe("offline");
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0].fn();
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    await flush();
    expect(sockets[1].sent).toContainEqual({ op: "subscribe", channel: "candles", symbols: ["A"], interval: "1m" });
    // A second drop before it was healthy waits longer.
    sockets[1].drop();
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
  });

  it("forgets unsubscribed channels and does not duplicate subscriptions", async () => {
    const { client, sockets } = setup(null);
    client.connect();
    sockets[0].open();
    await flush();
    client.subscribe({ channel: "ticks", symbols: ["B", "A"] });
    client.subscribe({ channel: "ticks", symbols: ["A", "B"] });
    client.unsubscribe({ channel: "ticks", symbols: ["A", "B"] });
    expect(sockets[0].sent).toEqual([
      { op: "subscribe", channel: "ticks", symbols: ["B", "A"] },
      { op: "unsubscribe", channel: "ticks", symbols: ["A", "B"] },
    ]);
    sockets[0].drop();
  });

  it("stops for good when closed", async () => {
    const { client, sockets, timers } = setup();
    client.connect();
    sockets[0].open();
    await flush();
    client.close();
    sockets[0].onclose?.({});
    expect(timers).toHaveLength(0);
  });

  it("passes JSON messages on and ignores anything else", async () => {
    const { client, sockets, messages } = setup();
    client.connect();
    sockets[0].onmessage?.({ data: '{"type":"tick","price":"1.0"}' });
    sockets[0].onmessage?.({ data: "not json" });
    expect(messages).toEqual([{ type: "tick", price: "1.0" }]);
  });
});
