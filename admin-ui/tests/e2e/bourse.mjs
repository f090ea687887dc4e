// Starts a real `bourse` for the browser tests: a fresh data dir, the built
// admin-ui as its static files, OTC prices ticking fast and short trades.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const OPERATOR = { email: "ops@bourse.test", password: "Operator-Pass-2026" };

export async function startBourse({ buildDir, sourceDir }) {
  const dataDir = mkdtempSync(join(tmpdir(), "bourse-e2e-"));
  const config = join(dataDir, "bourse.yaml");
  writeFileSync(config, `
data_dir: ${dataDir}
server: { host: 127.0.0.1, port: 0, static_dir: ${resolve(sourceDir, "admin-ui/dist")} }
storage: { driver: sqlite }
security: { argon2_memory_kib: 4096, argon2_iterations: 1 }
trading: { settle_interval_ms: 50 }
logging: { level: warn }
plugin_dirs: [${resolve(buildDir, "lib/bourse/plugins")}]
plugins:
  - id: otc
    library: bourse-plugin-otc
    config:
      seed: 7
      tick_interval_ms: 100
      instruments:
        - { symbol: OTC_EUR_USD, name: "EUR/USD (OTC)", base_price: "1.08000", price_scale: 5, volatility: HIGH, bias: 0 }
        - { symbol: OTC_GOLD, name: "Gold (OTC)", base_price: "2350.00", price_scale: 2, volatility: MEDIUM, bias: 0 }
  - id: binary-options
    library: bourse-plugin-binary-options
    config:
      defaults: { durations: [5, 10, 60], payout_percent: "80", min_stake: "1.00", max_stake: "50000.00", max_trades_per_minute: 100 }
`);
  const child = spawn(resolve(buildDir, "bin/bourse"), ["serve", "--config", config], {
    env: { ...process.env, BOURSE_ADMIN_EMAIL: OPERATOR.email, BOURSE_ADMIN_PASSWORD: OPERATOR.password },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let logs = "";
  child.stderr.on("data", (d) => (logs += d));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("bourse did not start within 15 s\n" + logs)), 15_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`bourse exited (${code})\n${logs}`)));
  });
  return {
    url,
    logs: () => logs,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((ok) => child.once("exit", ok));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
