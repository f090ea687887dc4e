// Browser tests of live bots on "Binance": the shipped config/fakes.example.yaml
// (venues.binance and the bot plugins pointed at fake-binance) with
// BOURSE_SECRETS_KEY set. A trader finds Binance not selectable in the bot
// builder until keys are stored, follows the hint to the Exchange keys card,
// stores the fake account's keys there (the hint shown, the secret nowhere on
// the page), sees the exchange account's shortfall next to the venue, builds
// LiveBotsTest.cpp's DCA bot on BTCUSDT with venue Binance, starts it, sees the
// LIVE badge and the base order filled on the exchange, moves the fake's price
// to the first safety order and sees it fill, stops it; a bot the exchange
// refuses shows Binance's words in the list and its page; the keys are removed.
// The fake's price and balance are set through its /_fake/ controls.
// Screenshots go to $BOURSE_E2E_ARTIFACTS (default <build>/e2e-artifacts).
//
//   node tests/e2e/live-bots.mjs      (BOURSE_BUILD_DIR / BOURSE_SOURCE_DIR from CTest)
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, runScenarios, until, signUp } from "./browser.mjs";
import { startFakesProfile } from "./bourse.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.BOURSE_SOURCE_DIR ?? resolve(here, "../../..");
const buildDir = process.env.BOURSE_BUILD_DIR ?? resolve(sourceDir, "build");
const artifacts = process.env.BOURSE_E2E_ARTIFACTS ?? join(buildDir, "e2e-artifacts");
mkdirSync(artifacts, { recursive: true });

const SECRETS_KEY = "4f6e652d6b65792d666f722d6c6976652d626f74732d74657374732d30303031";
/** The fake's trading account (tests/fakes/binance/main.cpp). */
const ACCOUNT = { apiKey: "fakeBinanceApiKey0001", secret: "fakeBinanceSecret0001" };
const TRADER = { name: "Liv Live", email: "liv@bourse.test", password: "Sunny-Harbor-2026" };

const profile = await startFakesProfile({ buildDir, sourceDir, env: { BOURSE_SECRETS_KEY: SECRETS_KEY } });
const { browser, newPage, hygiene } = await launch(profile.url);
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const state = {};

/** A /_fake/ control of the fake Binance (price, balance, failNextOrder). */
async function fake(control, params) {
  // %20, not URLSearchParams' "+": the fake reads a "+" as it is.
  const query = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  const r = await fetch(`${profile.binanceUrl}/_fake/${control}?${query}`, { method: "POST" });
  assert.equal(r.status, 200, `/_fake/${control}: ${await r.text()}`);
}

const usd = (wallet) => wallet.balances.find((b) => b.currency === "USD");

/** The header shows the wallet's dollars, not the BTC or USDT a live bot holds (or held) on the exchange. */
async function headerShowsWallet(page) {
  const dollars = `$${Number(state.wallet.available).toLocaleString("en-US", { minimumFractionDigits: 2 })} available`;
  await until(async () => (await page.locator("#balance").textContent()) === dollars, 5000, `the header to show ${dollars}`);
}

async function api(page, path) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("bourse.trader")).accessToken);
  const r = await fetch(profile.url + path, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}

const keysCard = (page) => page.getByRole("region", { name: "Exchange keys" });
const keysForm = (page) => page.getByRole("form", { name: "Binance API keys" });
const builder = (page) => page.getByRole("form", { name: "Bot settings" });
const preview = (page) => page.locator('[data-role="bot-preview"]');
const setting = (page, label) => builder(page).getByLabel(label, { exact: true });
/** Whether the builder's Binance choice is greyed out (Playwright counts an <option> as enabled whatever it says). */
const binanceDisabled = (page) => builder(page).getByLabel("Venue").locator('option[value="binance"]').evaluate((o) => o.disabled);
const details = (page) => page.locator('[data-page="bot"]');
const nav = (page, name) => page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name, exact: true }).click();

async function previewReady(page, what, before = null) {
  await until(async () => (await preview(page).getAttribute("data-state")) === "ready" &&
    (before === null || (await preview(page).textContent()) !== before), 10_000, what);
}

/** LiveBotsTest.cpp's DCA bot on BTCUSDT: 20 at market, safety orders of 30 and 60 at 1 % and 2 % lower, take profit 1 %. */
async function fillLiveDca(page, name) {
  const form = builder(page);
  await form.getByLabel("Bot type").selectOption("dca-bot");
  await form.getByLabel("Market").selectOption("BTCUSDT");
  await form.getByLabel("Venue").selectOption("binance");
  for (const [label, value] of [["Base order", "20.00"], ["Safety order", "30.00"], ["Safety orders", "2"], ["Price deviation %", "1"],
    ["Step scale", "1"], ["Volume scale", "2"], ["Take profit %", "1"], ["Name (optional)", name]])
    await setting(page, label).fill(value);
}

/** The shown order's fills: [side, price] newest first. */
const fillRows = (page) => details(page).locator('[data-role="fill"]').evaluateAll((rows) => rows.map((r) => [r.cells[1].textContent, r.cells[2].textContent]));

const scenarios = [
  ["without keys the builder offers paper only, and its hint leads to the Exchange keys card", async () => {
    const page = await newPage();
    state.page = page;
    await signUp(page, profile.url, TRADER);
    state.wallet = usd(await api(page, "/api/v1/wallet"));
    await fake("price", { symbol: "BTCUSDT", price: "60000" });
    await until(async () => (await api(page, "/api/v1/markets")).markets.find((m) => m.symbol === "BTCUSDT")?.last_price === "60000.00",
      15_000, "BTCUSDT at the fake's 60000.00");
    await nav(page, "New bot");
    const venue = builder(page).getByLabel("Venue");
    await venue.waitFor({ timeout: 5000 });
    assert.equal(await venue.inputValue(), "paper");
    await until(async () => (await binanceDisabled(page)), 5000, "Binance not selectable without keys");
    const link = builder(page).locator('[data-role="keys-link"]');
    await link.waitFor({ timeout: 5000 });
    assert.match(await builder(page).locator('[data-role="venue-hint"]').textContent(), /store your API keys under Exchange keys/);
    await link.click();
    await keysCard(page).waitFor({ state: "visible", timeout: 5000 });
    assert.equal(new URL(page.url()).hash, "#exchange-keys");
    assert.equal(await keysCard(page).locator('[data-role="keys-status"]').textContent(), "No keys");
    assert.equal(await keysCard(page).locator('[data-role="keys-unavailable"]').count(), 0, "the server has BOURSE_SECRETS_KEY");
  }],

  ["the fake account's keys are stored: the hint is shown, the secret is nowhere on the page", async () => {
    const page = state.page;
    const form = keysForm(page);
    // Checked here first: nothing is sent for a key that cannot be right.
    await form.getByLabel("API key").fill("short-key");
    await form.getByLabel("Secret key").fill(ACCOUNT.secret);
    await form.getByRole("button", { name: "Store keys" }).click();
    await until(async () => /letters and digits only/.test(await form.locator('[data-error="api_key"]').textContent()), 3000, "the local check");
    assert.equal(await form.getByLabel("API key").getAttribute("aria-invalid"), "true");
    assert.equal(await form.getByLabel("Secret key").getAttribute("type"), "password", "the secret is typed into a password input");
    await form.getByLabel("API key").fill(ACCOUNT.apiKey);
    await form.getByRole("button", { name: "Store keys" }).click();
    const card = keysCard(page);
    await until(async () => (await card.locator('[data-role="keys-status"]').textContent()) === "Keys stored", 5000, "the keys stored");
    assert.equal(await card.locator('[data-role="key-hint"]').textContent(), "…0001");
    assert.match(await card.locator('[data-role="keys-updated"]').textContent(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await page.locator(".notice", { hasText: "Binance keys stored" }).waitFor({ timeout: 3000 });
    // The form is now "Replace", and empty: neither key is echoed anywhere.
    assert.equal(await keysForm(page).getByRole("button", { name: "Replace keys" }).count(), 1);
    assert.deepEqual(await keysForm(page).locator("input").evaluateAll((i) => i.map((x) => x.value)), ["", ""]);
    const html = await page.content();
    const values = await page.locator("input").evaluateAll((i) => i.map((x) => x.value).join("\n"));
    assert.ok(!html.includes(ACCOUNT.secret) && !values.includes(ACCOUNT.secret), "the secret is not in the page");
    assert.ok(!html.includes(ACCOUNT.apiKey) && !values.includes(ACCOUNT.apiKey), "nor the API key");
    const venues = await api(page, "/api/v1/venues");
    assert.equal(JSON.stringify(venues).includes(ACCOUNT.secret), false);
    await card.scrollIntoViewIfNeeded();
    await shot(page, "live-keys-stored");
  }],

  ["the exchange account short of the capital: Binance's balance shown next to the venue", async () => {
    const page = state.page;
    await nav(page, "New bot");
    await until(async () => !(await binanceDisabled(page)), 5000,
      "Binance selectable with keys stored");
    assert.match(await builder(page).locator('[data-role="venue-hint"]').textContent(), /key …0001/);
    const before = await preview(page).textContent();
    await fillLiveDca(page, "BTC live ladder");
    await previewReady(page, "the live preview", before);
    // Binance's filters (lot step 0.00001) and fee: 110.11 USDT, the same as the API test's.
    assert.equal(await preview(page).locator('[data-role="capital"]').textContent(), "110.11 USDT");
    assert.equal(await preview(page).locator('[data-role="capital-short"]').count(), 0, "the Bourse wallet is not what pays");
    assert.match(await preview(page).locator('[data-role="live-note"]').textContent(), /your Binance account's free USDT/);
    assert.equal(await page.locator('[data-role="ladder-row"]').count(), 3, "base order and 2 safety orders");
    assert.deepEqual(await page.locator('[data-role="ladder-row"]').evaluateAll((r) => r.map((x) => x.cells[2].textContent)),
      ["60,000.00", "59,400.00", "58,800.00"]);
    await shot(page, "live-builder");
    await fake("balance", { apiKey: ACCOUNT.apiKey, asset: "USDT", free: "50" });
    await builder(page).getByRole("button", { name: "Create and start" }).click();
    const slot = builder(page).locator('[data-error="venue"]');
    await until(async () => /your Binance account has 50 free/.test(await slot.textContent()), 10_000, "the exchange's shortfall next to the venue");
    assert.match(await slot.textContent(), /the bot needs 110\.11/);
    assert.equal(await builder(page).getByLabel("Venue").getAttribute("aria-invalid"), "true");
    assert.equal(new URL(page.url()).hash, "#bots/new", "no bot was created");
    assert.equal((await api(page, "/api/v1/bots")).bots.length, 0);
    await shot(page, "live-builder-short");
    await fake("balance", { apiKey: ACCOUNT.apiKey, asset: "USDT", free: "10000" });
  }],

  ["a live DCA bot starts: LIVE badge, the base order filled on the exchange, the wallet untouched", async () => {
    const page = state.page;
    await builder(page).getByRole("button", { name: "Create and start" }).click();
    await until(async () => /^#bots\/.+/.test(new URL(page.url()).hash) && !new URL(page.url()).hash.endsWith("/new"), 10_000, "the bot's page");
    state.botId = decodeURIComponent(new URL(page.url()).hash.slice("#bots/".length));
    const bot = details(page);
    await bot.locator('[data-role="status"][data-status="running"]').waitFor({ timeout: 10_000 });
    assert.equal(await bot.locator('[data-role="venue"]').textContent(), "LIVE");
    assert.match(await bot.locator(".page-head").textContent(), /live on Binance/);
    assert.equal(await bot.locator('[data-role="capital"]').textContent(), "110.11 USDT");
    await until(async () => (await fillRows(page)).length >= 1, 15_000, "the base order's fill");
    assert.deepEqual((await fillRows(page))[0], ["BUY", "60,000.00"]);
    // Safety order 1 rests on the exchange at 59400.
    await until(async () => (await bot.locator('[data-role="open-orders"] tbody tr').evaluateAll((r) => r.map((x) => x.cells[3].textContent)))
      .includes("59,400.00"), 10_000, "safety order 1 on the book at 59,400.00");
    const api1 = await api(page, `/api/v1/bots/${encodeURIComponent(state.botId)}`);
    assert.equal(api1.venue, "binance");
    assert.ok(api1.fills.some((f) => f.id?.startsWith("binance:BTCUSDT:")), "fills carry the exchange's trade ids");
    assert.equal(usd(await api(page, "/api/v1/wallet")).available, state.wallet.available, "the Bourse wallet did not move");
    await headerShowsWallet(page);
    await shot(page, "live-bot-running");
  }],

  ["the price falls to 59400 on the exchange: safety order 1 fills", async () => {
    const page = state.page;
    await fake("price", { symbol: "BTCUSDT", price: "59400" });
    await until(async () => (await fillRows(page)).some(([side, price]) => side === "BUY" && price === "59,400.00"), 15_000,
      "safety order 1's fill at 59,400.00");
    const bot = await api(page, `/api/v1/bots/${encodeURIComponent(state.botId)}`);
    assert.equal(bot.orders.find((o) => o.client_order_id.endsWith("-s1"))?.status, "filled");
    await shot(page, "live-bot-safety-filled");
  }],

  ["the list shows it LIVE and running; stopping it cancels its orders on the exchange", async () => {
    const page = state.page;
    await nav(page, "Bots");
    const row = page.locator(`tr[data-bot="${state.botId}"]`);
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute("data-status"), "running");
    assert.equal(await row.getAttribute("data-venue"), "binance");
    assert.equal(await row.locator('[data-role="venue"]').textContent(), "LIVE");
    assert.match(await row.textContent(), /BTC live ladder.*DCA bot.*BTCUSDT.*LIVE.*Running.*110\.11 USDT/);
    await shot(page, "live-bot-list");
    await row.getByRole("button", { name: "Stop BTC live ladder" }).click();
    const dialog = page.getByRole("dialog", { name: "Stop BTC live ladder" });
    assert.match(await dialog.textContent(), /the money stays in your Binance account/);
    await dialog.getByLabel(/Keep it/).check();
    await dialog.getByRole("button", { name: "Stop bot" }).click();
    await until(async () => (await row.getAttribute("data-status")) === "stopped", 20_000, "the bot to stop");
    const bot = await api(page, `/api/v1/bots/${encodeURIComponent(state.botId)}`);
    assert.equal(bot.orders.filter((o) => o.status === "open").length, 0, "no order left on the book");
    assert.equal(usd(await api(page, "/api/v1/wallet")).available, state.wallet.available, "the Bourse wallet still did not move");
    await headerShowsWallet(page);
  }],

  ["an order the exchange refuses: the bot shows Binance's message in the list and on its page", async () => {
    const page = state.page;
    await nav(page, "New bot");
    await setting(page, "Name (optional)").fill("BTC refused");
    await previewReady(page, "the preview (the form as the user left it)");
    assert.equal(await builder(page).getByLabel("Venue").inputValue(), "binance");
    await fake("failNextOrder", { status: "400", code: "-2010", msg: "Account has insufficient balance for requested action." });
    await builder(page).getByRole("button", { name: "Create and start" }).click();
    await until(async () => /^#bots\/.+/.test(new URL(page.url()).hash) && !new URL(page.url()).hash.endsWith("/new"), 10_000, "the bot's page");
    const id = decodeURIComponent(new URL(page.url()).hash.slice("#bots/".length));
    const bot = details(page);
    await bot.locator('[data-role="status"][data-status="error"]').waitFor({ timeout: 15_000 });
    const error = bot.locator('[data-role="bot-error"]');
    assert.match(await error.textContent(), /insufficient balance/);
    assert.match(await error.textContent(), /the money stays in your Binance account/);
    await shot(page, "live-bot-error");
    await nav(page, "Bots");
    const row = page.locator(`tr[data-bot="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute("data-status"), "error");
    assert.match(await row.locator('[data-role="bot-error"]').textContent(), /insufficient balance for requested action/);
    await shot(page, "live-bot-list-error");
    await row.getByRole("button", { name: "Stop BTC refused" }).click();
    const dialog = page.getByRole("dialog", { name: "Stop BTC refused" });
    await dialog.getByLabel(/Keep it/).check();
    await dialog.getByRole("button", { name: "Stop bot" }).click();
    await until(async () => (await row.getAttribute("data-status")) === "stopped", 20_000, "the refused bot to stop");
  }],

  ["removing the keys (after a confirmation) makes Binance unavailable again", async () => {
    const page = state.page;
    await nav(page, "Trade");
    const card = keysCard(page);
    await card.getByRole("button", { name: "Remove keys" }).click();  // the confirm() is accepted
    await until(async () => (await card.locator('[data-role="keys-status"]').textContent()) === "No keys", 5000, "the keys removed");
    assert.equal(await card.locator('[data-role="key-hint"]').count(), 0);
    assert.equal(binanceConfigured(await api(page, "/api/v1/venues")), false);
    await nav(page, "New bot");
    const venue = builder(page).getByLabel("Venue");
    await until(async () => (await venue.inputValue()) === "paper" && (await binanceDisabled(page)), 5000,
      "the builder back on paper");
  }],
];

function binanceConfigured(reply) {
  return reply.venues.find((v) => v.venue === "binance")?.configured ?? false;
}

let failures = 0;
try {
  failures += await runScenarios(scenarios);
  failures += hygiene();
} finally {
  await browser.close();
  if (failures) console.log("server log:\n" + profile.logs().slice(-4000));
  await profile.stop();
}
console.log(`screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
