import { describe, expect, it } from "vitest";
import { fromUnits, percentOfFloor, toUnits, compareDecimal } from "../../src/shared/decimal";
import { formatChangePercent, formatDuration, formatMoney, formatPrice, formatRate, formatSignedMoney, payoutPreview } from "../../src/shared/format";

describe("decimal", () => {
  it("parses and prints exactly", () => {
    expect(toUnits("100.5", 2)).toBe(10050n);
    expect(toUnits("-0.01", 2)).toBe(-1n);
    expect(toUnits("1.234", 2)).toBeNull(); // too precise: refused, never rounded
    expect(toUnits("1e3", 2)).toBeNull();
    expect(toUnits("", 2)).toBeNull();
    expect(fromUnits(10050n, 2)).toBe("100.50");
    expect(fromUnits(-5n, 2)).toBe("-0.05");
    expect(fromUnits(7n, 0)).toBe("7");
  });
  it("takes percentages rounding down like the product pays", () => {
    expect(percentOfFloor(10000n, "80")).toBe(8000n);
    expect(percentOfFloor(333n, "82.5")).toBe(274n); // 274.725 → 274
    expect(percentOfFloor(1n, "50")).toBe(0n);
    expect(() => percentOfFloor(1n, "8.125")).toThrow();
  });
  it("compares decimals of different scales", () => {
    expect(compareDecimal("1.10", "1.1")).toBe(0);
    expect(compareDecimal("1.0801", "1.08")).toBe(1);
    expect(compareDecimal("-1", "0.5")).toBe(-1);
  });
});

describe("format", () => {
  it("formats money with the currency's decimals and thousands", () => {
    expect(formatMoney("10000", "USD")).toBe("$10,000.00");
    expect(formatMoney("-1234.5", "USD")).toBe("-$1,234.50");
    expect(formatMoney("0.1", "EUR")).toBe("€0.10");
    expect(formatMoney("12", "XYZ")).toBe("12.00 XYZ");
    expect(formatSignedMoney("10.00", "USD")).toBe("+$10.00");
    expect(formatSignedMoney("-10.00", "USD")).toBe("-$10.00");
    expect(formatSignedMoney("0.00", "USD")).toBe("$0.00");
  });
  it("never rounds away digits it was given", () => {
    expect(formatMoney("1.005", "USD")).toBe("$1.005");
    expect(formatMoney("110.11000000", "USDT")).toBe("110.11 USDT");  // an exchange's 8 decimals, zeros past the cents
    expect(formatMoney("0.79793818", "USDT")).toBe("0.79793818 USDT");
    expect(formatMoney("-5.10000", "USD")).toBe("-$5.10");
  });
  it("formats prices with the instrument's precision", () => {
    expect(formatPrice("1.5", 5)).toBe("1.50000");
    expect(formatPrice("2350.35", 2)).toBe("2,350.35");
    expect(formatPrice("151.1", 3)).toBe("151.100");
  });
  it("shows the change as a percentage of the earlier price", () => {
    expect(formatChangePercent("1", "101")).toBe("+1.00%");
    expect(formatChangePercent("-0.5", "99.5")).toBe("-0.50%");
    expect(formatChangePercent("0", "0")).toBe("0.00%");
  });
  it("shows the win rate as a percentage", () => {
    expect(formatRate(1)).toBe("100.0%");
    expect(formatRate(2 / 3)).toBe("66.7%");
    expect(formatRate(0)).toBe("0.0%");
    expect(formatRate(null)).toBe("—");
  });
  it("names durations", () => {
    expect(formatDuration(5)).toBe("5s");
    expect(formatDuration(60)).toBe("1m");
    expect(formatDuration(90)).toBe("1m 30s");
    expect(formatDuration(3600)).toBe("1h");
  });
  it("previews payouts exactly as the product computes them", () => {
    expect(payoutPreview("100", "80", "0", "USD")).toEqual({ win: "180.00", loss: "0.00", profit: "80.00" });
    expect(payoutPreview("100.00", "75", "50", "USD")).toEqual({ win: "175.00", loss: "50.00", profit: "75.00" });
    expect(payoutPreview("3.33", "82.5", "0", "USD")).toEqual({ win: "6.07", loss: "0.00", profit: "2.74" });
    expect(payoutPreview("0", "80", "0", "USD")).toBeNull();
    expect(payoutPreview("1.001", "80", "0", "USD")).toBeNull();
    expect(payoutPreview("abc", "80", "0", "USD")).toBeNull();
  });
});
