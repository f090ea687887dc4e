// Exchange keys: whether the user's Binance API keys are stored (the key's
// last characters and when), a form to store or replace them (the secret in a
// password input, cleared once sent: the server never gives keys back), and
// removing them. Live bots trade with these keys (the bot builder's venue).
// Without BOURSE_SECRETS_KEY on the server keys cannot be stored: the card says
// what the operator must do, and stored keys can still be removed.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";
import { formatDateTime } from "../shared/format";
import { notify } from "../shared/notices";
import { binanceKeys, keyProblem } from "../shared/venues";
import type { StoredKeys, VenuesReply } from "../shared/venues";

const KEYS_PATH = "/api/v1/venues/binance/keys";

export class VenueKeysView {
  private reply: VenuesReply | null = null;
  private shown = "";

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
  ) {}

  async refresh(): Promise<void> {
    let reply: VenuesReply;
    try {
      reply = await this.api.get<VenuesReply>("/api/v1/venues");
    } catch (e) {
      // A failed re-read keeps what is on screen.
      if (!this.reply) mount(this.root, h("h2", {}, "Exchange keys"), h("p", { class: "error", role: "alert" }, messageOf(e)));
      return;
    }
    const text = JSON.stringify(reply);
    this.reply = reply;
    if (text === this.shown) return;  // unchanged: keep the form as the user left it
    this.shown = text;
    this.render(reply);
  }

  private render(reply: VenuesReply): void {
    const keys = binanceKeys(reply);
    const available = reply.live_trading_available;
    const stat = (label: string, value: string, role: string, cls = "") =>
      h("div", { class: "stat" }, h("div", { class: "label" }, label), h("div", { class: `value ${cls}`, "data-role": role }, value));
    mount(this.root,
      h("h2", {}, "Exchange keys"),
      h("p", { class: "muted" }, "Bots with the venue “Binance live” trade with your own Binance account through these API keys. ",
        "They are stored encrypted and never shown again; only the key's last characters are."),
      available ? null : h("div", { class: "note", role: "status", "data-role": "keys-unavailable" },
        h("strong", {}, "Live trading is not set up on this platform. "),
        "The operator must start the server with BOURSE_SECRETS_KEY set (64 hex characters, e.g. from `openssl rand -hex 32`) before keys can be stored.",
        keys ? " The keys stored earlier cannot be used until then; you can still remove them." : ""),
      h("div", { class: "stats" },
        stat("Binance", keys ? "Keys stored" : "No keys", "keys-status", keys ? "good" : "muted"),
        keys ? stat("API key", keys.api_key_hint ?? "", "key-hint", "mono") : null,
        keys?.updated_at ? stat("Stored", formatDateTime(keys.updated_at), "keys-updated") : null,
        keys ? this.removeButton() : null),
      available ? this.form(keys !== null) : null);
  }

  private form(replacing: boolean): HTMLFormElement {
    const apiKey = h("input", { name: "api_key", autocomplete: "off", spellcheck: "false", maxlength: 128, "aria-describedby": "keys-help" }) as HTMLInputElement;
    const secret = h("input", { name: "secret", type: "password", autocomplete: "new-password", spellcheck: "false", maxlength: 128 }) as HTMLInputElement;
    const submit = h("button", { type: "submit", class: "primary" }, replacing ? "Replace keys" : "Store keys") as HTMLButtonElement;
    const form = h("form", { class: "pay-form narrow", "aria-label": "Binance API keys", novalidate: true },
      h("h3", {}, replacing ? "Replace your Binance keys" : "Add your Binance keys"),
      h("label", {}, "API key", apiKey), h("div", { class: "error", "data-error": "api_key" }),
      h("label", {}, "Secret key", secret), h("div", { class: "error", "data-error": "secret" }),
      h("small", { class: "muted", id: "keys-help" },
        "Create them at Binance (API Management) with spot trading allowed and withdrawals not allowed."),
      h("div", { class: "error", "data-error": "", role: "alert" }), submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const key = apiKey.value.trim();
      const problem = keyProblem(key, "API key");
      if (problem) return showFieldError(form, "api_key", problem);
      const secretProblem = keyProblem(secret.value, "secret");
      if (secretProblem) return showFieldError(form, "secret", secretProblem);
      showFieldError(form, undefined, "");
      submit.disabled = true;
      try {
        const stored = await this.api.put<StoredKeys>(KEYS_PATH, { api_key: key, secret: secret.value });
        // Nothing of the keys stays on the page but the hint the server sends back.
        apiKey.value = "";
        secret.value = "";
        notify("info", replacing ? "Binance keys replaced" : "Binance keys stored", `API key ${stored.api_key_hint}`);
        await this.refresh();
      } catch (e) {
        showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  private removeButton(): HTMLElement {
    const error = h("div", { class: "error", role: "alert", "data-role": "keys-remove-error" });
    const button: HTMLButtonElement = h("button", { type: "button", class: "danger", "data-action": "remove-keys", onclick: async () => {
      if (!confirm("Remove your Binance API keys? Live bots cannot trade on Binance without them.")) return;
      button.disabled = true;
      error.textContent = "";
      try {
        await this.api.request("DELETE", KEYS_PATH);
        notify("info", "Binance keys removed");
      } catch (e) {
        // 404: already gone (another tab); anything else is shown.
        if (!(e instanceof ApiError && e.status === 404)) {
          error.textContent = messageOf(e);
          button.disabled = false;
          return;
        }
      }
      await this.refresh();
    } }, "Remove keys");
    return h("div", {}, button, error);
  }
}
