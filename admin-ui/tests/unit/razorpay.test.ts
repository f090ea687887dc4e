import { describe, expect, it, vi } from "vitest";
import { loadScript, razorpayOptions } from "../../src/shared/razorpay";
import type { RazorpayOrder, RazorpayResult } from "../../src/shared/razorpay";

/** The little of a <script> element and a document that loadScript touches. */
class FakeScript {
  src = "";
  async = false;
  removed = false;
  private readonly listeners = new Map<string, () => void>();
  addEventListener(type: string, f: () => void) { this.listeners.set(type, f); }
  remove() { this.removed = true; }
  fire(type: "load" | "error") { this.listeners.get(type)?.(); }
}

function fakeDocument() {
  const created: FakeScript[] = [];
  const appended: FakeScript[] = [];
  const doc = {
    createElement: () => { const s = new FakeScript(); created.push(s); return s; },
    head: { append: (s: FakeScript) => appended.push(s) },
  } as unknown as Document;
  return { doc, created, appended };
}

describe("loading Checkout's script", () => {
  it("adds one async <script> per address, however often it is asked for", async () => {
    const { doc, created, appended } = fakeDocument();
    const url = "https://checkout.example.test/v1/checkout.js";
    const first = loadScript(url, doc);
    const second = loadScript(url, doc);
    expect(created).toHaveLength(1);
    expect(appended).toEqual(created);
    expect(created[0]).toMatchObject({ src: url, async: true });
    created[0].fire("load");
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
    await expect(loadScript(url, doc)).resolves.toBeUndefined();
    expect(created).toHaveLength(1);
  });

  it("reports a failed load with its likely causes and tries again next time", async () => {
    const { doc, created } = fakeDocument();
    const url = "http://127.0.0.1:19320/_fake/checkout.js";
    const load = loadScript(url, doc);
    created[0].fire("error");
    await expect(load).rejects.toThrow("127.0.0.1:19320 did not deliver it: this site's security policy blocks it, or the network is offline");
    expect(created[0].removed).toBe(true);
    const again = loadScript(url, doc);
    expect(created).toHaveLength(2);
    created[1].fire("load");
    await expect(again).resolves.toBeUndefined();
  });

  it("loads only http(s) addresses", async () => {
    const { doc, created } = fakeDocument();
    for (const url of ["javascript:alert(1)", "data:text/javascript,alert(1)", "/v1/checkout.js", ""])
      await expect(loadScript(url, doc)).rejects.toThrow("is not an http(s) address");
    expect(created).toHaveLength(0);
  });
});

describe("Checkout's options for an order", () => {
  const order: RazorpayOrder = {
    type: "razorpay", key_id: "rzp_test_FakeKey0000001", order_id: "order_Abc123", amount: 50000, currency: "INR",
    name: "Bourse", script_url: "https://checkout.razorpay.com/v1/checkout.js",
  };

  it("names the key, the order and its amount in minor units", () => {
    const o = razorpayOptions(order, () => {}, () => {});
    expect(o).toMatchObject({ key: "rzp_test_FakeKey0000001", order_id: "order_Abc123", amount: 50000, currency: "INR", name: "Bourse" });
    expect(Object.keys(o).sort()).toEqual(["amount", "currency", "handler", "key", "modal", "name", "order_id"]);
  });

  it("hands the payment's result on as it came, and reports a dismissal", () => {
    const paid = vi.fn();
    const dismissed = vi.fn();
    const o = razorpayOptions(order, paid, dismissed);
    const result: RazorpayResult = { razorpay_payment_id: "pay_1", razorpay_order_id: "order_Abc123", razorpay_signature: "ab12" };
    o.handler(result);
    expect(paid).toHaveBeenCalledWith(result);
    expect(dismissed).not.toHaveBeenCalled();
    o.modal.ondismiss();
    expect(dismissed).toHaveBeenCalledOnce();
  });
});
