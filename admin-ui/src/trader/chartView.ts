// The live candlestick chart: history from the candles API, then every
// candle update from the stream; a dashed line at the entry of each open trade.
import { CandlestickSeries, ColorType, LineStyle, createChart } from "lightweight-charts";
import type { IChartApi, IPriceLine, ISeriesApi, UTCTimestamp } from "lightweight-charts";
import { ApiClient } from "../shared/api";
import { h, mount } from "../shared/dom";
import { formatPrice } from "../shared/format";
import type { Candle, Market, Trade } from "../shared/types";

export const INTERVALS = ["1s", "1m", "5m", "1h"] as const;
export type Interval = (typeof INTERVALS)[number];

export class ChartView {
  private chart: IChartApi | null = null;
  private series: ISeriesApi<"Candlestick"> | null = null;
  private readonly lines = new Map<string, IPriceLine>();
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
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "#161b22" }, textColor: "#8b949e", attributionLogo: false },
      grid: { vertLines: { color: "#21262d" }, horzLines: { color: "#21262d" } },
      timeScale: { timeVisible: true, secondsVisible: this.interval === "1s", borderColor: "#2d333b" },
      rightPriceScale: { borderColor: "#2d333b" },
      localization: { priceFormatter: (p: number) => p.toFixed(market.price_scale) },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: "#26a269", downColor: "#e5484d", borderVisible: false, wickUpColor: "#26a269", wickDownColor: "#e5484d",
      priceFormat: { type: "price", precision: market.price_scale, minMove: 10 ** -market.price_scale },
    });
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
