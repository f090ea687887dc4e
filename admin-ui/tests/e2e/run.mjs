// Browser tests: Debian's chromium driven by playwright-core against a real
// bourse. Scenarios run in order on one server (they build on each other):
//   trader registers, sees ticks move the chart, places an UP trade, sees the
//   countdown and the result, and the balance change by the right amount;
//   a stake above the balance shows the API's message; an operator closes a
//   market and the trader sees it closed; an operator reloads the OTC plugin
//   while the trader's chart keeps updating. Screenshots of the main screens
//   go to $BOURSE_E2E_ARTIFACTS (default <build>/e2e-artifacts).
//
//   node tests/e2e/run.mjs            (BOURSE_BUILD_DIR / BOURSE_SOURCE_DIR from CTest)
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { OPERATOR, startBourse } from "./bourse.mjs";
import { scenarios } from "./scenarios.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.BOURSE_SOURCE_DIR ?? resolve(here, "../../..");
const buildDir = process.env.BOURSE_BUILD_DIR ?? resolve(sourceDir, "build");
const artifacts = process.env.BOURSE_E2E_ARTIFACTS ?? join(buildDir, "e2e-artifacts");
mkdirSync(artifacts, { recursive: true });

const server = await startBourse({ buildDir, sourceDir });
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
  page.on("request", (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith("ws://127.0.0.1") && !r.url().startsWith("data:")) outside.push(r.url()); });
  page.on("dialog", (d) => void d.accept());
  return page;
}

let failures = 0;
const ctx = { url: server.url, operator: OPERATOR, newPage, shot: (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }) };
try {
  for (const [name, run] of scenarios) {
    const started = Date.now();
    try {
      await run(ctx);
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failures++;
      console.log(`FAIL ${name}: ${e.stack ?? e}`);
    }
  }
  if (consoleErrors.length) {
    failures++;
    console.log(`FAIL no browser console errors:\n  ${consoleErrors.join("\n  ")}`);
  } else console.log("ok   no browser console errors");
  if (outside.length) {
    failures++;
    console.log(`FAIL no request outside the server:\n  ${outside.join("\n  ")}`);
  } else console.log("ok   no request outside the server");
} finally {
  await browser.close();
  if (failures) console.log("server log:\n" + server.logs().slice(-3000));
  await server.stop();
}
console.log(`screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
