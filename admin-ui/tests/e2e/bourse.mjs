// Starts a real `bourse` for the browser tests: a fresh data dir, the built
// admin-ui as its static files, OTC prices ticking fast and short trades,
// payments through the sandbox gateway and manual KYC as in config/bourse.yaml.
import { execFile, spawn } from "node:child_process";
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
  - id: sandbox
    library: bourse-plugin-sandbox
    withdraw_via: payout
    config: { currencies: [USD], decline_amounts: [1313] }
  - id: manual
    library: bourse-plugin-kyc-manual
    config: {}
# Payments and KYC as in config/bourse.yaml, except two velocity rules: a second
# deposit within an hour raises a flag (so the console has one to resolve), and
# withdrawing soon after a deposit does not (else no withdrawal right after a
# deposit could be approved automatically).
payments:
  limits:
    USD: { min_deposit: "10.00", max_deposit: "10000.00", daily_deposit: "20000.00", min_withdrawal: "10.00",
           max_withdrawal: "5000.00", daily_withdrawal: "10000.00", auto_approve_below: "100.00" }
  velocity: { deposits_per_hour: 1, withdrawals_per_day: 3, withdraw_within_minutes_of_deposit: 0 }
kyc:
  provider: manual
  required_for: [withdrawals]
  max_document_bytes: 5242880
  max_documents: 6
  document_types: [passport, national_id, driving_licence, proof_of_address, selfie]
`);
  const server = await startProcess(resolve(buildDir, "bin/bourse"), ["serve", "--config", config],
    { BOURSE_ADMIN_EMAIL: OPERATOR.email, BOURSE_ADMIN_PASSWORD: OPERATOR.password }, /listening on (http:\/\/[^/\s]+)\//);
  return {
    url: server.url,
    logs: server.logs,
    /** Runs `bourse <args> --config <this server's config>`: { code, stdout, stderr }. */
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

/**
 * Starts a program and waits until its stdout matches `ready` (group 1: its URL).
 * Returns { url, logs(), stop() }; stop() sends SIGTERM and waits.
 */
export async function startProcess(program, args, env, ready) {
  const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let logs = "";
  child.stderr.on("data", (d) => (logs += d));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${program} did not start within 15 s\n${logs}`)), 15_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`${program} exited (${code})\n${logs}`)));
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  return {
    url,
    logs: () => logs,
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      await new Promise((ok) => child.once("exit", ok));
    },
  };
}

/** The fakes of outside services (build/bin/fake-*), on `port` (0: any free one). */
export function startFake(buildDir, name, port = 0) {
  return startProcess(resolve(buildDir, `bin/fake-${name}`), ["--port", String(port)], {}, /REST (http:\/\/127\.0\.0\.1:\d+)/);
}

/**
 * The shipped config/fakes.example.yaml on a fresh data dir, against fake
 * Binance and fake Twelve Data. stopBinance() ends the fake Binance (its stream
 * dies with it); startBinance() brings it back on the same port. `env` is added
 * to bourse's environment (BOURSE_SECRETS_KEY for live bots); binanceUrl is the
 * fake's REST URL (its /_fake/... controls).
 */
export async function startFakesProfile({ buildDir, sourceDir, env = {} }) {
  const dataDir = mkdtempSync(join(tmpdir(), "bourse-e2e-fakes-"));
  let binance = await startFake(buildDir, "binance");
  const twelve = await startFake(buildDir, "twelvedata");
  const binancePort = new URL(binance.url).port;
  const server = await startProcess(resolve(buildDir, "bin/bourse"), ["serve", "--config", resolve(sourceDir, "config/fakes.example.yaml")], {
    BOURSE_DATA_DIR: dataDir, BOURSE_PORT: "0", FAKE_BINANCE_PORT: binancePort, FAKE_TWELVEDATA_PORT: new URL(twelve.url).port,
    BOURSE_ADMIN_EMAIL: OPERATOR.email, BOURSE_ADMIN_PASSWORD: OPERATOR.password, ...env,
  }, /listening on (http:\/\/[^/\s]+)\//);
  return {
    url: server.url,
    binanceUrl: binance.url,
    logs: server.logs,
    async stopBinance() { await binance.stop(); },
    async startBinance() { binance = await startFake(buildDir, "binance", binancePort); },
    async stop() {
      await server.stop();
      await binance.stop();
      await twelve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The fake Razorpay's default credentials (tests/fakes/razorpay/FakeRazorpay.h). */
export const FAKE_RAZORPAY = { keyId: "rzp_test_FakeKey0000001", keySecret: "fake_key_secret_0001", webhookSecret: "fake_webhook_secret" };

/**
 * A bourse whose only gateway is Razorpay, pointed at a fake-razorpay process:
 * its API, its stand-in Checkout script (/_fake/checkout.js) and that origin in
 * the pages' CSP; rupee limits. The fake sends no webhooks (it has nowhere to
 * send them), so only the browser's confirmation completes a deposit.
 * Returns { url, fakeUrl, logs(), stop() }.
 */
export async function startRazorpayProfile({ buildDir, sourceDir }) {
  const dataDir = mkdtempSync(join(tmpdir(), "bourse-e2e-razorpay-"));
  const fake = await startProcess(resolve(buildDir, "bin/fake-razorpay"), ["--port", "0"], {}, /API (http:\/\/127\.0\.0\.1:\d+)/);
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
      tick_interval_ms: 250
      instruments:
        - { symbol: OTC_EUR_USD, name: "EUR/USD (OTC)", base_price: "1.08000", price_scale: 5, volatility: HIGH, bias: 0 }
  - id: binary-options
    library: bourse-plugin-binary-options
    config:
      defaults: { durations: [5, 60], payout_percent: "80", min_stake: "1.00", max_stake: "1000.00" }
  - id: razorpay
    library: bourse-plugin-razorpay
    withdraw_via: payout
    checkout_origins: [${fake.url}]
    secrets: { key_secret: ${FAKE_RAZORPAY.keySecret}, webhook_secret: ${FAKE_RAZORPAY.webhookSecret} }
    config:
      api_url: ${fake.url}
      key_id: ${FAKE_RAZORPAY.keyId}
      checkout_script_url: ${fake.url}/_fake/checkout.js
      currencies: [INR]
payments:
  limits:
    INR: { min_deposit: "100.00", max_deposit: "100000.00", daily_deposit: "200000.00", min_withdrawal: "100.00",
           max_withdrawal: "50000.00", daily_withdrawal: "100000.00" }
`);
  let server;
  try {
    server = await startProcess(resolve(buildDir, "bin/bourse"), ["serve", "--config", config],
      { BOURSE_ADMIN_EMAIL: OPERATOR.email, BOURSE_ADMIN_PASSWORD: OPERATOR.password }, /listening on (http:\/\/[^/\s]+)\//);
  } catch (e) {
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: server.url,
    fakeUrl: fake.url,
    logs: () => server.logs() + fake.logs(),
    async stop() {
      await server.stop();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
