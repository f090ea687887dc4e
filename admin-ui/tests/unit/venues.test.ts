import { describe, expect, it } from "vitest";
import { binanceKeys, canTradeLive, isLive, keyProblem, moneyHome, venueName, venueOf } from "../../src/shared/venues";
import type { VenuesReply } from "../../src/shared/venues";
import { primaryBalance, walletBalances } from "../../src/shared/types";

const none: VenuesReply = { venues: [{ venue: "binance", configured: false, api_key_hint: null, updated_at: null }], live_trading_available: true };
const stored: VenuesReply = {
  venues: [{ venue: "binance", configured: true, api_key_hint: "…0001", updated_at: 1795457877657 }], live_trading_available: true,
};

describe("exchange keys", () => {
  it("finds the stored Binance keys", () => {
    expect(binanceKeys(stored)?.api_key_hint).toBe("…0001");
    expect(binanceKeys(none)).toBeNull();
    expect(binanceKeys(null)).toBeNull();
    expect(binanceKeys({ venues: [], live_trading_available: false })).toBeNull();
    expect(canTradeLive(stored)).toBe(true);
    expect(canTradeLive(none)).toBe(false);
  });
  it("checks keys as the server does (16 to 128 of A-Z a-z 0-9), never repeating them", () => {
    expect(keyProblem("fakeBinanceApiKey0001", "API key")).toBeNull();
    expect(keyProblem("a".repeat(128), "secret")).toBeNull();
    expect(keyProblem("", "API key")).toBe("Enter the API key");
    expect(keyProblem("short", "secret")).toBe("The secret is 16 to 128 letters and digits; this one has 5");
    expect(keyProblem("a".repeat(129), "secret")).toBe("The secret is 16 to 128 letters and digits; this one has 129");
    expect(keyProblem("fakeBinance ApiKey0001", "API key")).toMatch(/spaces/);
    expect(keyProblem("fakeBinance-ApiKey0001", "API key")).toBe("The API key is letters and digits only (A-Z, a-z, 0-9)");
    expect(keyProblem("fakeBinance-ApiKey0001", "API key")).not.toContain("fakeBinance");
  });
});

describe("a live bot's holdings in the wallet reply", () => {
  // A running live bot: its BTC and USDT are on the exchange, mirrored as "in_bots"; the wallet's money is the USD.
  const btc = { currency: "BTC", available: "0.00000000", locked: "0.00000000", in_bots: "0.00032967", pending_withdrawal: "0.00000000" };
  const usd = { currency: "USD", available: "10000.00", locked: "0.00", in_bots: "0.00", pending_withdrawal: "0.00" };
  const usdt = { currency: "USDT", available: "0.00000000", locked: "0.00000000", in_bots: "90.31000000", pending_withdrawal: "0.00000000" };
  it("are not the wallet's balances", () => {
    expect(walletBalances([btc, usd, usdt])).toEqual([usd]);
    expect(primaryBalance([btc, usd, usdt])).toBe(usd);
  });
  it("leave a new user's empty wallet as it is", () => {
    const empty = { currency: "USD", available: "0.00", locked: "0.00" };
    expect(walletBalances([empty])).toEqual([empty]);
    expect(primaryBalance([])).toBeNull();
    expect(primaryBalance([btc])).toBe(btc);
    expect(walletBalances([btc, usdt])).toEqual([btc, usdt]);  // only bots hold money: shown as it is
    // A stopped live bot leaves its currencies at zero in the reply.
    const heldBtc = { ...btc, in_bots: "0.00000000" };
    expect(primaryBalance([heldBtc, usd, usdt])).toBe(usd);
    expect(walletBalances([heldBtc, empty])).toEqual([heldBtc, empty]);
  });
});

describe("a bot's venue", () => {
  it("is paper unless the API says otherwise", () => {
    expect(venueOf({})).toBe("paper");
    expect(venueOf({ venue: "" })).toBe("paper");
    expect(venueOf({ venue: "binance" })).toBe("binance");
    expect(isLive({ venue: "paper" })).toBe(false);
    expect(isLive({ venue: "binance" })).toBe(true);
  });
  it("names the venue and where the money is", () => {
    expect(venueName("binance")).toBe("Binance");
    expect(venueName("paper")).toBe("Paper");
    expect(venueName("kraken")).toBe("kraken");
    expect(moneyHome({ venue: "binance" })).toBe("your Binance account");
    expect(moneyHome({})).toBe("your wallet");
  });
});
