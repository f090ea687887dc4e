// Browser test of the shipped config/fakes.example.yaml: the dashboard charts a
// Binance instrument and a Twelve Data instrument with history and live
// updates; when the fake Binance dies, BTCUSDT carries on "via twelvedata" and
// returns to Binance when it is back. Screenshots go to $BOURSE_E2E_ARTIFACTS.
//
//   node tests/e2e/fakes.mjs          (BOURSE_BUILD_DIR / BOURSE_SOURCE_DIR from CTest)
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, runScenarios, until } from "./browser.mjs";
import { startFakesProfile } from "./bourse.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.BOURSE_SOURCE_DIR ?? resolve(here, "../../..");
const buildDir = process.env.BOURSE_BUILD_DIR ?? resolve(sourceDir, "build");
const artifacts = process.env.BOURSE_E2E_ARTIFACTS ?? join(buildDir, "e2e-artifacts");
mkdirSync(artifacts, { recursive: true });

const profile = await startFakesProfile({ buildDir, sourceDir });
const { browser, newPage, hygiene } = await launch(profile.url);
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

const bars = async (page) => Number(await page.locator(".chart").getAttribute("data-bars"));
const lastClose = (page) => page.locator(".chart").getAttribute("data-last-close");
const feed = (page, symbol) => page.locator(`[data-symbol="${symbol}"] [data-role="feed"]`);

async function chartsWithHistoryAndLiveUpdates(page, symbol) {
  await page.locator(`[data-symbol="${symbol}"]`).click();
  await until(async () => (await page.locator(".chart").getAttribute("data-chart-symbol")) === symbol && (await bars(page)) >= 250,
    20_000, `${symbol}: a day of history on the 1-minute chart`);
  const before = await lastClose(page);
  await until(async () => (await lastClose(page)) !== before, 15_000, `${symbol}: a live update`);
}

let failures = 0;
const scenarios = [
  ["Binance and Twelve Data instruments chart with history and live updates", async (page) => {
    await page.goto(profile.url + "/");
    await page.getByRole("button", { name: "New here? Create an account" }).click();
    await page.getByLabel("Name").fill("Fay Fakes");
    await page.getByLabel("E-mail").fill("fay@bourse.test");
    await page.getByLabel("Password").fill("Sunny-Harbor-2026");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator('#connection[data-status="online"]').waitFor({ timeout: 10_000 });
    await chartsWithHistoryAndLiveUpdates(page, "EURUSD");  // Twelve Data's stream, history from /time_series
    await shot(page, "fakes-twelvedata-chart");
    await chartsWithHistoryAndLiveUpdates(page, "BTCUSDT");  // Binance's stream, history from klines
    await shot(page, "fakes-binance-chart");
    assert.equal(await feed(page, "BTCUSDT").count(), 0, "served by its first source: no 'via' note");
  }],
  ["the fake Binance dies: BTCUSDT carries on via Twelve Data, then returns", async (page) => {
    await profile.stopBinance();
    await until(async () => (await feed(page, "BTCUSDT").textContent()) === "via twelvedata", 15_000, "the failover shown");
    const before = await lastClose(page);
    await until(async () => (await lastClose(page)) !== before, 15_000, "live updates from the fallback");
    await page.getByRole("button", { name: "Buy UP" }).waitFor({ state: "visible" });
    assert.equal(await page.getByRole("button", { name: "Buy UP" }).isDisabled(), false, "still tradable on the fallback");
    await shot(page, "fakes-failover");
    await profile.startBinance();
    await until(async () => (await feed(page, "BTCUSDT").count()) === 0, 45_000, "the return to Binance");
  }],
];

try {
  const page = await newPage();
  failures += await runScenarios(scenarios, page);
  failures += hygiene();
} finally {
  await browser.close();
  if (failures) console.log("server log:\n" + profile.logs().slice(-3000));
  await profile.stop();
}
console.log(`screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
