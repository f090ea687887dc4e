import { describe, expect, it } from "vitest";
import { elapsedFraction, formatCountdown, remainingMs, standing } from "../../src/shared/countdown";

describe("countdown", () => {
  it("counts down in whole seconds, rounding up", () => {
    expect(formatCountdown(65_400)).toBe("1:06");
    expect(formatCountdown(5_000)).toBe("0:05");
    expect(formatCountdown(4_001)).toBe("0:05");
    expect(formatCountdown(1)).toBe("0:01");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(-50)).toBe("0:00");
    expect(formatCountdown(3_725_000)).toBe("1:02:05");
  });
  it("never goes below zero", () => {
    expect(remainingMs(1000, 400)).toBe(600);
    expect(remainingMs(1000, 2000)).toBe(0);
  });
  it("tracks progress through the trade's life", () => {
    expect(elapsedFraction(0, 100, 25)).toBe(0.25);
    expect(elapsedFraction(0, 100, 200)).toBe(1);
    expect(elapsedFraction(0, 100, -5)).toBe(0);
    expect(elapsedFraction(10, 10, 10)).toBe(1);
  });
  it("tells winning from losing by direction", () => {
    expect(standing("UP", "1.08000", "1.08001")).toBe("winning");
    expect(standing("UP", "1.08000", "1.07999")).toBe("losing");
    expect(standing("DOWN", "1.08000", "1.07999")).toBe("winning");
    expect(standing("DOWN", "1.08", "1.08000")).toBe("even");
  });
});
