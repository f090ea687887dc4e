// Toasts: short notices in a polite live region (screen readers announce them).
import { h } from "./dom";

export type NoticeKind = "info" | "win" | "loss" | "error";

export function notify(kind: NoticeKind, title: string, body = "", timeoutMs = 6000): void {
  const region = document.getElementById("notices");
  if (!region) return;
  const note = h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status", "data-kind": kind },
    h("strong", {}, title), body ? h("span", {}, body) : null,
    h("button", { class: "notice-close", "aria-label": "Dismiss", onclick: () => note.remove() }, "×"));
  region.append(note);
  setTimeout(() => note.remove(), timeoutMs);
}
