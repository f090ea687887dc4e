import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/shared/api";
import { formatBytes } from "../../src/shared/format";
import { RetryKey, outcomeUnknown } from "../../src/shared/ids";
import {
  checkAmount, checkDestination, depositNotice, depositStatus, destinationFields, minorToDecimal, needsKyc,
  redirectTarget, withdrawalNotice, withdrawalStatus,
} from "../../src/shared/payments";
import type { Deposit, Gateway, Withdrawal } from "../../src/shared/types";

describe("amounts", () => {
  it("normalises a good amount to the currency's decimals", () => {
    expect(checkAmount("250", "USD", "10.00", "10000.00")).toEqual({ ok: true, amount: "250.00" });
    expect(checkAmount(" 13.1 ", "USD")).toEqual({ ok: true, amount: "13.10" });
    expect(checkAmount("1500", "JPY", "100", "100000")).toEqual({ ok: true, amount: "1500" });
  });
  it("refuses what is not an amount, never rounding", () => {
    expect(checkAmount("", "USD")).toEqual({ ok: false, error: "Enter an amount, like 250.00" });
    expect(checkAmount("1.005", "USD")).toEqual({ ok: false, error: "Enter an amount with at most 2 decimals, like 250.00" });
    expect(checkAmount("12.5", "JPY")).toEqual({ ok: false, error: "Enter a whole amount, like 250" });
    expect(checkAmount("1e3", "USD").ok).toBe(false);
    expect(checkAmount("$10", "USD").ok).toBe(false);
    expect(checkAmount("0", "USD")).toEqual({ ok: false, error: "Enter an amount above zero" });
    expect(checkAmount("-5", "USD")).toEqual({ ok: false, error: "Enter an amount above zero" });
  });
  it("holds to the limits, inclusive, and to what is available", () => {
    expect(checkAmount("9.99", "USD", "10.00", "5000.00")).toEqual({ ok: false, error: "The minimum is $10.00" });
    expect(checkAmount("10", "USD", "10.00", "5000.00").ok).toBe(true);
    expect(checkAmount("5000.00", "USD", "10.00", "5000.00").ok).toBe(true);
    expect(checkAmount("5000.01", "USD", "10.00", "5000.00")).toEqual({ ok: false, error: "The maximum is $5,000.00" });
    expect(checkAmount("150.00", "USD", "10.00", "5000.00", "149.99")).toEqual({ ok: false, error: "You have $149.99 available" });
    expect(checkAmount("150.00", "USD", "10.00", "5000.00", "150.00").ok).toBe(true);
  });
  it("reads a checkout's minor units exactly", () => {
    expect(minorToDecimal(25000, "USD")).toBe("250.00");
    expect(minorToDecimal(1313, "USD")).toBe("13.13");
    expect(minorToDecimal(5, "INR")).toBe("0.05");
    expect(minorToDecimal(500, "JPY")).toBe("500");
    expect(() => minorToDecimal(1.5, "USD")).toThrow();
  });
});

describe("statuses", () => {
  it("names every deposit and withdrawal status, and shows unknown ones as they are", () => {
    expect(depositStatus("succeeded")).toEqual({ label: "Succeeded", tone: "good" });
    expect(depositStatus("failed")).toEqual({ label: "Failed", tone: "bad" });
    expect(depositStatus("review").tone).toBe("wait");
    expect(withdrawalStatus("pending_approval")).toEqual({ label: "Awaiting approval", tone: "wait" });
    expect(withdrawalStatus("cancelled").tone).toBe("muted");
    for (const s of ["approved", "processing", "succeeded", "failed", "rejected", "reversed"]) expect(withdrawalStatus(s).label).not.toBe(s);
    expect(withdrawalStatus("on_hold")).toEqual({ label: "on hold", tone: "muted" });
  });

  const deposit = (status: Deposit["status"], reason?: string): Deposit =>
    ({ id: "dep_1", gateway: "sandbox", amount: "13.13", currency: "USD", status, reason, created_at: 1, updated_at: 2 });
  const withdrawal = (status: Withdrawal["status"], reason?: string): Withdrawal =>
    ({ id: "wd_1", gateway: "sandbox", amount: "150.00", currency: "USD", status, method: "payout", reason, created_at: 1, updated_at: 2 });

  it("tells the user about outcomes, not about every step", () => {
    expect(depositNotice(deposit("pending"))).toBeNull();
    expect(depositNotice(deposit("succeeded"))).toEqual({ kind: "win", title: "Deposit received", body: "$13.13 via sandbox is in your balance" });
    expect(depositNotice(deposit("failed", "declined in the sandbox"))?.body).toBe("$13.13 via sandbox: declined in the sandbox");
    expect(withdrawalNotice(withdrawal("pending_approval"))?.title).toBe("Withdrawal requested");
    expect(withdrawalNotice(withdrawal("succeeded"))).toEqual({ kind: "win", title: "Withdrawal paid", body: "$150.00 via sandbox" });
    expect(withdrawalNotice(withdrawal("rejected", "wrong account"))).toEqual({ kind: "error", title: "Withdrawal rejected", body: "$150.00 returned to your balance: wrong account" });
  });
});

describe("destinations", () => {
  const gw = (id: string, withdraw_via: string): Gateway => ({ id, withdraw_via, real_money: true, available: true });

  it("asks only the gateways that pay out to somewhere the user names", () => {
    expect(destinationFields(gw("sandbox", "payout"))).toEqual([]);
    expect(destinationFields(gw("stripe", "refund"))).toEqual([]);
    expect(destinationFields(gw("razorpay", "payout")).map((f) => f.name)).toEqual(["vpa", "name"]);
    expect(destinationFields(gw("razorpay", "refund"))).toEqual([]);
  });
  it("checks a UPI address and name the way Razorpay will", () => {
    const fields = destinationFields(gw("razorpay", "payout"));
    expect(checkDestination(fields, { vpa: " tess@okbank ", name: "Tess Trader" })).toEqual({ ok: true, destination: { vpa: "tess@okbank", name: "Tess Trader" } });
    expect(checkDestination(fields, { vpa: "tess", name: "Tess" })).toEqual({ ok: false, field: "vpa", error: "Enter a UPI ID like name@bank" });
    expect(checkDestination(fields, { vpa: "t@okbank", name: "Tess" }).ok).toBe(false);  // 2 characters before the @ at least
    expect(checkDestination(fields, { vpa: "tess@1bank", name: "Tess" }).ok).toBe(false);
    expect(checkDestination(fields, { vpa: "tess@okbank", name: "" })).toEqual({ ok: false, field: "name", error: "Enter the account holder's name" });
    expect(checkDestination(fields, { vpa: "tess@okbank", name: "x".repeat(51) })).toEqual({ ok: false, field: "name", error: "At most 50 characters" });
    expect(checkDestination([], { vpa: "ignored" })).toEqual({ ok: true, destination: undefined });
  });
});

describe("redirects and refusals", () => {
  it("sends the browser only to http(s) pages", () => {
    expect(redirectTarget("https://checkout.stripe.com/c/pay/cs_test_1#frag")).toBe("https://checkout.stripe.com/c/pay/cs_test_1#frag");
    expect(redirectTarget("http://127.0.0.1:9000/checkout")).toBe("http://127.0.0.1:9000/checkout");
    expect(redirectTarget("javascript:alert(1)")).toBeNull();
    expect(redirectTarget("data:text/html,hi")).toBeNull();
    expect(redirectTarget("/relative")).toBeNull();
    expect(redirectTarget("")).toBeNull();
    expect(redirectTarget(undefined)).toBeNull();
  });
  it("recognises the API's KYC refusal", () => {
    expect(needsKyc(new ApiError(403, "Forbidden", "kyc: verify your identity before withdrawing"))).toBe(true);
    expect(needsKyc(new ApiError(403, "Forbidden", "operators only"))).toBe(false);
    expect(needsKyc(new ApiError(422, "Unprocessable Content", "kyc: whatever"))).toBe(false);
    expect(needsKyc(new Error("kyc: no"))).toBe(false);
  });
});

describe("idempotency keys", () => {
  it("keeps a key for a retry after an unknown outcome, and only then", () => {
    let n = 0;
    const keys = new RetryKey(() => `k${++n}`);
    expect(keys.next("250.00")).toBe("k1");
    keys.settled(new TypeError("Failed to fetch"));  // no answer: it may have been created
    expect(keys.next("250.00")).toBe("k1");
    keys.settled(new ApiError(503, "Service Unavailable", "gateway unavailable"));
    expect(keys.next("250.00")).toBe("k1");
    keys.settled();  // created
    expect(keys.next("250.00")).toBe("k2");  // a second deposit of the same amount is a new one
    keys.settled(new ApiError(422, "Unprocessable Content", "amount: too much"));  // refused: nothing created
    expect(keys.next("250.00")).toBe("k3");
    keys.settled(new TypeError("Failed to fetch"));
    expect(keys.next("300.00")).toBe("k4");  // changed before the retry: another request, another key
  });
  it("knows which failures leave the outcome unknown", () => {
    expect(outcomeUnknown(undefined)).toBe(false);
    expect(outcomeUnknown(new TypeError("Failed to fetch"))).toBe(true);
    expect(outcomeUnknown(new ApiError(502, "Bad Gateway", ""))).toBe(true);
    expect(outcomeUnknown(new ApiError(409, "Conflict", ""))).toBe(false);
  });
});

describe("sizes", () => {
  it("formats file sizes", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(12_345)).toBe("12.1 KB");
    expect(formatBytes(5_242_880)).toBe("5 MB");
  });
});
