// An equity curve (a bot's, or a backtest's) as a line on the app's chart
// look. The points come from shared/bots.ts equitySeries().
import { AreaSeries, createChart } from "lightweight-charts";
import type { IChartApi, UTCTimestamp } from "lightweight-charts";
import { h, mount } from "../shared/dom";
import type { EquityPoint } from "../shared/bots";
import { CHART_THEME } from "./chartView";

export class EquityChart {
  private chart: IChartApi | null = null;
  private readonly canvasHost: HTMLElement;

  constructor(private readonly root: HTMLElement, label: string) {
    this.canvasHost = h("div", { class: "chart equity-chart", role: "img", "aria-label": label });
  }

  /** Draws `points` (replacing what was drawn); with none, says so instead. */
  show(points: EquityPoint[], decimals: number): void {
    this.remove();
    this.canvasHost.dataset.points = String(points.length);
    if (!points.length) {
      mount(this.root, h("p", { class: "muted", "data-role": "no-equity" }, "No equity history yet."));
      return;
    }
    mount(this.root, this.canvasHost);
    this.chart = createChart(this.canvasHost, {
      ...CHART_THEME,
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: "#2d333b" },
      localization: { priceFormatter: (p: number) => p.toFixed(decimals) },
    });
    const series = this.chart.addSeries(AreaSeries, {
      lineColor: "#3584e4", topColor: "#3584e455", bottomColor: "#3584e405", lineWidth: 2,
      priceFormat: { type: "price", precision: decimals, minMove: 10 ** -decimals },
    });
    series.setData(points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    this.chart.timeScale().fitContent();
  }

  remove(): void {
    this.chart?.remove();
    this.chart = null;
  }
}
