// Browser tests: Debian's chromium driven by playwright-core against a real
// bourse. Scenarios run in order on one server (they build on each other):
//   trader registers, sees ticks move the chart, places an UP trade, sees the
//   countdown and the result, and the balance change by the right amount;
//   a stake above the balance shows the API's message; an operator closes a
//   market and the trader sees it closed; an operator reloads the OTC plugin
//   while the trader's chart keeps updating; the trader deposits through the
//   sandbox, is refused a withdrawal until an operator approves their identity
//   documents, withdraws (paid at once below the approval threshold, after an
//   operator's approval above it, cancelled, rejected), and the ledger still
//   verifies. Screenshots of the main screens
//   go to $BOURSE_E2E_ARTIFACTS (default <build>/e2e-artifacts).
//
//   node tests/e2e/run.mjs            (BOURSE_BUILD_DIR / BOURSE_SOURCE_DIR from CTest)
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, runScenarios } from "./browser.mjs";
import { OPERATOR, startBourse } from "./bourse.mjs";
import { scenarios } from "./scenarios.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.BOURSE_SOURCE_DIR ?? resolve(here, "../../..");
const buildDir = process.env.BOURSE_BUILD_DIR ?? resolve(sourceDir, "build");
const artifacts = process.env.BOURSE_E2E_ARTIFACTS ?? join(buildDir, "e2e-artifacts");
mkdirSync(artifacts, { recursive: true });

const server = await startBourse({ buildDir, sourceDir });
const { browser, newPage, hygiene } = await launch(server.url);

let failures = 0;
const ctx = { url: server.url, operator: OPERATOR, newPage, cli: server.cli, shot: (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }) };
try {
  failures += await runScenarios(scenarios, ctx);
  failures += hygiene();
} finally {
  await browser.close();
  if (failures) console.log("server log:\n" + server.logs().slice(-3000));
  await server.stop();
}
console.log(`screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
