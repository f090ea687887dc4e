// Shared by the browser test runs: Debian's chromium driven by playwright-core,
// pages that record console errors and any request leaving the server.
import { chromium } from "playwright-core";

/** Polls check() until it is truthy or timeoutMs passes (then throws naming `what`). */
export async function until(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ""}`);
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * A headless chromium for the app at `serverUrl`. `allowedOrigins` (e.g. a fake
 * payment gateway's http://127.0.0.1:PORT) may be requested too; any other
 * request leaving the server fails hygiene().
 */
export async function launch(serverUrl, { allowedOrigins = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.BOURSE_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-default-apps", "--no-first-run", "--disable-features=Translate,OptimizationHints,MediaRouter"],
  });
  const consoleErrors = [];
  const outside = [];
  async function newPage(viewport = { width: 1366, height: 900 }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on("console", (m) => {
      // Chromium logs every 4xx fetch as "Failed to load resource"; the scenarios
      // provoke some on purpose and check the app shows them. Anything else counts.
      if (m.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
        consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    // Local: the server itself, its stream, data: URLs and blob: URLs the page made from what it fetched there.
    const local = (url) => url.startsWith(serverUrl) || url.startsWith("ws://127.0.0.1") || url.startsWith("data:") ||
      url.startsWith("blob:" + new URL(serverUrl).origin + "/") || allowedOrigins.includes(originOf(url));
    page.on("request", (r) => { if (!local(r.url())) outside.push(r.url()); });
    page.on("dialog", (d) => void d.accept());
    return page;
  }
  const where = ["the server", ...allowedOrigins].join(" and ");
  /** The checks every run ends with; returns how many failed. */
  function hygiene() {
    let failed = 0;
    if (consoleErrors.length) {
      failed++;
      console.log(`FAIL no browser console errors:\n  ${consoleErrors.join("\n  ")}`);
    } else console.log("ok   no browser console errors");
    if (outside.length) {
      failed++;
      console.log(`FAIL no request outside ${where}:\n  ${outside.join("\n  ")}`);
    } else console.log(`ok   no request outside ${where}`);
    return failed;
  }
  return { browser, newPage, hygiene };
}

/** Runs [name, fn] scenarios in order with `arg`, printing ok/FAIL; returns how many failed. */
export async function runScenarios(scenarios, arg) {
  let failed = 0;
  for (const [name, run] of scenarios) {
    const started = Date.now();
    try {
      await run(arg);
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.stack ?? e}`);
    }
  }
  return failed;
}

/** Opens the dashboard at `url`, creates the account {name, email, password} and waits until it is signed in and live. */
export async function signUp(page, url, { name, email, password }) {
  await page.goto(url + "/");
  await page.getByRole("button", { name: "New here? Create an account" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.locator('#connection[data-status="online"]').waitFor({ timeout: 10_000 });
}
