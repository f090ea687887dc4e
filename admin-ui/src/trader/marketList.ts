// The instrument picker: last price and change, updated by ticks; markets the
// operator closed are marked and cannot be traded.
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
        open ? h("span", { class: "sub", "data-role": "change" }, m.change_1h && m.last_price ? formatChangePercent(m.change_1h, m.last_price) : "")
             : h("span", { class: "closed" }, "closed"));
      button.setAttribute("aria-label", `${m.name}${open ? "" : " (closed)"}`);
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
