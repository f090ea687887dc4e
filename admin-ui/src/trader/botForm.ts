// A bot's settings form, shared by the builder and the backtest: bot type,
// market, where it trades (the builder: paper, or Binance live once the user
// has stored keys), and the product's params (defaults from bots.md; a grid's range
// around the market's price), each input with its help and its error slot.
// Values are kept per product while the user switches between them. The
// checks and the conversion to params are shared/bots.ts's.
import { ApiError, messageOf } from "../shared/api";
import { checkParams, defaultValues, fieldsOf, formField, gridRange, PRODUCTS } from "../shared/bots";
import type { FieldProblem, FormValues, ParamField } from "../shared/bots";
import { h, mount } from "../shared/dom";
import type { BotParams, BotProduct, Market } from "../shared/types";
import { binanceKeys, KEYS_ANCHOR, VENUES } from "../shared/venues";
import type { VenueId, VenuesReply } from "../shared/venues";

export type FormRead =
  | { ok: true; product: BotProduct; market: Market; currency: string; params: BotParams; name: string; venue: VenueId }
  | { ok: false; errors: FieldProblem[] };

export interface BotFormOptions {
  /** the form's accessible name */
  label: string;
  /** prefixes the ids of help texts (two forms may share the page) */
  idPrefix: string;
  markets: () => Market[];
  /** what the form holds changed (the caller debounces) */
  onChange: () => void;
  /** the market changed: the caller's chart follows */
  onMarket?: (market: Market) => void;
  /** ask for the bot's name (the builder) */
  named?: boolean;
  /** ask where the bot trades (the builder) */
  venue?: boolean;
  /** inputs after the params (the backtest's candles) */
  extra?: (HTMLElement | null)[];
  /** the submit row */
  actions: HTMLElement[];
}

export class BotForm {
  readonly form: HTMLFormElement;
  private product: BotProduct = "dca-bot";
  private symbol = "";
  private readonly values = new Map<BotProduct, FormValues>();
  /** grid prices the user typed since the market was chosen */
  private readonly edited = new Set<string>();
  private readonly params = h("fieldset", { class: "bot-params" });
  private readonly productSelect: HTMLSelectElement;
  private readonly marketSelect: HTMLSelectElement;
  private venue: VenueId = "paper";
  private readonly venueSelect: HTMLSelectElement | null = null;
  private readonly venueHint: HTMLElement;

  constructor(private readonly options: BotFormOptions) {
    this.productSelect = h("select", { name: "product" },
      ...PRODUCTS.map(([id, label]) => h("option", { value: id }, label))) as HTMLSelectElement;
    this.marketSelect = h("select", { name: "symbol" }) as HTMLSelectElement;
    this.productSelect.addEventListener("change", () => this.setProduct(this.productSelect.value as BotProduct));
    this.marketSelect.addEventListener("change", () => this.setMarket(this.marketSelect.value));
    const hintId = `${options.idPrefix}-venue-help`;
    this.venueHint = h("small", { class: "muted", id: hintId, "data-role": "venue-hint" });
    if (options.venue) {
      this.venueSelect = h("select", { name: "venue", "aria-describedby": hintId },
        ...VENUES.map(([id, label]) => h("option", { value: id, disabled: id !== "paper" }, label))) as HTMLSelectElement;
      this.venueSelect.addEventListener("change", () => {
        this.venue = this.venueSelect?.value as VenueId;
        this.options.onChange();
      });
    }
    this.form = h("form", { class: "bot-form", "aria-label": options.label, novalidate: true },
      h("div", { class: "bot-form-head" },
        h("div", { class: "field" }, h("label", {}, "Bot type", this.productSelect), h("div", { class: "error", "data-error": "product" })),
        h("div", { class: "field" }, h("label", {}, "Market", this.marketSelect), h("div", { class: "error", "data-error": "symbol" })),
        this.venueSelect
          ? h("div", { class: "field", "data-field": "venue" }, h("label", {}, "Venue", this.venueSelect), this.venueHint,
            h("div", { class: "error", "data-error": "venue" }))
          : null,
        options.named
          ? h("div", { class: "field" }, h("label", {}, "Name (optional)", h("input", { name: "name", maxlength: 64, autocomplete: "off", placeholder: "My DCA bot" })),
            h("div", { class: "error", "data-error": "name" }))
          : null),
      this.params,
      ...(options.extra ?? []),
      h("div", { class: "error", "data-error": "", role: "alert" }),
      h("div", { class: "row-actions" }, ...options.actions));
    this.form.addEventListener("input", (ev) => this.changed(ev));
    this.form.addEventListener("change", (ev) => this.changed(ev));
    this.form.addEventListener("submit", (ev) => ev.preventDefault());
  }

  /** (Re)fills the market list, keeping the chosen market when it is still there. */
  setMarkets(preferred: string): void {
    const markets = this.options.markets();
    const keep = markets.some((m) => m.symbol === this.symbol) ? this.symbol : markets.some((m) => m.symbol === preferred) ? preferred : markets[0]?.symbol ?? "";
    mount(this.marketSelect, ...markets.map((m) => h("option", { value: m.symbol, selected: m.symbol === keep }, m.name)));
    if (keep !== this.symbol || !this.params.childElementCount) this.setMarket(keep);
  }

  get market(): Market | undefined {
    return this.options.markets().find((m) => m.symbol === this.symbol);
  }

  get currentProduct(): BotProduct {
    return this.product;
  }

  /** The params to send, or what is wrong (each naming its input). */
  read(): FormRead {
    const market = this.market;
    if (!market) return { ok: false, errors: [{ field: "symbol", error: "Choose a market" }] };
    const check = checkParams(this.product, this.current(), market.quote_asset, market.price_scale);
    if (!check.ok) return check;
    const name = (this.form.querySelector<HTMLInputElement>('input[name="name"]')?.value ?? "").trim();
    return { ok: true, product: this.product, market, currency: market.quote_asset, params: check.params, name, venue: this.venue };
  }

  /**
   * The user's exchange keys (null: not known): Binance live can be chosen
   * only with keys stored; else the hint links to the keys card. A choice of
   * Binance whose keys are gone falls back to paper.
   */
  setVenues(reply: VenuesReply | null): void {
    const select = this.venueSelect;
    if (!select) return;
    const keys = binanceKeys(reply);
    for (const option of select.options) if (option.value === "binance") option.disabled = !keys;
    if (!keys && this.venue === "binance") {
      this.venue = "paper";
      select.value = "paper";
      this.options.onChange();
    }
    if (keys) {
      mount(this.venueHint, `Paper trades simulated money from your wallet. Binance live trades your Binance account's money with the key ${keys.api_key_hint ?? ""}.`);
    } else {
      mount(this.venueHint, reply ? "To trade live on Binance, first store your API keys under " : "Your exchange keys could not be read. Store them under ",
        h("a", { href: `#${KEYS_ANCHOR}`, "data-role": "keys-link" }, "Exchange keys"), ".");
    }
  }

  /** Each problem next to its input (else in the form-wide slot); `focus` moves to the first. */
  showErrors(problems: FieldProblem[], focus: boolean): void {
    for (const el of this.form.querySelectorAll("[data-error]")) el.textContent = "";
    for (const el of this.form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    let first: HTMLElement | null = null;
    for (const p of problems) {
      const slot = (p.field && this.form.querySelector(`[data-error="${CSS.escape(p.field)}"]`)) || this.form.querySelector('[data-error=""]');
      if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${p.error}` : p.error;
      const input = p.field ? this.form.querySelector<HTMLElement>(`[name="${CSS.escape(p.field)}"]`) : null;
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first ??= input;
      }
    }
    if (focus) first?.focus();
  }

  /** An API refusal next to the input its `field` names. */
  showProblem(e: unknown, focus: boolean): void {
    const detail = e instanceof ApiError ? e.detail : "";
    const field = e instanceof ApiError ? formField(e.field, detail, this.inputNames(), this.product) : "";
    this.showErrors([{ field, error: messageOf(e) }], focus);
  }

  /** A price arrived: a grid still without its range (no price before) gets one around it. */
  priceArrived(symbol: string): void {
    const grid = this.values.get("grid-bot");
    if (symbol !== this.symbol || !grid || grid.lower || grid.upper || this.edited.size) return;
    Object.assign(grid, this.range());
    if (this.product !== "grid-bot") return;
    for (const n of ["lower", "upper"]) {
      const input = this.form.querySelector<HTMLInputElement>(`[name="${n}"]`);
      if (input) input.value = grid[n];
    }
    this.options.onChange();
  }

  private inputNames(): string[] {
    return [...this.form.querySelectorAll("[name]")].map((el) => el.getAttribute("name") ?? "");
  }

  private range(): { lower: string; upper: string } {
    const m = this.market;
    return m ? gridRange(m.last_price, m.price_scale) : { lower: "", upper: "" };
  }

  private current(): FormValues {
    let values = this.values.get(this.product);
    if (!values) {
      const m = this.market;
      values = defaultValues(this.product, m?.quote_asset ?? "USD", m?.last_price ?? null, m?.price_scale ?? 2);
      this.values.set(this.product, values);
    }
    return values;
  }

  private setProduct(product: BotProduct): void {
    this.product = product;
    this.productSelect.value = product;
    this.renderParams();
    this.options.onChange();
  }

  private setMarket(symbol: string): void {
    this.symbol = symbol;
    // A grid's prices belong to the market: a new one starts around its price.
    const grid = this.values.get("grid-bot");
    if (grid) Object.assign(grid, this.range(), { stop_loss: "", take_profit: "" });
    this.edited.clear();
    this.renderParams();
    const market = this.market;
    if (market) this.options.onMarket?.(market);
    this.options.onChange();
  }

  private changed(ev: Event): void {
    const target = ev.target as HTMLInputElement | HTMLSelectElement;
    const name = target.getAttribute("name") ?? "";
    // The product the input was made for: an input being replaced (the product just changed) may
    // still report its last change, and the products share some names (stop_loss, take_profit).
    const product = target.dataset.product as BotProduct | undefined;
    const values = product && this.values.get(product);
    if (!values || !fieldsOf(product).some((f) => f.name === name)) return;
    values[name] = target instanceof HTMLInputElement && target.type === "checkbox" ? String(target.checked) : target.value;
    if (product !== this.product) return;
    if (ev.type === "input" && (name === "lower" || name === "upper")) this.edited.add(name);
    this.showWhen();
    this.options.onChange();
  }

  private renderParams(): void {
    const values = this.current();
    mount(this.params,
      h("legend", {}, this.product === "grid-bot" ? "Grid settings" : "DCA settings"),
      h("div", { class: "bot-fields" }, ...fieldsOf(this.product).map((f) => this.input(f, values[f.name] ?? ""))));
    this.showWhen();
  }

  private input(f: ParamField, value: string): HTMLElement {
    const helpId = `${this.options.idPrefix}-${f.name}-help`;
    const help = f.help ? h("small", { class: "muted", id: helpId }, f.help) : null;
    const described = f.help ? helpId : undefined;
    let control: HTMLElement;
    if (f.kind === "flag") {
      control = h("label", { class: "check" },
        h("input", { type: "checkbox", name: f.name, checked: value === "true", "aria-describedby": described, "data-product": this.product }), f.label);
    } else if (f.kind === "choice") {
      control = h("label", {}, f.label, h("select", { name: f.name, "aria-describedby": described, "data-product": this.product },
        ...(f.choices ?? []).map(([v, label]) => h("option", { value: v, selected: v === value }, label))));
    } else {
      const numeric = f.kind === "count" || f.kind === "seconds";
      control = h("label", {}, f.label, h("input", {
        name: f.name, value, inputmode: numeric ? "numeric" : "decimal", autocomplete: "off", "aria-describedby": described,
        placeholder: f.optional ? "none" : undefined, "data-product": this.product,
      }));
    }
    return h("div", { class: "field", "data-field": f.name }, control, help, h("div", { class: "error", "data-error": f.name }));
  }

  /** Fields that only count in some cases (a DCA start after a drop) show only then. */
  private showWhen(): void {
    const values = this.current();
    for (const f of fieldsOf(this.product)) {
      if (!f.when) continue;
      const el = this.params.querySelector<HTMLElement>(`[data-field="${f.name}"]`);
      if (el) el.hidden = !f.when(values);
    }
  }
}
