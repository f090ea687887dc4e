// The browser scenarios (see run.mjs). They share one trader and one operator.
import assert from "node:assert/strict";
import { until, signUp } from "./browser.mjs";

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

/** What a pending withdrawal holds, in cents (0 when the wallet shows none). */
async function pendingWithdrawal(page) {
  // The wallet re-renders as events arrive: the figure can disappear between a
  // count and a read, so read it once with a short wait and take "gone" as 0.
  const text = await page.locator('[data-role="pending-withdrawal"]').textContent({ timeout: 250 }).catch(() => null);
  return text === null ? 0 : cents(text);
}

// A 1×1 PNG: the smallest identity document the server accepts.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

const depositForm = (page) => page.getByRole("form", { name: "Deposit" });
const withdrawForm = (page) => page.getByRole("form", { name: "Withdraw" });

/** Submits the trader's withdraw form for `amount`; returns the new row's withdrawal id. */
async function withdraw(page, amount) {
  const ids = await page.locator("tr[data-withdrawal]").evaluateAll((rows) => rows.map((r) => r.dataset.withdrawal));
  await withdrawForm(page).getByLabel("Amount").fill(amount);
  await withdrawForm(page).getByRole("button", { name: "Withdraw" }).click();
  let id;
  await until(async () => {
    const now = await page.locator("tr[data-withdrawal]").evaluateAll((rows) => rows.map((r) => r.dataset.withdrawal));
    id = now.find((x) => !ids.includes(x));
    return id;
  }, 5000, `the withdrawal of ${amount} in the list`);
  return id;
}

const rowStatus = (page, kind, id) => page.locator(`tr[data-${kind}="${id}"]`).getAttribute("data-status");

async function signInConsole(page, t) {
  await page.goto(t.url + "/admin");
  await page.getByLabel("E-mail").fill(t.operator.email);
  await page.getByLabel("Password").fill(t.operator.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('[data-role="users"]').waitFor({ timeout: 5000 });
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
    await signUp(page, t.url, TRADER);
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
    // The wallet's deposit and withdraw forms and the identity section must fit as well.
    await page.getByRole("form", { name: "Withdraw" }).waitFor();
    await page.locator('#identity [data-role="kyc-status"]').waitFor();
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

  // ---- payments and identity verification (sandbox gateway, manual KYC) ----

  ["a trader deposits 250.00 through the sandbox checkout and the balance rises by exactly that", async (t) => {
    const page = state.trader;
    state.start = await available(page);
    const form = depositForm(page);
    await form.scrollIntoViewIfNeeded();
    assert.match(await form.locator('[data-role="limits"]').textContent(), /^\$10\.00 – \$10,000\.00 each, up to \$20,000\.00 a day$/);
    // Checked here before the server is asked.
    await form.getByLabel("Amount").fill("5");
    await form.getByRole("button", { name: "Deposit" }).click();
    await until(async () => /minimum is \$10\.00/.test(await form.locator('[data-error="amount"]').textContent()), 2000, "the minimum-amount message");
    await form.getByLabel("Amount").fill("250.00");
    await form.getByRole("button", { name: "Deposit" }).click();
    const checkout = page.getByRole("region", { name: "Sandbox checkout" });
    await checkout.waitFor({ timeout: 5000 });
    assert.match(await checkout.textContent(), /Sandbox — no real money/);
    const id = await checkout.getAttribute("data-deposit");
    assert.equal(await rowStatus(page, "deposit", id), "pending");
    await t.shot(page, "deposit-sandbox-checkout");
    await checkout.getByRole("button", { name: "Pay $250.00" }).click();
    await until(async () => (await rowStatus(page, "deposit", id)) === "succeeded", 5000, "the deposit to succeed");
    await until(async () => (await available(page)) === state.start + 25_000, 5000, "available to rise by exactly 250.00");
    assert.equal(await checkout.count(), 0, "the checkout closes");
    await page.locator(".notice", { hasText: /Deposit received\$250\.00/ }).waitFor({ timeout: 3000 });
    const d = await api(page, t.url, `/api/v1/wallet/deposits/${id}`);
    assert.deepEqual([d.status, d.amount, d.gateway], ["succeeded", "250.00", "sandbox"]);
  }],

  ["a deposit the sandbox declines shows failed and changes nothing; the console sees the velocity flag live", async (t) => {
    const page = state.trader;
    const admin = state.admin;
    await admin.getByRole("tab", { name: "Payments" }).click();
    await admin.getByRole("region", { name: "Risk flags" }).locator('[data-role="empty"]').waitFor({ timeout: 5000 });
    const before = await available(page);
    const form = depositForm(page);
    await form.getByLabel("Amount").fill("13.13");
    await form.getByRole("button", { name: "Deposit" }).click();
    const checkout = page.getByRole("region", { name: "Sandbox checkout" });
    await checkout.waitFor({ timeout: 5000 });
    assert.match(await checkout.textContent(), /always declines this amount/);
    const id = await checkout.getAttribute("data-deposit");
    await checkout.getByRole("button", { name: "Pay $13.13" }).click();
    await until(async () => (await rowStatus(page, "deposit", id)) === "failed", 5000, "the deposit to fail");
    const row = page.locator(`tr[data-deposit="${id}"]`);
    assert.equal(await row.locator('[data-role="status"]').textContent(), "Failed");
    assert.match(await row.textContent(), /declined in the sandbox/);
    await page.locator(".notice", { hasText: /Deposit failed\$13\.13/ }).waitFor({ timeout: 3000 });
    assert.equal(await available(page), before, "a declined deposit moves no money");
    assert.equal((await api(page, t.url, "/api/v1/wallet")).balances[0].available, (before / 100).toFixed(2));
    await t.shot(page, "deposit-declined");
    // The second deposit attempt in an hour raised a flag (deposits_per_hour: 1): the console shows it without a reload.
    await admin.locator('tr[data-rule="deposits_per_hour"]').waitFor({ timeout: 5000 });
  }],

  ["a withdrawal is refused until the trader's identity is verified", async (t) => {
    const page = state.trader;
    const before = await available(page);
    const identity = page.locator("#identity");
    assert.equal(await identity.locator('[data-role="kyc-status"]').getAttribute("data-status"), "none");
    const form = withdrawForm(page);
    assert.equal(await form.locator('[data-role="kyc-needed"]').isVisible(), true, "the form says verification comes first");
    await form.getByLabel("Amount").fill("50.00");
    await form.getByRole("button", { name: "Withdraw" }).click();
    await until(async () => /kyc: verify your identity before withdrawing/.test(await form.locator('[data-error=""]').textContent()), 5000, "the API's KYC message");
    assert.equal(await available(page), before);
    assert.equal((await api(page, t.url, "/api/v1/wallet/withdrawals")).withdrawals.length, 0);
    await t.shot(page, "withdrawal-needs-kyc");
    await form.getByRole("button", { name: "Verify your identity" }).click();
    await until(() => page.evaluate(() => document.activeElement?.dataset.role === "kyc-start"), 3000, "the keyboard on 'Start verification'");
  }],

  ["the trader starts verification and uploads a PNG (a text file is refused first)", async (t) => {
    const page = state.trader;
    const identity = page.locator("#identity");
    await identity.getByRole("button", { name: "Start verification" }).click();
    await identity.locator('[data-role="kyc-instructions"]').waitFor({ timeout: 5000 });
    assert.match(await identity.locator('[data-role="kyc-instructions"]').textContent(), /photo ID/);
    assert.equal(await identity.locator('[data-role="kyc-status"]').getAttribute("data-status"), "pending");
    const form = identity.getByRole("form", { name: "Upload a document" });
    await form.getByLabel("File").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an identity document") });
    await form.getByRole("button", { name: "Upload" }).click();
    await until(async () => /JPEG, PNG or PDF/.test(await form.locator('[data-error="file"]').textContent()), 2000, "the file-type message");
    await form.getByLabel("Document").selectOption("passport");
    await form.getByLabel("File").setInputFiles({ name: "passport.png", mimeType: "image/png", buffer: PNG });
    await form.getByRole("button", { name: "Upload" }).click();
    const doc = identity.locator("tr[data-document]");
    await doc.waitFor({ timeout: 5000 });
    assert.match(await doc.textContent(), /Passport.*PNG image.*\d+ B/);
    await t.shot(page, "kyc-uploaded");
  }],

  ["the operator resolves the flag, views the document and approves the identity in the console", async (t) => {
    const admin = state.admin;
    await admin.getByRole("tab", { name: "Payments" }).click();
    await admin.getByRole("button", { name: "Resolve flag deposits_per_hour" }).click();
    await admin.locator(".notice", { hasText: "Flag deposits_per_hour resolved" }).waitFor({ timeout: 5000 });
    await admin.getByRole("region", { name: "Risk flags" }).locator('[data-role="empty"]').waitFor({ timeout: 5000 });
    await admin.getByRole("tab", { name: "KYC" }).click();
    const card = admin.locator("article[data-case]", { hasText: TRADER.email });
    await card.waitFor({ timeout: 5000 });
    assert.equal(await card.getAttribute("data-status"), "pending");
    // The document previews inline (the policy allows blob: images) and downloads byte for byte.
    await card.getByRole("button", { name: /^View Passport/ }).click();
    const img = card.locator('img[data-role="preview"]');
    await img.waitFor({ timeout: 5000 });
    await until(() => img.evaluate((el) => el.complete && el.naturalWidth === 1), 3000, "the preview to decode");
    const [download] = await Promise.all([admin.waitForEvent("download"), card.locator('[data-role="download"]').click()]);
    const chunks = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk);
    assert.ok(Buffer.concat(chunks).equals(PNG), "the operator gets the bytes the trader sent");
    await t.shot(admin, "admin-kyc");

    await card.getByRole("button", { name: "Approve identity of " + TRADER.email }).click();
    await admin.locator(".notice", { hasText: `${TRADER.email} verified` }).waitFor({ timeout: 5000 });
    await until(async () => (await admin.locator("article[data-case]", { hasText: TRADER.email }).count()) === 0, 5000, "the case to leave the queue");
    // The trader's page re-reads an open case every 10 s.
    const status = state.trader.locator('#identity [data-role="kyc-status"]');
    await until(async () => (await status.getAttribute("data-status")) === "verified", 15_000, "the trader to see 'verified'");
    assert.equal(await withdrawForm(state.trader).locator('[data-role="kyc-needed"]').isVisible(), false);
  }],

  ["a withdrawal below the approval threshold is paid at once", async (t) => {
    const page = state.trader;
    const before = await available(page);
    const id = await withdraw(page, "50.00");
    await until(async () => (await rowStatus(page, "withdrawal", id)) === "succeeded", 5000, "the withdrawal to be paid");
    await until(async () => (await available(page)) === before - 5000, 5000, "available down by exactly 50.00");
    assert.equal(await pendingWithdrawal(page), 0);
    await page.locator(".notice", { hasText: /Withdrawal paid\$50\.00/ }).waitFor({ timeout: 3000 });
  }],

  ["a withdrawal awaiting approval can be cancelled, and its amount comes back", async (t) => {
    const page = state.trader;
    const before = await available(page);
    const id = await withdraw(page, "120.00");
    assert.equal(await rowStatus(page, "withdrawal", id), "pending_approval");
    await until(async () => (await pendingWithdrawal(page)) === 12_000 && (await available(page)) === before - 12_000, 5000, "120.00 held");
    await page.getByRole("button", { name: "Cancel withdrawal of $120.00" }).click();
    await until(async () => (await rowStatus(page, "withdrawal", id)) === "cancelled", 5000, "the withdrawal to be cancelled");
    await until(async () => (await available(page)) === before && (await pendingWithdrawal(page)) === 0, 5000, "the 120.00 back");
  }],

  ["a larger withdrawal waits for an operator; approved in the console, the trader sees it paid live", async (t) => {
    const page = state.trader;
    const admin = state.admin;
    await admin.getByRole("tab", { name: "Payments" }).click();
    await admin.getByRole("region", { name: "Withdrawals" }).locator('[data-role="empty"]').waitFor({ timeout: 5000 });
    const before = await available(page);
    const id = await withdraw(page, "150.00");
    assert.equal(await rowStatus(page, "withdrawal", id), "pending_approval");
    await until(async () => (await pendingWithdrawal(page)) === 15_000, 5000, "the pending 150.00 shown");
    assert.equal(await available(page), before - 15_000);
    await page.locator(".notice", { hasText: /Withdrawal requested\$150\.00/ }).waitFor({ timeout: 3000 });
    await t.shot(page, "withdrawal-pending");
    // The console's queue shows it without a reload (the stream's operator hint).
    const row = admin.locator(`tr[data-withdrawal="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    assert.match(await row.textContent(), new RegExp(`${TRADER.email.replace(".", "\\.")}.*\\$150\\.00.*sandbox`));
    await t.shot(admin, "admin-withdrawal-queue");
    await admin.getByRole("button", { name: `Approve withdrawal ${id}` }).click();
    await admin.locator(".notice", { hasText: "Withdrawal of $150.00 approved" }).waitFor({ timeout: 5000 });
    // The trader's page updates from the stream alone.
    await until(async () => (await rowStatus(page, "withdrawal", id)) === "succeeded", 5000, "the trader to see it paid");
    await page.locator(".notice", { hasText: /Withdrawal paid\$150\.00/ }).waitFor({ timeout: 3000 });
    await until(async () => (await pendingWithdrawal(page)) === 0, 5000, "nothing pending any more");
    assert.equal(await available(page), before - 15_000);
    // 250.00 in, 13.13 declined, 50.00 and 150.00 out, 120.00 cancelled: 50.00 up in all, to the cent.
    const wallet = (await api(page, t.url, "/api/v1/wallet")).balances[0];
    assert.equal(wallet.available, ((state.start + 5_000) / 100).toFixed(2));
    assert.equal(wallet.pending_withdrawal, "0.00");
    await t.shot(page, "withdrawal-paid");
  }],

  ["an operator rejects a withdrawal with a reason; the trader sees why and gets the amount back", async (t) => {
    const page = state.trader;
    const admin = state.admin;
    const before = await available(page);
    const id = await withdraw(page, "130.00");
    await admin.locator(`tr[data-withdrawal="${id}"]`).waitFor({ timeout: 5000 });
    await admin.getByRole("button", { name: `Reject withdrawal ${id}` }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByRole("button", { name: "Reject" }).click();
    await until(async () => /reason/i.test(await dialog.locator('[data-error="reason"]').textContent()), 2000, "a reason required");
    await dialog.getByLabel(/Reason/).fill("Use the bank account in your own name");
    await dialog.getByRole("button", { name: "Reject" }).click();
    await admin.locator(".notice", { hasText: "Withdrawal of $130.00 rejected" }).waitFor({ timeout: 5000 });
    await until(async () => (await rowStatus(page, "withdrawal", id)) === "rejected", 5000, "the trader to see it rejected");
    assert.match(await page.locator(`tr[data-withdrawal="${id}"]`).textContent(), /Use the bank account in your own name/);
    await until(async () => (await available(page)) === before && (await pendingWithdrawal(page)) === 0, 5000, "the 130.00 back");
  }],

  ["the ledger verifies after all of it", async (t) => {
    const r = await t.cli(["ledger", "verify"]);
    assert.equal(r.code, 0, `bourse ledger verify failed:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /ledger verify: OK/);
  }],
];
