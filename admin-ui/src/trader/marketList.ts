// The instrument picker: last price and change, updated by ticks; markets the
// operator closed, or with no live price source, are marked and cannot be
// traded; one served by a fallback source says which.
import { h, mount } from "../shared/dom";
import { formatChangePercent, formatPrice } from "../shared/format";
import type { Market, TradingRules } from "../shared/types";
import { rulesFor } from "../shared/types";

export class MarketList {
  private readonly buttons = new Map<string, HTMLButtonElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly onSelect: (symbol: string) => void,
  ) {}

  render(markets: Market[], rules: TradingRules | null, selected: string): void {
    this.buttons.clear();
    const items = markets.map((m) => {
      const open = !rules || rulesFor(rules, m.symbol).enabled;
      const button = h("button", { type: "button", "data-symbol": m.symbol, "aria-current": m.symbol === selected ? "true" : "false", onclick: () => this.onSelect(m.symbol) },
        h("span", { class: "name" }, m.symbol.replace(/^OTC_/, "").replace(/_/g, "/")),
        h("span", { class: "price", "data-role": "price" }, m.last_price ? formatPrice(m.last_price, m.price_scale) : "—"),
        h("span", { class: "sub" }, m.name),
        !open ? h("span", { class: "closed" }, "closed")
          : m.status !== "live" ? h("span", { class: "closed", "data-role": "feed" }, "no price")
          : h("span", { class: "sub", "data-role": "change" }, m.change_1h && m.last_price ? formatChangePercent(m.change_1h, m.last_price) : ""),
        fallback(m) ? h("span", { class: "sub", "data-role": "feed" }, `via ${m.source}`) : null);
      button.setAttribute("aria-label", `${m.name}${!open ? " (closed)" : m.status !== "live" ? " (no live price)" : ""}`);
      this.buttons.set(m.symbol, button);
      return h("li", {}, button);
    });
    mount(this.root, h("h2", {}, "Markets"), h("ul", { class: "market-list" }, ...items));
  }

  price(market: Market, price: string): void {
    const el = this.buttons.get(market.symbol)?.querySelector('[data-role="price"]');
    if (el) el.textContent = formatPrice(price, market.price_scale);
  }
}

/** Served by a source other than its preferred one (failed over). */
function fallback(m: Market): boolean {
  return m.status === "live" && m.sources.length > 1 && m.sources[0]?.id !== m.source;
}
