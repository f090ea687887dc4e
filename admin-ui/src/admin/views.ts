// The operator console's sections. Each renders into the main area and
// re-reads what it shows after every action, so the screen is what the
// server holds.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";
import { formatDateTime, formatMoney, formatSignedMoney } from "../shared/format";
import { newOrderId } from "../shared/ids";
import { kycStatus } from "../shared/kyc";
import type { AuditEntry, Market, MarketRules, PlatformStats, PluginStatus, TradingRules, User } from "../shared/types";
import { rulesFor } from "../shared/types";
import { notify } from "../shared/notices";

export type View = (root: HTMLElement, api: ApiClient) => Promise<void>;

function card(label: string, value: string, role: string): HTMLElement {
  return h("div", { class: "stat", "data-role": role }, h("div", { class: "label" }, label), h("div", { class: "value" }, value));
}

export function failed(root: HTMLElement, title: string, e: unknown): void {
  mount(root, h("section", { class: "panel" }, h("h2", {}, title), h("p", { class: "error", role: "alert" }, messageOf(e))));
}

export const overview: View = async (root, api) => {
  try {
    const s = await api.get<PlatformStats>("/api/v1/admin/stats");
    mount(root, h("section", { class: "panel", "aria-label": "Overview" }, h("h2", {}, "Overview"),
      h("div", { class: "cards" },
        card("Users", String(s.users), "users"),
        card("Open trades", String(s.open_trades), "open-trades"),
        card("Trades", String(s.trades), "trades"),
        card("Volume", formatMoney(s.volume, s.currency), "volume"),
        card("House P&L", formatSignedMoney(s.house_pnl, s.currency), "house-pnl"),
        card("Plugins healthy", `${s.plugins_running} / ${s.plugins_enabled}`, "plugins"))));
  } catch (e) {
    failed(root, "Overview", e);
  }
};

export const plugins: View = async (root, api) => {
  let list: PluginStatus[];
  try {
    list = (await api.get<{ plugins: PluginStatus[] }>("/api/v1/admin/plugins")).plugins;
  } catch (e) {
    return failed(root, "Plugins", e);
  }
  const act = async (p: PluginStatus, action: "reload" | "enable" | "disable") => {
    if (!confirm(`${action[0].toUpperCase()}${action.slice(1)} plugin '${p.id}'?`)) return;
    try {
      const after = await api.post<PluginStatus>(`/api/v1/admin/plugins/${encodeURIComponent(p.id)}/${action}`);
      notify("info", `${p.id}: ${action} done`, `state ${after.state}, generation ${after.generation}`);
    } catch (e) {
      notify("error", `${p.id}: ${action} failed`, messageOf(e), 10000);
    }
    await plugins(root, api);
  };
  mount(root, h("section", { class: "panel", "aria-label": "Plugins" }, h("h2", {}, "Plugins"),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ...["Plugin", "Kind", "Version", "State", "Loaded", "Last error", "Actions"].map((c) => h("th", {}, c)))),
      h("tbody", {}, ...list.map((p) => h("tr", { "data-plugin": p.id },
        h("td", {}, h("strong", {}, p.id), h("div", { class: "muted" }, p.description)),
        h("td", {}, p.kind.replace("_", " ")),
        h("td", {}, `${p.version} (gen ${p.generation})`),
        h("td", {}, h("span", { class: `badge ${p.enabled ? p.state : "disabled"}`, "data-role": "state" }, p.enabled ? p.state : "disabled"),
          p.source ? h("div", { class: p.source.status === "live" ? "muted" : "down", "data-role": "feed", title: p.source.detail },
            `feed: ${p.source.status.replace("_", " ")}`) : null),
        h("td", {}, p.loaded_at ? formatDateTime(p.loaded_at) : "—"),
        h("td", { class: p.last_error ? "down" : "muted" }, p.last_error ?? "none"),
        h("td", {}, h("div", { class: "row-actions" },
          h("button", { type: "button", onclick: () => void act(p, "reload"), "aria-label": `Reload ${p.id}` }, "Reload"),
          p.enabled
            ? h("button", { type: "button", onclick: () => void act(p, "disable"), "aria-label": `Disable ${p.id}` }, "Disable")
            : h("button", { type: "button", onclick: () => void act(p, "enable"), "aria-label": `Enable ${p.id}` }, "Enable"))))))))));
};

export const markets: View = async (root, api) => {
  let rules: TradingRules;
  let list: Market[];
  try {
    [rules, list] = await Promise.all([
      api.get<TradingRules>("/api/v1/admin/markets"),
      api.get<{ markets: Market[] }>("/api/v1/markets").then((r) => r.markets),
    ]);
  } catch (e) {
    return failed(root, "Markets", e);
  }
  const editor = (m: Market) => {
    const r: MarketRules = rulesFor(rules, m.symbol);
    const form = h("form", { class: "toolbar", "aria-label": `Rules for ${m.symbol}`, "data-market": m.symbol, novalidate: true },
      h("label", {}, "Payout %", h("input", { name: "payout_percent", value: r.payout_percent, size: 5, inputmode: "decimal" })),
      h("label", {}, "Loss refund %", h("input", { name: "loss_refund_percent", value: r.loss_refund_percent, size: 5, inputmode: "decimal" })),
      h("label", {}, "Durations (s)", h("input", { name: "durations", value: r.durations.join(","), size: 18 })),
      h("label", {}, "Min stake", h("input", { name: "min_stake", value: r.min_stake, size: 7, inputmode: "decimal" })),
      h("label", {}, "Max stake", h("input", { name: "max_stake", value: r.max_stake, size: 8, inputmode: "decimal" })),
      h("label", {}, "Max open", h("input", { name: "max_open_per_user", value: r.max_open_per_user, size: 4, inputmode: "numeric" })),
      h("label", {}, "Per minute", h("input", { name: "max_trades_per_minute", value: r.max_trades_per_minute, size: 4, inputmode: "numeric" })),
      h("label", {}, "Open", h("select", { name: "enabled" }, h("option", { value: "true", selected: r.enabled }, "open"), h("option", { value: "false", selected: !r.enabled }, "closed"))),
      h("button", { type: "submit" }, "Save"),
      h("div", { class: "error", "data-error": "", role: "alert", style: "flex-basis:100%" }));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const d = new FormData(form);
      const body = {
        payout_percent: String(d.get("payout_percent")).trim(),
        loss_refund_percent: String(d.get("loss_refund_percent")).trim(),
        durations: String(d.get("durations")).split(",").map((x) => Number(x.trim())).filter((x) => x > 0),
        min_stake: String(d.get("min_stake")).trim(),
        max_stake: String(d.get("max_stake")).trim(),
        max_open_per_user: Number(d.get("max_open_per_user")),
        max_trades_per_minute: Number(d.get("max_trades_per_minute")),
        enabled: d.get("enabled") === "true",
      };
      try {
        await api.put(`/api/v1/admin/markets/${encodeURIComponent(m.symbol)}`, body);
        notify("info", `${m.symbol} saved`, body.enabled ? "open for trading" : "closed for trading");
        await markets(root, api);
      } catch (e) {
        showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
      }
    });
    return form;
  };
  const otc = list.filter((m) => m.source === "otc");
  const otcForm = h("form", { class: "toolbar", "aria-label": "OTC volatility and bias", novalidate: true },
    h("label", {}, "Instrument", h("select", { name: "symbol" }, ...otc.map((m) => h("option", { value: m.symbol }, m.symbol)))),
    h("label", {}, "Volatility", h("select", { name: "volatility" }, ...["LOW", "MEDIUM", "HIGH", "SPIKE"].map((v) => h("option", { value: v }, v)))),
    h("label", {}, "Bias (−1…1)", h("input", { name: "bias", value: "0", size: 5, inputmode: "decimal" })),
    h("button", { type: "submit", name: "apply" }, "Apply"),
    h("div", { class: "error", "data-error": "", role: "alert", style: "flex-basis:100%" }));
  otcForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = new FormData(otcForm);
    const symbol = String(d.get("symbol"));
    try {
      await api.post("/api/v1/admin/plugins/otc/commands/set_volatility", { symbol, volatility: String(d.get("volatility")) });
      await api.post("/api/v1/admin/plugins/otc/commands/set_bias", { symbol, bias: Number(d.get("bias")) });
      notify("info", `${symbol} updated`);
    } catch (e) {
      showFieldError(otcForm, e instanceof ApiError ? e.field : undefined, messageOf(e));
    }
  });
  mount(root,
    h("section", { class: "panel", "aria-label": "Markets" }, h("h2", {}, "Markets — binary options rules"),
      ...list.map((m) => h("div", {}, h("h3", {}, m.name, " ", h("span", { class: "muted" }, m.symbol)), editor(m)))),
    otc.length ? h("section", { class: "panel", "aria-label": "OTC prices" }, h("h2", {}, "OTC price behaviour"), otcForm) : null);
};

export const users: View = async (root, api) => {
  const search = h("input", { name: "q", type: "search", placeholder: "e-mail or name", "aria-label": "Search users" }) as HTMLInputElement;
  const results = h("div", { class: "table-wrap" });
  const load = async () => {
    try {
      const list = (await api.get<{ users: User[] }>(`/api/v1/admin/users?q=${encodeURIComponent(search.value.trim())}&limit=50`)).users;
      mount(results, h("table", {},
        h("thead", {}, h("tr", {}, ...["User", "Role", "Joined", "Status", "Identity", "Actions"].map((c) => h("th", {}, c)))),
        h("tbody", {}, ...list.map((u) => h("tr", { "data-user": u.email },
          h("td", {}, h("strong", {}, u.name), h("div", { class: "muted" }, u.email)),
          h("td", {}, u.role), h("td", {}, formatDateTime(u.created_at)),
          h("td", {}, h("span", { class: `badge ${u.disabled ? "disabled" : "running"}` }, u.disabled ? "disabled" : "active")),
          h("td", {}, h("span", { class: `badge ${kycStatus(u.kyc_status ?? "none").tone}` }, kycStatus(u.kyc_status ?? "none").label)),
          h("td", {}, h("div", { class: "row-actions" },
            h("button", { type: "button", onclick: () => void toggle(u) }, u.disabled ? "Enable" : "Disable"),
            h("button", { type: "button", onclick: () => adjust(u) }, "Adjust balance"))))))));
    } catch (e) {
      mount(results, h("p", { class: "error", role: "alert" }, messageOf(e)));
    }
  };
  const toggle = async (u: User) => {
    const action = u.disabled ? "enable" : "disable";
    if (!confirm(`${action === "disable" ? "Disable" : "Enable"} ${u.email}?`)) return;
    try {
      await api.post(`/api/v1/admin/users/${encodeURIComponent(u.id)}/${action}`);
      notify("info", `${u.email} ${action}d`);
    } catch (e) {
      notify("error", `Could not ${action} ${u.email}`, messageOf(e));
    }
    await load();
  };
  const adjust = (u: User) => {
    const dialog = h("dialog", { "aria-label": `Adjust balance of ${u.email}` });
    const form = h("form", { method: "dialog", novalidate: true },
      h("h3", {}, "Adjust balance — ", u.email),
      h("label", {}, "Amount (negative to debit)", h("input", { name: "amount", inputmode: "decimal", required: true, placeholder: "100.00" })),
      h("div", { class: "error", "data-error": "amount" }),
      h("label", {}, "Reason (kept in the audit log)", h("input", { name: "reason", required: true, maxlength: 200 })),
      h("div", { class: "error", "data-error": "reason" }),
      h("div", { class: "error", "data-error": "", role: "alert" }),
      h("div", { class: "row-actions" }, h("button", { type: "submit", value: "apply" }, "Apply"), h("button", { type: "button", onclick: () => dialog.close() }, "Cancel")));
    const key = newOrderId();  // one adjustment per dialog, however often Apply is pressed
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const d = new FormData(form);
      try {
        await api.request("POST", `/api/v1/admin/users/${encodeURIComponent(u.id)}/adjust-balance`,
          { amount: String(d.get("amount")).trim(), reason: String(d.get("reason")).trim() }, true, { "Idempotency-Key": key });
        notify("info", `Balance of ${u.email} adjusted`);
        dialog.close();
      } catch (e) {
        showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
      }
    });
    dialog.append(form);
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  };
  search.addEventListener("input", () => void load());
  mount(root, h("section", { class: "panel", "aria-label": "Users" }, h("h2", {}, "Users"), h("div", { class: "toolbar" }, search), results));
  await load();
};

export const audit: View = async (root, api) => {
  try {
    const entries = (await api.get<{ entries: AuditEntry[] }>("/api/v1/admin/audit?limit=200")).entries;
    mount(root, h("section", { class: "panel", "aria-label": "Audit log" }, h("h2", {}, "Audit log"),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["When", "Actor", "Action", "Target", "Detail"].map((c) => h("th", {}, c)))),
        h("tbody", {}, ...entries.map((e) => h("tr", {},
          h("td", {}, formatDateTime(e.ts)), h("td", {}, e.actor), h("td", {}, e.action), h("td", {}, e.target), h("td", { class: "muted" }, e.detail))))))));
  } catch (e) {
    failed(root, "Audit log", e);
  }
};
