// What a trader can do to a bot in its status: start, pause, resume, stop
// (asking whether to sell the base asset it holds or keep it) and delete.
// The list and the details page share these buttons.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { botActions, productName } from "../shared/bots";
import type { BotAction } from "../shared/bots";
import { h, showFieldError } from "../shared/dom";
import { notify } from "../shared/notices";
import type { Bot } from "../shared/types";
import { isLive, moneyHome } from "../shared/venues";

const LABELS: Record<BotAction, string> = { start: "Start", pause: "Pause", resume: "Resume", stop: "Stop", delete: "Delete" };
const DONE: Record<Exclude<BotAction, "delete" | "stop">, string> = { start: "started", pause: "paused", resume: "resumed" };

export function botName(bot: Bot): string {
  return bot.name || `${productName(bot.product)} ${bot.symbol}`;
}

/** Equity − capital while it runs; once stopped, the realized P&L its summary reports. */
export function botPnl(bot: Bot): string | undefined {
  const realized = bot.summary?.realized_pnl;
  return bot.pnl ?? (typeof realized === "string" ? realized : undefined);
}

export class BotControls {
  constructor(
    private readonly api: ApiClient,
    /** the API answered with the bot as it is now */
    private readonly onChanged: (bot: Bot) => void,
    private readonly onDeleted: (id: string) => void,
  ) {}

  /** The buttons for what `bot`'s status allows. */
  buttons(bot: Bot): HTMLElement {
    const name = botName(bot);
    return h("div", { class: "row-actions", "data-role": "bot-actions" }, ...botActions(bot.status).map((action) => {
      const button: HTMLButtonElement = h("button", {
        type: "button", "data-action": action, class: action === "delete" ? "danger" : "",
        "aria-label": `${LABELS[action]} ${name}`,
        onclick: () => void this.act(bot, action, button),
      }, action === "stop" ? "Stop…" : LABELS[action]);
      return button;
    }));
  }

  private async act(bot: Bot, action: BotAction, button: HTMLButtonElement): Promise<void> {
    const path = `/api/v1/bots/${encodeURIComponent(bot.id)}`;
    if (action === "stop") return this.stopDialog(bot);
    if (action === "delete" && !confirm(`Delete ${botName(bot)}? Its history goes with it.`)) return;
    button.disabled = true;
    try {
      if (action === "delete") {
        await this.api.request("DELETE", path);
        notify("info", `${botName(bot)} deleted`);
        this.onDeleted(bot.id);
        return;
      }
      const after = await this.api.post<Bot>(`${path}/${action}`);
      notify("info", `${botName(after)} ${DONE[action]}`);
      this.onChanged(after);
    } catch (e) {
      notify("error", `Could not ${action} ${botName(bot)}`, messageOf(e), 10000);
      button.disabled = false;
    }
  }

  /** Stop: cancel every resting order, then sell the base held at market (close) or keep it. */
  private stopDialog(bot: Bot): void {
    const name = botName(bot);
    const base = bot.base_asset || "base asset";
    const dialog = h("dialog", { "aria-label": `Stop ${name}` });
    const submit = h("button", { type: "submit", value: "stop", class: "danger" }, "Stop bot") as HTMLButtonElement;
    const form = h("form", { method: "dialog", novalidate: true },
      h("h3", {}, `Stop ${name}`),
      h("p", { class: "muted" }, isLive(bot)
        ? "The bot cancels its open orders on Binance; the money stays in your Binance account."
        : "The bot cancels its open orders, then its money comes back to your wallet."),
      h("fieldset", { class: "choice" },
        h("legend", {}, `The ${base} it holds`),
        h("label", { class: "check" }, h("input", { type: "radio", name: "close", value: "true", checked: true }), `Sell it at market (${bot.symbol})`),
        h("label", { class: "check" }, h("input", { type: "radio", name: "close", value: "false" }), `Keep it: the ${base} ${isLive(bot) ? "stays in" : "goes to"} ${moneyHome(bot)}`)),
      h("div", { class: "error", "data-error": "close" }),
      h("div", { class: "error", "data-error": "", role: "alert" }),
      h("div", { class: "row-actions" }, submit, h("button", { type: "button", onclick: () => dialog.close() }, "Cancel")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const close = new FormData(form).get("close") === "true";
      submit.disabled = true;
      try {
        const after = await this.api.post<Bot>(`/api/v1/bots/${encodeURIComponent(bot.id)}/stop`, { close });
        dialog.close();
        const where = isLive(bot) ? " on Binance" : "";
        notify("info", `Stopping ${botName(after)}`, close ? `Cancelling its orders${where}, then selling the ${base} at market`
          : `Cancelling its orders${where}; the ${base} it holds ${isLive(bot) ? "stays in your Binance account" : "comes back to you"}`);
        this.onChanged(after);
      } catch (e) {
        submit.disabled = false;
        showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
      }
    });
    dialog.append(form);
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }
}
