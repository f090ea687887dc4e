// Backtests: the builder's settings form, plus the candles to run on — the
// market's own history over a date range, or a CSV file read here in the
// browser — and the results: P&L, fees, maximum drawdown, the deals and the
// equity curve.
import { ApiClient } from "../shared/api";
import {
  BACKTEST_INTERVALS, BACKTEST_RESULT, checkCandlesCsv, checkRange, dealCell, dealColumns, equitySeries, facts, humanize,
  localInputValue, MAX_CSV_BYTES, signTone,
} from "../shared/bots";
import { h, mount } from "../shared/dom";
import { currencyDecimals, formatBytes, formatSignedMoney } from "../shared/format";
import type { BacktestReply, Market } from "../shared/types";
import { factList } from "./botBuilder";
import { BotForm } from "./botForm";
import { EquityChart } from "./equityChart";

const DAY_MS = 24 * 3600 * 1000;

export class BacktestView {
  private readonly form: BotForm;
  private readonly run: HTMLButtonElement;
  private readonly results = h("section", { class: "panel", "aria-label": "Backtest results", "data-role": "backtest-results", hidden: true });
  private readonly equityRoot = h("div");
  private readonly equity = new EquityChart(this.equityRoot, "Backtest equity");
  private readonly range: HTMLElement;
  private readonly file: HTMLElement;
  private rendered = false;
  private seq = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    markets: () => Market[],
    private readonly selected: () => string,
  ) {
    const now = Date.now();
    this.range = h("div", { class: "bot-fields" },
      h("div", { class: "field" }, h("label", {}, "From", h("input", { type: "datetime-local", name: "from", value: localInputValue(now - DAY_MS) })),
        h("div", { class: "error", "data-error": "from" })),
      h("div", { class: "field" }, h("label", {}, "To", h("input", { type: "datetime-local", name: "to", value: localInputValue(now) })),
        h("div", { class: "error", "data-error": "to" })));
    this.file = h("div", { class: "field", hidden: true },
      h("label", {}, "Candles (CSV)", h("input", { type: "file", name: "csv", accept: ".csv,text/csv,text/plain", "aria-describedby": "backtest-csv-help" })),
      h("small", { class: "muted", id: "backtest-csv-help" }, `ts,open,high,low,close — one candle a line, ts in seconds or milliseconds since 1970; at most ${formatBytes(MAX_CSV_BYTES)}`),
      h("div", { class: "error", "data-error": "csv" }));
    const source = (value: string, label: string, checked: boolean) =>
      h("label", { class: "check" }, h("input", { type: "radio", name: "source", value, checked, onchange: () => this.showSource() }), label);
    this.run = h("button", { type: "submit", class: "primary", "data-action": "backtest" }, "Run backtest") as HTMLButtonElement;
    this.form = new BotForm({
      label: "Backtest settings", idPrefix: "backtest", markets, actions: [this.run], onChange: () => {},
      extra: [h("fieldset", { class: "bot-params" }, h("legend", {}, "Candles"),
        h("div", { class: "bot-fields" },
          h("div", { class: "field" }, h("label", {}, "Interval", h("select", { name: "interval" },
            ...BACKTEST_INTERVALS.map(([s, label]) => h("option", { value: s, selected: s === 60 }, label)))),
            h("div", { class: "error", "data-error": "interval" })),
          h("div", { class: "field", role: "radiogroup", "aria-label": "Prices" },
            source("range", "This market's history", true), source("csv", "A CSV file", false))),
        this.range, this.file)],
    });
    this.form.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.start();
    });
  }

  show(): void {
    if (!this.rendered) {
      this.rendered = true;
      mount(this.root, h("div", { class: "backtest" },
        h("section", { class: "panel bot-form-panel", "aria-label": "Backtest" }, h("h2", {}, "Backtest"),
          h("p", { class: "muted" }, "Runs the bot's own engine over past candles with paper fills (fees and slippage included). Nothing is traded."),
          this.form.form),
        this.results));
    }
    this.form.setMarkets(this.selected());
  }

  private showSource(): void {
    const csv = this.form.form.querySelector<HTMLInputElement>('input[name="source"][value="csv"]')?.checked ?? false;
    this.range.hidden = csv;
    this.file.hidden = !csv;
  }

  /** The candles part of the request, or the field that is wrong. */
  private async candles(): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; field: string; error: string }> {
    const form = this.form.form;
    const value = (name: string) => form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? "";
    const interval = Number(value("interval"));
    if (!this.file.hidden) {
      const f = form.querySelector<HTMLInputElement>('input[name="csv"]')?.files?.[0];
      if (!f) return { ok: false, field: "csv", error: "Choose a CSV file of candles" };
      if (f.size > MAX_CSV_BYTES) return { ok: false, field: "csv", error: `The file is ${formatBytes(f.size)}; at most ${formatBytes(MAX_CSV_BYTES)}` };
      const check = checkCandlesCsv(await f.text());
      if (!check.ok) return { ok: false, field: "csv", error: check.error };
      if (check.csv.length > MAX_CSV_BYTES) return { ok: false, field: "csv", error: `Too many candles for one test (at most ${formatBytes(MAX_CSV_BYTES)} of CSV)` };
      return { ok: true, body: { interval, csv: check.csv } };
    }
    const range = checkRange(value("from"), value("to"), Date.now());
    if (!range.ok) return range;
    return { ok: true, body: { interval, from: range.from, to: range.to } };
  }

  private async start(): Promise<void> {
    const read = this.form.read();
    if (!read.ok) return this.form.showErrors(read.errors, true);
    const candles = await this.candles();
    if (!candles.ok) return this.form.showErrors([{ field: candles.field, error: candles.error }], true);
    this.form.showErrors([], false);
    const seq = ++this.seq;
    this.run.disabled = true;
    this.run.textContent = "Running…";
    this.results.setAttribute("aria-busy", "true");
    try {
      const reply = await this.api.post<BacktestReply>("/api/v1/bots/backtest",
        { product: read.product, symbol: read.market.symbol, params: read.params, ...candles.body });
      if (seq === this.seq) this.render(reply, read.currency);
    } catch (e) {
      if (seq === this.seq) this.form.showProblem(e, true);
    } finally {
      if (seq === this.seq) {
        this.run.disabled = false;
        this.run.textContent = "Run backtest";
        this.results.removeAttribute("aria-busy");
      }
    }
  }

  private render(r: BacktestReply, currency: string): void {
    const deals = Array.isArray(r.deals) ? r.deals.filter((d) => d && typeof d === "object") : [];
    const columns = dealColumns(deals);
    this.results.hidden = false;
    mount(this.results,
      h("h2", {}, "Results"),
      h("div", { class: "stats" },
        h("div", { class: "stat" }, h("div", { class: "label" }, "P&L"),
          h("div", { class: `value ${signTone(r.pnl)}`, "data-role": "backtest-pnl" }, r.pnl ? formatSignedMoney(r.pnl, currency) : "—"))),
      factList(facts(r, BACKTEST_RESULT, currency), "backtest-facts"),
      h("h3", { class: "pay-title" }, "Equity"), this.equityRoot,
      h("h3", { class: "pay-title" }, `Deals (${deals.length})`),
      deals.length
        ? h("div", { class: "table-wrap" }, h("table", { "data-role": "deals" },
          h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", {}, humanize(c))))),
          h("tbody", {}, ...deals.map((d) => h("tr", {}, ...columns.map((c) => h("td", {}, dealCell(c, d[c], currency))))))))
        : h("p", { class: "muted" }, "No deals in this period."));
    this.equity.show(equitySeries(Array.isArray(r.equity) ? r.equity : []), currencyDecimals(currency));
    this.results.scrollIntoView({ behavior: "smooth", block: "start" });
  }
}
