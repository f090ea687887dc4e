// Browser tests of the trading-bot pages against a real bourse with the OTC
// source (EUR/USD with its base and quote assets, ticking fast), paper DCA and
// grid bots: a trader opens the builder, the DCA preview shows bots.md's
// ladder and draws it on the chart, a setting the server refuses is shown next
// to its field, a grid preview draws its lines; the bot is created (its
// capital reserved), started, trades, shows in the list as running, is stopped
// selling what it holds (everything back in the wallet) and deleted; a
// backtest over a CSV file shows its results; the ledger verifies. Screenshots
// go to $BOURSE_E2E_ARTIFACTS (default <build>/e2e-artifacts).
//
//   node tests/e2e/bots.mjs           (BOURSE_BUILD_DIR / BOURSE_SOURCE_DIR from CTest)
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, runScenarios, until, signUp } from "./browser.mjs";
import { OPERATOR, startProcess } from "./bourse.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.BOURSE_SOURCE_DIR ?? resolve(here, "../../..");
const buildDir = process.env.BOURSE_BUILD_DIR ?? resolve(sourceDir, "build");
const artifacts = process.env.BOURSE_E2E_ARTIFACTS ?? join(buildDir, "e2e-artifacts");
mkdirSync(artifacts, { recursive: true });

const TRADER = { name: "Bea Bots", email: "bea@bourse.test", password: "Sunny-Harbor-2026" };

/** A bourse with OTC prices and the two bot products on the paper venue. */
async function startBotsProfile() {
  const dataDir = mkdtempSync(join(tmpdir(), "bourse-e2e-bots-"));
  const config = join(dataDir, "bourse.yaml");
  writeFileSync(config, `
data_dir: ${dataDir}
server: { host: 127.0.0.1, port: 0, static_dir: ${resolve(sourceDir, "admin-ui/dist")} }
storage: { driver: sqlite }
security: { argon2_memory_kib: 4096, argon2_iterations: 1 }
logging: { level: warn }
plugin_dirs: [${resolve(buildDir, "lib/bourse/plugins")}]
plugins:
  - id: otc
    library: bourse-plugin-otc
    config:
      seed: 7
      tick_interval_ms: 100
      instruments:
        - { symbol: OTC_EUR_USD, name: "EUR/USD (OTC)", base_price: "1.08000", price_scale: 5, volatility: HIGH, bias: 0, base_asset: EUR, quote_asset: USD }
        - { symbol: OTC_VOL_LOW, name: "Volatility Low Index", base_price: "1000.000", price_scale: 3, volatility: LOW, bias: 0, quote_asset: USD }
  - id: binary-options
    library: bourse-plugin-binary-options
    config:
      defaults: { durations: [5, 60], payout_percent: "80", min_stake: "1.00", max_stake: "1000.00" }
  - id: dca-bot
    library: bourse-plugin-dca-bot
    config: {}
  - id: grid-bot
    library: bourse-plugin-grid-bot
    config: {}
`);
  const server = await startProcess(resolve(buildDir, "bin/bourse"), ["serve", "--config", config],
    { BOURSE_ADMIN_EMAIL: OPERATOR.email, BOURSE_ADMIN_PASSWORD: OPERATOR.password }, /listening on (http:\/\/[^/\s]+)\//);
  return {
    url: server.url,
    logs: server.logs,
    cli: (args) => new Promise((ok) => {
      execFile(resolve(buildDir, "bin/bourse"), [...args, "--config", config], { timeout: 30_000 }, (error, stdout, stderr) =>
        ok({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }));
    }),
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const profile = await startBotsProfile();
const { browser, newPage, hygiene } = await launch(profile.url);
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const state = {};

async function api(page, path) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("bourse.trader")).accessToken);
  const r = await fetch(profile.url + path, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}

const builder = (page) => page.getByRole("form", { name: "Bot settings" });
const preview = (page) => page.locator('[data-role="bot-preview"]');
const builderChart = (page) => page.locator('[data-page="new-bot"] .chart');
const setting = (page, label) => builder(page).getByLabel(label, { exact: true });

/** Waits for a preview of what the form holds now (a new one after `before`, the previous answer's text). */
async function previewReady(page, what, before = null) {
  await until(async () => (await preview(page).getAttribute("data-state")) === "ready" &&
    (before === null || (await preview(page).textContent()) !== before), 10_000, what);
}

const scenarios = [
  ["the builder previews bots.md's DCA ladder and draws it on the chart", async () => {
    const page = await newPage();
    state.page = page;
    await signUp(page, profile.url, TRADER);
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "New bot" }).click();
    assert.equal(new URL(page.url()).hash, "#bots/new");
    const form = builder(page);
    await form.waitFor({ timeout: 5000 });
    // An index has no base asset to buy: bots are not offered it.
    assert.deepEqual(await form.getByLabel("Market").locator("option").evaluateAll((o) => o.map((x) => x.value)), ["OTC_EUR_USD"]);
    await form.getByLabel("Bot type").selectOption("dca-bot");
    // The defaults are bots.md's worked example: 10 / 20, 1 %, × 2, × 2, 3 safety orders, take profit 1.5 %.
    assert.deepEqual(await Promise.all(["Base order", "Safety order", "Price deviation %", "Step scale", "Volume scale", "Safety orders", "Take profit %"]
      .map((l) => setting(page, l).inputValue())), ["10.00", "20.00", "1", "2", "2", "3", "1.5"]);
    await previewReady(page, "the DCA preview");
    assert.equal(await page.locator('[data-role="capital"]').textContent(), "$150.15");
    const rows = page.locator('[data-role="ladder-row"]');
    assert.equal(await rows.count(), 4, "base order and 3 safety orders");
    assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.cells[0].textContent)), ["Base order", "Safety order 1", "Safety order 2", "Safety order 3"]);
    assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => Number(x.cells[1].textContent.replace("%", "")))), [0, 1, 3, 7]);
    assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.cells[3].textContent)), ["$10.00", "$20.00", "$40.00", "$80.00"]);
    // Four buy lines and the take profit on the market's chart.
    await until(async () => (await builderChart(page).getAttribute("data-price-lines")) === "5", 5000, "the ladder on the chart");
    assert.equal(await builderChart(page).getAttribute("data-chart-symbol"), "OTC_EUR_USD");
    await shot(page, "bot-builder-dca");
  }],

  ["a setting the server refuses is shown next to its field", async () => {
    const page = state.page;
    await setting(page, "Base order").fill("0.50");  // below the pair's minimum notional (1.00)
    await until(async () => (await builder(page).locator('[data-error="base_order_size"]').textContent()) !== "", 10_000, "the server's refusal");
    assert.equal(await setting(page, "Base order").getAttribute("aria-invalid"), "true");
    assert.notEqual(await preview(page).getAttribute("data-state"), "ready");
    assert.equal(await builderChart(page).getAttribute("data-price-lines"), "0", "no lines for settings the server refused");
    // Checked here before the server is asked: no request for what cannot be right.
    await setting(page, "Take profit %").fill("0");
    await until(async () => /above 0/.test(await builder(page).locator('[data-error="take_profit"]').textContent()), 3000, "the local check");
    await setting(page, "Take profit %").fill("1.5");
    await setting(page, "Base order").fill("10.00");
    await previewReady(page, "the preview again");
    assert.equal(await builder(page).locator('[data-error="base_order_size"]').textContent(), "");
  }],

  ["a grid preview lists its lines and draws them", async () => {
    const page = state.page;
    const before = await preview(page).textContent();
    await builder(page).getByLabel("Bot type").selectOption("grid-bot");
    // Lower and upper start 5 % either side of the price.
    const lower = Number(await setting(page, "Lower price").inputValue());
    const upper = Number(await setting(page, "Upper price").inputValue());
    assert.ok(lower > 0 && upper > lower, `a range around the price (${lower} – ${upper})`);
    assert.equal(await setting(page, "Grids").inputValue(), "10");
    await previewReady(page, "the grid preview", before);
    assert.equal(await page.locator('[data-role="grid-row"]').count(), 11, "10 grids, 11 lines");
    assert.ok(await page.locator('[data-role="grid-row"][data-side="buy"]').count() > 0, "buy lines below the price");
    assert.ok(await page.locator('[data-role="grid-row"][data-side="sell"]').count() > 0, "sell lines above it");
    await until(async () => (await builderChart(page).getAttribute("data-price-lines")) === "11", 5000, "the grid on the chart");
    await shot(page, "bot-builder-grid");
    const dca = await preview(page).textContent();
    await builder(page).getByLabel("Bot type").selectOption("dca-bot");
    await previewReady(page, "the DCA preview again", dca);
  }],

  ["a DCA bot is created with its capital reserved, then started, and trades", async () => {
    const page = state.page;
    const wallet = async () => (await api(page, "/api/v1/wallet")).balances[0].available;
    assert.equal(await wallet(), "10000.00");
    await setting(page, "Name (optional)").fill("EUR ladder");
    await builder(page).getByRole("button", { name: "Create bot" }).click();
    await until(async () => /^#bots\/.+/.test(new URL(page.url()).hash) && !new URL(page.url()).hash.endsWith("/new"), 5000, "the bot's page");
    state.botId = decodeURIComponent(new URL(page.url()).hash.slice("#bots/".length));
    const details = page.locator('[data-page="bot"]');
    await details.locator('[data-role="status"][data-status="created"]').waitFor({ timeout: 5000 });
    assert.match(await details.locator("h2").first().textContent(), /EUR ladder/);
    assert.equal(await details.locator('[data-role="capital"]').textContent(), "$150.15");
    await until(async () => (await wallet()) === "9849.85", 5000, "150.15 (the ladder and its fees) reserved from the wallet");
    await until(async () => /\$9,849\.85 available/.test(await page.locator("#balance").textContent()), 5000, "the balance shown");
    await details.getByRole("button", { name: "Start EUR ladder" }).click();
    await details.locator('[data-role="status"][data-status="running"]').waitFor({ timeout: 5000 });
    // The base order buys at market on the next tick; the page follows from the stream.
    await details.locator('[data-role="fill"]').first().waitFor({ timeout: 15_000 });
    assert.match(await details.locator('[data-role="fill"]').first().textContent(), /BUY/);
    await until(async () => (await details.locator('[data-role="open-orders"] tbody tr').count()) >= 1, 10_000,
      "the take profit and safety orders on the book");
    await shot(page, "bot-details-running");
  }],

  ["the list shows it running; stopping it sells what it holds and the money returns", async () => {
    const page = state.page;
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Bots" }).click();
    const row = page.locator(`tr[data-bot="${state.botId}"]`);
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute("data-status"), "running");
    assert.match(await row.locator('[data-role="pnl"]').textContent(), /^([+-]?\$\d[\d,]*\.\d{2}|—)$/);
    assert.match(await row.textContent(), /DCA bot.*OTC_EUR_USD.*Running.*\$150\.15/);
    await shot(page, "bot-list-running");
    await row.getByRole("button", { name: "Stop EUR ladder" }).click();
    const dialog = page.getByRole("dialog", { name: "Stop EUR ladder" });
    await dialog.getByLabel(/Sell it at market/).check();
    await dialog.getByRole("button", { name: "Stop bot" }).click();
    await until(async () => (await row.getAttribute("data-status")) === "stopped", 20_000, "the bot to stop");
    const bot = await api(page, `/api/v1/bots/${encodeURIComponent(state.botId)}`);
    assert.equal(bot.status, "stopped");
    assert.deepEqual([bot.balances.quote, bot.balances.base], ["0.00", "0.00"], "everything back with the owner");
    assert.equal((await api(page, "/api/v1/wallet")).balances.find((b) => b.currency === "EUR")?.available ?? "0.00", "0.00",
      "the base was sold, not kept");
    assert.equal(bot.orders.filter((o) => o.status === "open").length, 0, "no order left on the book");
    await shot(page, "bot-list-stopped");
    await row.getByRole("button", { name: "Delete EUR ladder" }).click();  // the confirm() is accepted
    await until(async () => (await row.count()) === 0, 5000, "the bot to leave the list");
  }],

  ["a backtest over a CSV file shows P&L, drawdown, deals and the equity curve", async () => {
    const page = state.page;
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Backtest" }).click();
    const form = page.getByRole("form", { name: "Backtest settings" });
    await form.waitFor({ timeout: 5000 });
    await form.getByLabel("Bot type").selectOption("dca-bot");
    // Two hours of minutes falling 3 % and recovering: safety orders fill, then the take profit.
    const start = 1_777_600_000;
    const lines = ["ts,open,high,low,close"];
    for (let i = 0; i < 120; i++) {
      const p = 1.08 * (i < 60 ? 1 - 0.0005 * i : 0.97 + 0.0008 * (i - 60));
      const open = p.toFixed(5);
      const close = (p * (i < 60 ? 0.9995 : 1.0008)).toFixed(5);
      lines.push(`${start + 60 * i},${open},${(Math.max(p, Number(close)) * 1.0002).toFixed(5)},${(Math.min(p, Number(close)) * 0.9998).toFixed(5)},${close}`);
    }
    await form.getByLabel("A CSV file").check();
    await form.getByLabel("Candles (CSV)").setInputFiles({ name: "eurusd.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
    await form.getByRole("button", { name: "Run backtest" }).click();
    const results = page.getByRole("region", { name: "Backtest results" });
    await results.waitFor({ timeout: 20_000 });
    assert.match(await results.locator('[data-role="backtest-pnl"]').textContent(), /^[+-]?\$\d[\d,]*\.\d{2}$/);
    assert.match(await results.locator('[data-role="backtest-facts"]').textContent(), /Max drawdown/);
    assert.ok(Number(await results.locator(".equity-chart").getAttribute("data-points")) >= 100, "one equity point a candle");
    assert.ok(await results.locator('[data-role="deals"] tbody tr').count() >= 1, "at least one deal");
    await shot(page, "bot-backtest");
  }],

  ["the ledger verifies after all of it", async () => {
    const r = await profile.cli(["ledger", "verify"]);
    assert.equal(r.code, 0, `bourse ledger verify failed:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /ledger verify: OK/);
  }],
];

let failures = 0;
try {
  failures += await runScenarios(scenarios);
  failures += hygiene();
} finally {
  await browser.close();
  if (failures) console.log("server log:\n" + profile.logs().slice(-3000));
  await profile.stop();
}
console.log(`screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
