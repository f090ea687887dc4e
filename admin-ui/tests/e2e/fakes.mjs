// Browser tests against the fakes of outside services. The shipped
// config/fakes.example.yaml: the dashboard charts a Binance instrument and a
// Twelve Data instrument with history and live updates; when the fake Binance
// dies, BTCUSDT carries on "via twelvedata" and returns to Binance when it is
// back; without BOURSE_SECRETS_KEY the Exchange keys card says live trading
// is not set up (live bots themselves: live-bots.mjs). Then a bourse whose gateway is the fake Razorpay: a rupee deposit opens
// Razorpay Checkout (the fake's stand-in script) and Pay credits it; Cancel
// leaves it pending. Screenshots go to $BOURSE_E2E_ARTIFACTS.
//
//   node tests/e2e/fakes.mjs          (BOURSE_BUILD_DIR / BOURSE_SOURCE_DIR from CTest)
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, runScenarios, until, signUp } from "./browser.mjs";
import { startFakesProfile, startRazorpayProfile } from "./bourse.mjs";

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
    await signUp(page, profile.url, { name: "Fay Fakes", email: "fay@bourse.test", password: "Sunny-Harbor-2026" });
    await chartsWithHistoryAndLiveUpdates(page, "EURUSD");  // Twelve Data's stream, history from /time_series
    await shot(page, "fakes-twelvedata-chart");
    await chartsWithHistoryAndLiveUpdates(page, "BTCUSDT");  // Binance's stream, history from klines
    await shot(page, "fakes-binance-chart");
    assert.equal(await feed(page, "BTCUSDT").count(), 0, "served by its first source: no 'via' note");
    // Started without BOURSE_SECRETS_KEY: exchange keys cannot be stored, and the card says what the operator must do.
    const keys = page.getByRole("region", { name: "Exchange keys" });
    assert.match(await keys.locator('[data-role="keys-unavailable"]').textContent(), /operator must start the server with BOURSE_SECRETS_KEY/);
    assert.equal(await keys.getByRole("form", { name: "Binance API keys" }).count(), 0, "no form to store keys");
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

// ---- Razorpay Checkout against the fake Razorpay ----

const rzp = await startRazorpayProfile({ buildDir, sourceDir });
const rzpBrowser = await launch(rzp.url, { allowedOrigins: [rzp.fakeUrl] });
const checkoutRegion = (page) => page.getByRole("region", { name: "Razorpay checkout" });
const checkoutDialog = (page) => page.getByRole("dialog", { name: "Razorpay Checkout" });
const depositStatusOf = (page, id) => page.locator(`tr[data-deposit="${id}"]`).getAttribute("data-status");

async function rupees(page) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("bourse.trader")).accessToken);
  const wallet = await (await fetch(rzp.url + "/api/v1/wallet", { headers: { Authorization: `Bearer ${token}` } })).json();
  return wallet.balances.find((b) => b.currency === "INR")?.available ?? "none";
}

/** Deposits `amount` rupees; waits for Checkout's dialog; returns { id, order }. */
async function depositRupees(page, amount) {
  const form = page.getByRole("form", { name: "Deposit" });
  await form.getByLabel("Amount").fill(amount);
  await form.getByRole("button", { name: "Deposit" }).click();
  const region = checkoutRegion(page);
  await region.waitFor({ timeout: 5000 });
  const id = await region.getAttribute("data-deposit");
  const order = (await region.locator("dd.mono").textContent()).trim();
  assert.match(order, /^order_/);
  await checkoutDialog(page).waitFor({ timeout: 5000 });
  assert.equal(await checkoutDialog(page).getAttribute("data-order-id"), order, "Checkout opens for the deposit's order");
  assert.equal(await depositStatusOf(page, id), "pending");
  return { id, order };
}

const rzpScenarios = [
  ["a rupee deposit opens Razorpay Checkout; Pay credits exactly 500.00", async (page) => {
    await signUp(page, rzp.url, { name: "Ravi Rupee", email: "ravi@bourse.test", password: "Sunny-Harbor-2026" });
    assert.equal(await rupees(page), "none", "no rupees before the deposit");
    const { id } = await depositRupees(page, "500.00");
    assert.match(await checkoutDialog(page).textContent(), /₹500\.00 for order/);
    await shot(page, "fakes-razorpay-checkout");
    await checkoutDialog(page).getByRole("button", { name: "Pay" }).click();
    await until(async () => (await depositStatusOf(page, id)) === "succeeded", 10_000, "the deposit to succeed");
    assert.equal(await checkoutDialog(page).count(), 0, "Checkout's dialog closes");
    await until(async () => (await checkoutRegion(page).count()) === 0, 5000, "the checkout to close");
    await page.locator(".notice", { hasText: /Deposit received₹500\.00/ }).waitFor({ timeout: 3000 });
    assert.equal(await rupees(page), "500.00");
    const shown = page.locator(".stat", { hasText: "Available INR" }).locator('[data-role="available"]');
    await until(async () => (await shown.textContent()) === "₹500.00", 5000, "the wallet to show ₹500.00");
    await shot(page, "fakes-razorpay-paid");
  }],
  ["a Razorpay deposit whose Checkout is cancelled stays pending and moves no money", async (page) => {
    const { id, order } = await depositRupees(page, "250.00");
    await checkoutDialog(page).getByRole("button", { name: "Cancel" }).click();
    const region = checkoutRegion(page);
    await until(async () => /stays pending and its order stays valid/.test(await region.locator('[data-role="checkout-status"]').textContent()),
      5000, "the note that the deposit stays pending");
    assert.equal(await checkoutDialog(page).count(), 0);
    await shot(page, "fakes-razorpay-cancelled");
    // It can still be paid: the button opens Checkout again for the same order.
    const again = region.getByRole("button", { name: "Pay ₹250.00 with Razorpay" });
    assert.equal(await again.isEnabled(), true);
    await again.click();
    await checkoutDialog(page).waitFor({ timeout: 5000 });
    assert.equal(await checkoutDialog(page).getAttribute("data-order-id"), order);
    await checkoutDialog(page).getByRole("button", { name: "Cancel" }).click();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await depositStatusOf(page, id), "pending");
    assert.equal(await rupees(page), "500.00", "the balance is unchanged");
    const entity = await (await fetch(`${rzp.fakeUrl}/_fake/entities/${order}`)).json();
    assert.equal(entity.status, "created", "the order at Razorpay is unpaid");
  }],
];

try {
  const page = await rzpBrowser.newPage();
  const before = failures;
  failures += await runScenarios(rzpScenarios, page);
  failures += rzpBrowser.hygiene();
  if (failures > before) console.log("razorpay profile log:\n" + rzp.logs().slice(-3000));
} finally {
  await rzpBrowser.browser.close();
  await rzp.stop();
}
console.log(`screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
