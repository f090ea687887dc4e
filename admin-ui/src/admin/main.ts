// The operator console (/admin): sign in with an operator account, then
// overview, plugins, markets, users, payments, identity verification and the
// audit log. Operator events on the stream (plugin lifecycle, withdrawals
// and payment flags) refresh what is on screen.
import "../shared/styles.css";
import { ApiClient, messageOf } from "../shared/api";
import { byId, h, mount, showFieldError } from "../shared/dom";
import { StreamClient, streamUrl } from "../shared/stream";
import type { User } from "../shared/types";
import { kyc, payments } from "./paymentViews";
import { audit, markets, overview, plugins, users } from "./views";
import type { View } from "./views";

const api = new ApiClient("bourse.operator");
const main = byId("main");
const sections: [string, string, View][] = [
  ["overview", "Overview", overview],
  ["plugins", "Plugins", plugins],
  ["markets", "Markets", markets],
  ["users", "Users", users],
  ["payments", "Payments", payments],
  ["kyc", "KYC", kyc],
  ["audit", "Audit log", audit],
];

function current(): string {
  const name = location.hash.replace(/^#/, "");
  return sections.some(([id]) => id === name) ? name : "overview";
}

async function show(): Promise<void> {
  const name = current();
  for (const b of byId("tabs").querySelectorAll<HTMLButtonElement>("button")) b.setAttribute("aria-selected", String(b.dataset.section === name));
  const view = sections.find(([id]) => id === name)?.[2] ?? overview;
  await view(main, api);
}

function signIn(message = ""): void {
  mount(byId("tabs"));
  mount(byId("account"));
  const form = h("form", { "aria-label": "Operator sign in", novalidate: true },
    h("label", {}, "E-mail", h("input", { name: "email", type: "email", autocomplete: "username", required: true })),
    h("label", {}, "Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    h("div", { class: "error", "data-error": "", role: "alert" }, message),
    h("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    try {
      await api.login(String(d.get("email")).trim(), String(d.get("password")));
      await start();
    } catch (e) {
      showFieldError(form, undefined, messageOf(e));
    }
  });
  mount(main, h("section", { class: "auth panel" }, h("h1", {}, "Operator console"), form));
  (form.querySelector("input") as HTMLInputElement).focus();
}

async function start(): Promise<void> {
  let me: User;
  try {
    me = await api.get<User>("/api/v1/me");
  } catch {
    return signIn();
  }
  if (me.role !== "operator") {
    await api.logout();
    return signIn("This account is not an operator.");
  }
  mount(byId("tabs"), ...sections.map(([id, label]) =>
    h("button", { type: "button", role: "tab", "data-section": id, onclick: () => { location.hash = id; } }, label)));
  byId("tabs").setAttribute("role", "tablist");
  mount(byId("account"), h("span", { class: "muted" }, me.email),
    h("button", { type: "button", onclick: async () => { await api.logout(); location.hash = ""; signIn(); } }, "Sign out"));
  window.onhashchange = () => void show();
  const stream = new StreamClient({
    url: streamUrl(location),
    token: () => api.accessToken(),
    onStatus: () => {},
    onMessage: (m) => {
      if (m.type === "subscribed" || m.type === "authenticated") return;
      // A withdrawal to look at, a payment flag raised: the payments queues changed.
      if (m.type === "withdrawal" || m.type === "payment_flag") {
        if (current() === "payments") void show();
        return;
      }
      // Plugin lifecycle and other operator events: what is shown may have changed.
      if (["overview", "plugins"].includes(current())) void show();
    },
  });
  stream.subscribe({ channel: "operator" });
  stream.connect();
  await show();
}

api.onSignedOut = () => signIn("Your session ended. Sign in again.");
if (api.signedIn) void start();
else signIn();
