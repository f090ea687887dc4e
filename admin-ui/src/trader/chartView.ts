// The live candlestick chart: history from the candles API, then every
// candle update from the stream; a dashed line at the entry of each open trade,
// and named groups of horizontal price lines (a bot's ladder or grid) that the
// price scale widens to show.
import { CandlestickSeries, ColorType, LineStyle, createChart } from "lightweight-charts";
import type { AutoscaleInfo, ChartOptions, DeepPartial, IChartApi, IPriceLine, ISeriesApi, UTCTimestamp } from "lightweight-charts";
import { ApiClient } from "../shared/api";
import { h, mount } from "../shared/dom";
import { formatPrice } from "../shared/format";
import type { Candle, Market, Trade } from "../shared/types";

export const INTERVALS = ["1s", "1m", "5m", "1h"] as const;
export type Interval = (typeof INTERVALS)[number];

/** The app's chart look (the candles here, equity curves in equityChart.ts). */
export const CHART_THEME: DeepPartial<ChartOptions> = {
  autoSize: true,
  layout: { background: { type: ColorType.Solid, color: "#161b22" }, textColor: "#8b949e", attributionLogo: false },
  grid: { vertLines: { color: "#21262d" }, horzLines: { color: "#21262d" } },
  rightPriceScale: { borderColor: "#2d333b" },
};

/** A horizontal line at a price; `tone` picks its colour and dash. */
export interface PriceLineSpec {
  /** decimal text; drawn as a float (display only) */
  price: string;
  /** the label on the price axis */
  title: string;
  tone: "buy" | "sell" | "level" | "target" | "stop";
}

const TONES: Record<PriceLineSpec["tone"], { color: string; lineStyle: LineStyle }> = {
  buy: { color: "#26a269", lineStyle: LineStyle.Solid },
  sell: { color: "#e5484d", lineStyle: LineStyle.Solid },
  level: { color: "#8b949e", lineStyle: LineStyle.Dotted },
  target: { color: "#3584e4", lineStyle: LineStyle.Dashed },
  stop: { color: "#d29922", lineStyle: LineStyle.Dashed },
};

export class ChartView {
  private chart: IChartApi | null = null;
  private series: ISeriesApi<"Candlestick"> | null = null;
  private readonly lines = new Map<string, IPriceLine>();
  /** price-line groups by name: what was asked for (kept across show()) and what is drawn */
  private readonly groups = new Map<string, { specs: PriceLineSpec[]; drawn: IPriceLine[] }>();
  private market: Market | null = null;
  private lastPrice: HTMLElement;
  private canvasHost: HTMLElement;
  private bars = 0;
  private loadSeq = 0;
  interval: Interval = "1m";  // a day of history from the first start (1s builds from live ticks only)

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly onInterval: (interval: Interval) => void,
  ) {
    this.lastPrice = h("span", { class: "last price", "aria-live": "off" });
    this.canvasHost = h("div", { class: "chart", role: "img", "aria-label": "Price chart" });
  }

  async show(market: Market): Promise<void> {
    this.market = market;
    const seg = h("div", { class: "seg", role: "group", "aria-label": "Timeframe" },
      ...INTERVALS.map((i) => h("button", { type: "button", "aria-pressed": i === this.interval ? "true" : "false", onclick: () => this.onInterval(i) }, i)));
    mount(this.root, h("div", { class: "chart-head" }, h("span", { class: "title" }, market.name), this.lastPrice, seg), this.canvasHost);
    this.lastPrice.textContent = market.last_price ? formatPrice(market.last_price, market.price_scale) : "";
    this.chart?.remove();
    this.lines.clear();
    this.chart = createChart(this.canvasHost, {
      ...CHART_THEME,
      timeScale: { timeVisible: true, secondsVisible: this.interval === "1s", borderColor: "#2d333b" },
      localization: { priceFormatter: (p: number) => p.toFixed(market.price_scale) },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: "#26a269", downColor: "#e5484d", borderVisible: false, wickUpColor: "#26a269", wickDownColor: "#e5484d",
      priceFormat: { type: "price", precision: market.price_scale, minMove: 10 ** -market.price_scale },
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => this.withGroupLines(original()),
    });
    for (const group of this.groups.values()) group.drawn = [];
    this.drawGroups();
    const seq = ++this.loadSeq;
    const reply = await this.api.get<{ candles: Candle[] }>(`/api/v1/markets/${encodeURIComponent(market.symbol)}/candles?interval=${this.interval}&limit=300`);
    if (seq !== this.loadSeq || !this.series) return;  // another market or timeframe was chosen meanwhile
    this.series.setData(reply.candles.map(toBar));
    this.bars = reply.candles.length;
    this.mark(reply.candles.at(-1)?.close ?? "");
  }

  /** A candle update from the stream (for the shown symbol and interval). */
  candle(c: Candle): void {
    if (!this.series) return;
    const bar = toBar(c);
    try {
      this.series.update(bar);
    } catch {
      return;  // older than the last bar: ignore
    }
    this.bars = Math.max(this.bars, 1);
    this.mark(c.close);
  }

  tick(price: string): void {
    if (this.market) this.lastPrice.textContent = formatPrice(price, this.market.price_scale);
  }

  /** Entry lines for the open trades on the shown symbol. */
  entries(trades: Trade[]): void {
    if (!this.series || !this.market) return;
    const keep = new Set(trades.filter((t) => t.symbol === this.market?.symbol && t.status === "OPEN").map((t) => t.id));
    for (const [id, line] of this.lines) {
      if (!keep.has(id)) {
        this.series.removePriceLine(line);
        this.lines.delete(id);
      }
    }
    for (const t of trades) {
      if (!keep.has(t.id) || this.lines.has(t.id)) continue;
      this.lines.set(t.id, this.series.createPriceLine({
        price: Number(t.entry_price), color: t.direction === "UP" ? "#26a269" : "#e5484d", lineWidth: 1,
        lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: `${t.direction} ${t.stake}`,
      }));
    }
    this.canvasHost.dataset.entryLines = String(this.lines.size);
  }

  /** The symbol shown ("" before the first show()). */
  get symbol(): string {
    return this.market?.symbol ?? "";
  }

  /**
   * Replaces the price lines of `group` (another group's lines stay) with
   * `specs`; an empty list removes the group. Groups outlive show(): a new
   * symbol or timeframe redraws them until they are replaced. The price scale
   * widens so every line is in view. `data-price-lines` on the chart counts
   * the lines of all groups.
   */
  priceLines(group: string, specs: PriceLineSpec[]): void {
    const old = this.groups.get(group);
    if (old && this.series) for (const line of old.drawn) this.series.removePriceLine(line);
    if (specs.length) this.groups.set(group, { specs: specs.filter((s) => Number.isFinite(Number(s.price))), drawn: [] });
    else this.groups.delete(group);
    this.drawGroups();
  }

  private drawGroups(): void {
    let count = 0;
    for (const group of this.groups.values()) {
      if (this.series && !group.drawn.length) {
        const series = this.series;
        group.drawn = group.specs.map((s) => series.createPriceLine({
          price: Number(s.price), ...TONES[s.tone], lineWidth: 1, axisLabelVisible: true, title: s.title,
        }));
      }
      count += group.specs.length;
    }
    this.canvasHost.dataset.priceLines = String(count);
    // The autoscale provider reads the groups: make the chart ask it again.
    this.chart?.priceScale("right").applyOptions({ autoScale: true });
  }

  /** The candles' price range widened to include every group's lines. */
  private withGroupLines(info: AutoscaleInfo | null): AutoscaleInfo | null {
    const prices = [...this.groups.values()].flatMap((g) => g.specs.map((s) => Number(s.price)));
    if (!prices.length) return info;
    const lo = Math.min(...prices);
    const hi = Math.max(...prices);
    const range = info?.priceRange;
    return { ...info, priceRange: range ? { minValue: Math.min(range.minValue, lo), maxValue: Math.max(range.maxValue, hi) } : { minValue: lo, maxValue: hi } };
  }

  /** For tests and assistive tech: what the chart shows last. */
  private mark(close: string): void {
    this.canvasHost.dataset.chartSymbol = this.market?.symbol ?? "";
    this.canvasHost.dataset.lastClose = close;
    this.canvasHost.dataset.bars = String(this.bars);
    if (this.market && close) this.canvasHost.setAttribute("aria-label", `${this.market.name} ${this.interval} candles, last ${formatPrice(close, this.market.price_scale)}`);
  }
}

function toBar(c: Candle) {
  // The chart draws with floats; money and settlement never do.
  return { time: Math.floor(c.open_time / 1000) as UTCTimestamp, open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close) };
}
