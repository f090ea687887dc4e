// The browser scenarios (see run.mjs). They share one trader and one operator.
import assert from "node:assert/strict";
import { until } from "./browser.mjs";

const TRADER = { name: "Tess Trader", email: "tess@bourse.test", password: "Sunny-Harbor-2026" };
const state = {};

/** "$10,000.00" → 1000000 (cents) */
function cents(text) {
  const m = /(-?)\$?([\d,]+)\.(\d{2})/.exec(text ?? "");
  if (!m) throw new Error(`not money: '${text}'`);
  return (m[1] ? -1 : 1) * (Number(m[2].replace(/,/g, "")) * 100 + Number(m[3]));
}

async function available(page) {
  return cents(await page.locator('[data-role="available"]').first().textContent());
}

async function api(page, url, path) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("bourse.trader")).accessToken);
  const r = await fetch(url + path, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}

async function chartMoves(page, what) {
  const chart = page.locator(".chart");
  const before = await chart.getAttribute("data-last-close");
  await until(async () => (await chart.getAttribute("data-last-close")) !== before, 10_000, what);
}

export const scenarios = [
  ["trader registers and ticks move the chart", async (t) => {
    const page = await t.newPage();
    state.trader = page;
    await page.goto(t.url + "/");
    await page.getByRole("button", { name: "New here? Create an account" }).click();
    await page.getByLabel("Name").fill(TRADER.name);
    await page.getByLabel("E-mail").fill(TRADER.email);
    await page.getByLabel("Password").fill(TRADER.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator('#connection[data-status="online"]').waitFor({ timeout: 10_000 });
    // Charts are never empty: the 1-minute view opens on a day of back-filled history.
    await until(async () => Number(await page.locator(".chart").getAttribute("data-bars")) >= 250, 10_000, "history on the chart");
    await chartMoves(page, "a tick to move the chart");
    assert.equal(await available(page), 1_000_000, "new accounts start with 10,000.00");
    await t.shot(page, "trader-dashboard");
  }],

  ["an UP trade counts down, settles, and the balance moves by its payout", async (t) => {
    const page = state.trader;
    await page.locator('[data-symbol="OTC_EUR_USD"]').click();
    const before = await available(page);
    await page.getByLabel("Stake").fill("10.00");
    await page.getByLabel("Duration").selectOption("5");
    await until(async () => (await page.locator('[data-role="preview"]').textContent()).includes("$18.00 on a win"), 3000, "the payout preview");
    await page.getByRole("button", { name: "Buy UP" }).click();
    const row = page.locator(".active-trade").first();
    await row.waitFor({ timeout: 5000 });
    const id = await row.getAttribute("data-trade");
    assert.match(await row.locator('[data-role="countdown"]').textContent(), /^0:0[0-5]$/);
    assert.match(await row.locator('[data-role="standing"]').textContent(), /winning|losing|even/);
    await until(async () => Number(await page.locator(".chart").getAttribute("data-entry-lines")) === 1, 3000, "the entry line");
    await t.shot(page, "trade-open");
    await page.locator(".notice", { hasText: /You won|You lost|Tie/ }).waitFor({ timeout: 20_000 });
    const trade = await api(page, t.url, `/api/v1/trades/${id}`);
    assert.notEqual(trade.status, "OPEN");
    const payout = { WON: 1800, LOST: 0, TIE: 1000 }[trade.status];
    assert.equal(cents("$" + trade.payout), payout, `payout of a ${trade.status} 10.00 UP trade at 80%`);
    await until(async () => (await available(page)) === before - 1000 + payout, 5000,
      `available ${before} - 10.00 + ${payout / 100} after settlement`);
    await until(async () => (await page.locator(".active-trade").count()) === 0, 3000, "the trade to leave the active list");
    const rate = { WON: "100.0%", LOST: "0.0%", TIE: "—" }[trade.status];
    await until(async () => (await page.locator('[data-role="stats"]').textContent()).includes(`Win rate${rate}`), 5000,
      `the history stats to show a win rate of ${rate}`);
    await t.shot(page, "trade-result");
  }],

  ["a stake above the balance shows the API's message and changes nothing", async (t) => {
    const page = state.trader;
    const before = await available(page);
    await page.getByLabel("Stake").fill("20000.00");
    await page.getByRole("button", { name: "Buy DOWN" }).click();
    const error = page.locator('[data-error="stake"]');
    await until(async () => /insufficient/i.test(await error.textContent()), 5000, "the insufficient-balance message");
    assert.equal(await page.getByLabel("Stake").getAttribute("aria-invalid"), "true");
    assert.equal(await available(page), before);
    const open = await api(page, t.url, "/api/v1/trades?status=OPEN");
    assert.equal(open.trades.length, 0);
    await t.shot(page, "trade-refused");
    await page.getByLabel("Stake").fill("10.00");
  }],

  ["an operator closes a market and the trader sees it closed", async (t) => {
    const admin = await t.newPage();
    state.admin = admin;
    await admin.goto(t.url + "/admin");
    await admin.getByLabel("E-mail").fill(t.operator.email);
    await admin.getByLabel("Password").fill(t.operator.password);
    await admin.getByRole("button", { name: "Sign in" }).click();
    await admin.locator('[data-role="users"]').waitFor({ timeout: 5000 });
    await t.shot(admin, "admin-overview");
    await admin.getByRole("tab", { name: "Markets" }).click();
    const form = admin.locator('form[data-market="OTC_EUR_USD"]');
    await form.locator('select[name="enabled"]').selectOption("false");
    await form.getByRole("button", { name: "Save" }).click();
    await admin.locator(".notice", { hasText: "OTC_EUR_USD saved" }).waitFor({ timeout: 5000 });
    await t.shot(admin, "admin-markets");
    const trader = state.trader;
    await until(async () => await trader.getByRole("button", { name: "Buy UP" }).isDisabled(), 15_000, "the trader's UP button to be disabled");
    await trader.locator(".market-closed").waitFor();
    assert.match(await trader.locator('[data-symbol="OTC_EUR_USD"]').textContent(), /closed/);
    await t.shot(trader, "trader-market-closed");
    // Open again for what follows.
    await admin.locator('form[data-market="OTC_EUR_USD"] select[name="enabled"]').selectOption("true");
    await admin.locator('form[data-market="OTC_EUR_USD"]').getByRole("button", { name: "Save" }).click();
    await until(async () => !(await trader.getByRole("button", { name: "Buy UP" }).isDisabled()), 15_000, "the market to reopen");
  }],

  ["an operator reloads the OTC plugin while the trader's chart keeps updating", async (t) => {
    const admin = state.admin;
    await admin.getByRole("tab", { name: "Plugins" }).click();
    const row = admin.locator('tr[data-plugin="otc"]');
    const generation = await row.locator("td").nth(2).textContent();
    await admin.getByRole("button", { name: "Reload otc" }).click();
    await admin.locator(".notice", { hasText: "otc: reload done" }).waitFor({ timeout: 10_000 });
    await until(async () => (await admin.locator('tr[data-plugin="otc"] td').nth(2).textContent()) !== generation, 5000, "a new generation");
    assert.equal(await admin.locator('tr[data-plugin="otc"] [data-role="state"]').textContent(), "running");
    await t.shot(admin, "admin-plugins");
    await chartMoves(state.trader, "the chart to move after the reload");
    assert.equal(await state.trader.locator("#connection").getAttribute("data-status"), "online");
  }],

  ["the dashboard fits a phone and works from the keyboard", async (t) => {
    const page = await t.newPage({ width: 390, height: 844 });
    await page.goto(t.url + "/");
    await page.getByLabel("E-mail").fill(TRADER.email);
    await page.getByLabel("Password").fill(TRADER.password);
    await page.getByLabel("Password").press("Enter");
    await page.locator('#connection[data-status="online"]').waitFor({ timeout: 10_000 });
    const up = page.getByRole("button", { name: "Buy UP" });
    await up.waitFor();
    const box = await up.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, "the UP button fits the screen width");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
    // Keyboard: the stake field is reachable and editable with Tab.
    await page.getByLabel("Stake").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("25.00");
    assert.match(await page.locator('[data-role="preview"]').textContent(), /\$45\.00 on a win/);
    await t.shot(page, "trader-phone");
  }],
];
