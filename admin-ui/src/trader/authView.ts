// Sign in / create account. API errors appear next to the field they name.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";

export function renderAuth(root: HTMLElement, api: ApiClient, onSignedIn: () => void, mode: "login" | "register" = "login"): void {
  const registering = mode === "register";
  const form = h("form", { "aria-label": registering ? "Create account" : "Sign in", novalidate: true },
    registering ? h("label", {}, "Name", h("input", { name: "name", autocomplete: "name", required: true, maxlength: 100 })) : null,
    h("div", { class: "error", "data-error": "name" }),
    h("label", {}, "E-mail", h("input", { name: "email", type: "email", autocomplete: "email", required: true })),
    h("div", { class: "error", "data-error": "email" }),
    h("label", {}, "Password", h("input", { name: "password", type: "password", autocomplete: registering ? "new-password" : "current-password", required: true, minlength: 10 })),
    h("div", { class: "error", "data-error": "password" }),
    h("div", { class: "error", "data-error": "", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, registering ? "Create account" : "Sign in"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
    submit.disabled = true;
    try {
      if (registering) await api.register(email, password, String(data.get("name") ?? "").trim());
      else await api.login(email, password);
      onSignedIn();
    } catch (e) {
      showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
    } finally {
      submit.disabled = false;
    }
  });
  mount(root, h("section", { class: "auth panel" },
    h("h1", {}, registering ? "Create your account" : "Sign in to trade"),
    registering ? h("p", { class: "muted" }, "New accounts start with a demo balance.") : null,
    form,
    h("button", { class: "switch", type: "button", onclick: () => renderAuth(root, api, onSignedIn, registering ? "login" : "register") },
      registering ? "I have an account — sign in" : "New here? Create an account")));
  (form.querySelector("input") as HTMLInputElement).focus();
}
