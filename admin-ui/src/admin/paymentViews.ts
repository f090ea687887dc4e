// The console's money and identity sections: the withdrawal approval queue,
// deposits, risk flags and reconciliation; KYC cases with their documents.
// Like the other sections they re-read the server after every action, and
// operator hints on the stream (main.ts) re-render them.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";
import { formatBytes, formatDateTime, formatMoney } from "../shared/format";
import { cspAllows, documentFileName, documentTypeName, kycStatus } from "../shared/kyc";
import { notify } from "../shared/notices";
import { depositStatus, withdrawalStatus } from "../shared/payments";
import type { AdminDeposit, AdminKycCase, AdminWithdrawal, KycDocument, PaymentFlag, ReconcileReport, User, Withdrawal } from "../shared/types";
import { failed } from "./views";
import type { View } from "./views";

/** What each list shows, kept across re-renders (stream hints re-render often). */
const filters = { withdrawals: "pending_approval", deposits: "", flags: "open", kyc: "pending" };

const WITHDRAWAL_FILTERS = ["pending_approval", "approved", "processing", "succeeded", "failed", "rejected", "cancelled", "reversed"];
const DEPOSIT_FILTERS = ["pending", "succeeded", "failed", "review"];

// ---- people: user ids → e-mail addresses, looked up once each ----

const people = new Map<string, string>();

async function lookUp(api: ApiClient, ids: string[]): Promise<void> {
  const unknown = [...new Set(ids)].filter((id) => id && !people.has(id)).slice(0, 50);
  await Promise.all(unknown.map(async (id) => {
    try {
      // The search matches a user id exactly as well as e-mail and name.
      const found = (await api.get<{ users: User[] }>(`/api/v1/admin/users?q=${encodeURIComponent(id)}&limit=5`)).users.find((u) => u.id === id);
      if (found) people.set(id, found.email);
    } catch {
      // shown as the id
    }
  }));
}

function who(id: string): HTMLElement {
  return h("span", { title: id, "data-user": people.get(id) ?? id }, people.get(id) ?? id);
}

function badge(s: { label: string; tone: string }): HTMLElement {
  return h("span", { class: `badge ${s.tone}`, "data-role": "status" }, s.label);
}

function filterSelect(label: string, value: string, options: string[], names: (v: string) => string, onChange: (v: string) => void): HTMLElement {
  return h("label", {}, label, h("select", { onchange: (ev: Event) => onChange((ev.target as HTMLSelectElement).value) },
    ...options.map((o) => h("option", { value: o, selected: o === value }, names(o)))));
}

/**
 * A dialog asking why (rejections): the reason is required and reaches the
 * user and the audit log. `send` throwing keeps it open with the error shown.
 */
function reasonDialog(title: string, action: string, send: (reason: string) => Promise<void>): void {
  const dialog = h("dialog", { "aria-label": title });
  const form = h("form", { method: "dialog", novalidate: true },
    h("h3", {}, title),
    h("label", {}, "Reason (the user sees it; kept in the audit log)", h("input", { name: "reason", required: true, maxlength: 500, autocomplete: "off" })),
    h("div", { class: "error", "data-error": "reason" }),
    h("div", { class: "error", "data-error": "", role: "alert" }),
    h("div", { class: "row-actions" }, h("button", { type: "submit", value: "apply" }, action), h("button", { type: "button", onclick: () => dialog.close() }, "Cancel")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const reason = String(new FormData(form).get("reason") ?? "").trim();
    if (!reason) return showFieldError(form, "reason", "Give a reason");
    try {
      await send(reason);
      dialog.close();
    } catch (e) {
      showFieldError(form, e instanceof ApiError ? e.field : undefined, messageOf(e));
    }
  });
  dialog.append(form);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function destinationText(d: Record<string, unknown> | null | undefined): string {
  const parts = Object.entries(d ?? {}).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(", ") : "—";
}

// ---- payments ----

export const payments: View = async (root, api) => {
  let withdrawals: AdminWithdrawal[];
  let deposits: AdminDeposit[];
  let flags: PaymentFlag[];
  const status = (s: string) => (s ? `status=${encodeURIComponent(s)}&` : "");
  try {
    [withdrawals, deposits, flags] = await Promise.all([
      api.get<{ withdrawals: AdminWithdrawal[] }>(`/api/v1/admin/withdrawals?${status(filters.withdrawals)}limit=100`).then((r) => r.withdrawals),
      api.get<{ deposits: AdminDeposit[] }>(`/api/v1/admin/deposits?${status(filters.deposits)}limit=50`).then((r) => r.deposits),
      api.get<{ flags: PaymentFlag[] }>(`/api/v1/admin/payments/flags?open=${filters.flags === "open"}`).then((r) => r.flags),
    ]);
    await lookUp(api, [...withdrawals, ...deposits, ...flags].map((x) => x.user_id));
  } catch (e) {
    return failed(root, "Payments", e);
  }
  const again = () => payments(root, api);
  const refilter = (key: keyof typeof filters) => (v: string) => {
    filters[key] = v;
    void again();
  };

  const approve = async (w: AdminWithdrawal) => {
    const amount = formatMoney(w.amount, w.currency);
    if (!confirm(`Approve the withdrawal of ${amount} by ${people.get(w.user_id) ?? w.user_id}? It is sent through ${w.gateway} at once.`)) return;
    try {
      const after = await api.post<Withdrawal>(`/api/v1/admin/withdrawals/${encodeURIComponent(w.id)}/approve`);
      notify("info", `Withdrawal of ${amount} approved`, `now ${withdrawalStatus(after.status).label.toLowerCase()}`);
    } catch (e) {
      notify("error", `Could not approve the withdrawal of ${amount}`, messageOf(e), 10000);
    }
    await again();
  };
  const reject = (w: AdminWithdrawal) => {
    const amount = formatMoney(w.amount, w.currency);
    reasonDialog(`Reject the withdrawal of ${amount} by ${people.get(w.user_id) ?? w.user_id}`, "Reject", async (reason) => {
      await api.post(`/api/v1/admin/withdrawals/${encodeURIComponent(w.id)}/reject`, { reason });
      notify("info", `Withdrawal of ${amount} rejected`, "the amount went back to the user's balance");
      await again();
    });
  };
  const resolve = async (f: PaymentFlag) => {
    if (!confirm(`Resolve the flag "${f.rule}" on ${people.get(f.user_id) ?? f.user_id}? Their withdrawals may be approved automatically again.`)) return;
    try {
      await api.post(`/api/v1/admin/payments/flags/${encodeURIComponent(f.id)}/resolve`);
      notify("info", `Flag ${f.rule} resolved`);
    } catch (e) {
      notify("error", "Could not resolve the flag", messageOf(e), 10000);
    }
    await again();
  };
  const reconcile = async (button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const r = await api.post<ReconcileReport>("/api/v1/admin/payments/reconcile");
      notify("info", "Reconciliation done",
        `deposits: ${r.deposits_checked} checked, ${r.deposits_completed} completed; ` +
        `withdrawals: ${r.withdrawals_sent} sent, ${r.withdrawals_checked} checked, ${r.withdrawals_completed} completed`, 10000);
    } catch (e) {
      notify("error", "Reconciliation failed", messageOf(e), 10000);
    }
    await again();
  };
  const reconcileButton: HTMLButtonElement = h("button", { type: "button", onclick: () => void reconcile(reconcileButton) }, "Reconcile now");

  mount(root,
    h("section", { class: "panel", "aria-label": "Withdrawals" }, h("h2", {}, "Withdrawals"),
      h("div", { class: "toolbar" },
        filterSelect("Show", filters.withdrawals, ["", ...WITHDRAWAL_FILTERS], (v) => (v ? withdrawalStatus(v).label : "All"), refilter("withdrawals")),
        reconcileButton,
        h("small", { class: "muted" }, "Asks the gateways about deposits and withdrawals still open, and sends approved withdrawals that are due.")),
      withdrawals.length ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["Requested", "User", "Amount", "Via", "Destination", "Status", "Attempts", "Actions"].map((c) => h("th", { class: c === "Amount" ? "num" : "" }, c)))),
        h("tbody", {}, ...withdrawals.map((w) => h("tr", { "data-withdrawal": w.id, "data-status": w.status },
          h("td", {}, formatDateTime(w.created_at)), h("td", {}, who(w.user_id)),
          h("td", { class: "num" }, formatMoney(w.amount, w.currency)),
          h("td", {}, w.gateway, h("div", { class: "muted" }, w.method)),
          h("td", { class: "muted" }, destinationText(w.destination)),
          h("td", {}, badge(withdrawalStatus(w.status)), w.reason ? h("div", { class: "muted" }, w.reason) : null),
          h("td", { class: "num" }, String(w.attempts)),
          h("td", {}, w.status === "pending_approval" ? h("div", { class: "row-actions" },
            h("button", { type: "button", onclick: () => void approve(w), "aria-label": `Approve withdrawal ${w.id}` }, "Approve"),
            h("button", { type: "button", onclick: () => reject(w), "aria-label": `Reject withdrawal ${w.id}` }, "Reject")) : null))))))
        : h("p", { class: "muted", "data-role": "empty" }, filters.withdrawals === "pending_approval" ? "No withdrawal awaits approval." : "No withdrawals.")),

    h("section", { class: "panel", "aria-label": "Risk flags" }, h("h2", {}, "Risk flags"),
      h("div", { class: "toolbar" },
        filterSelect("Show", filters.flags, ["open", "all"], (v) => (v === "open" ? "Open" : "All"), refilter("flags")),
        h("small", { class: "muted" }, "Velocity rules flag users for a look; nothing is blocked, but a flagged user's withdrawals all wait for approval.")),
      flags.length ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["Raised", "User", "Rule", "Detail", "Reference", "Resolved", ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, ...flags.map((f) => h("tr", { "data-flag": f.id, "data-rule": f.rule },
          h("td", {}, formatDateTime(f.created_at)), h("td", {}, who(f.user_id)), h("td", {}, f.rule),
          h("td", { class: "muted" }, f.detail), h("td", { class: "mono" }, f.reference),
          h("td", {}, f.resolved_at ? `${f.resolved_by ?? ""} ${formatDateTime(f.resolved_at)}` : h("span", { class: "badge wait" }, "open")),
          h("td", {}, f.resolved_at ? null : h("button", { type: "button", onclick: () => void resolve(f), "aria-label": `Resolve flag ${f.rule}` }, "Resolve")))))))
        : h("p", { class: "muted", "data-role": "empty" }, filters.flags === "open" ? "No open flags." : "No flags.")),

    h("section", { class: "panel", "aria-label": "Deposits" }, h("h2", {}, "Deposits"),
      h("div", { class: "toolbar" },
        filterSelect("Show", filters.deposits, ["", ...DEPOSIT_FILTERS], (v) => (v ? depositStatus(v).label : "All"), refilter("deposits"))),
      deposits.length ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["Created", "User", "Amount", "Via", "Status", "Provider ref", "Completed"].map((c) => h("th", { class: c === "Amount" ? "num" : "" }, c)))),
        h("tbody", {}, ...deposits.map((d) => h("tr", { "data-deposit": d.id, "data-status": d.status },
          h("td", {}, formatDateTime(d.created_at)), h("td", {}, who(d.user_id)),
          h("td", { class: "num" }, formatMoney(d.amount, d.currency)), h("td", {}, d.gateway),
          h("td", {}, badge(depositStatus(d.status)), d.reason ? h("div", { class: "muted" }, d.reason) : null),
          h("td", { class: "mono" }, d.provider_ref ?? "—"),
          h("td", {}, d.completed_at ? formatDateTime(d.completed_at) : "—"))))))
        : h("p", { class: "muted", "data-role": "empty" }, "No deposits.")));
};

// ---- identity verification ----

/** blob: URLs of documents on screen, revoked when the section is drawn again. */
const documentUrls: string[] = [];
let blobImages: Promise<boolean> | null = null;

/**
 * Whether this page's Content-Security-Policy lets <img> load blob: URLs (the
 * kernel sends the policy with the HTML). Asked once, from the same page's
 * headers, so no image is ever refused by the browser.
 */
function blobImagesAllowed(): Promise<boolean> {
  blobImages ??= fetch(location.pathname, { method: "HEAD", cache: "no-store" })
    .then((r) => cspAllows(r.headers.get("Content-Security-Policy"), "img-src", "blob:"))
    .catch(() => false);
  return blobImages;
}

async function showDocument(api: ApiClient, c: AdminKycCase, d: KycDocument, slot: HTMLElement): Promise<void> {
  mount(slot, h("p", { class: "muted" }, "Loading ", documentTypeName(d.type), "…"));
  try {
    const blob = await api.download(`/api/v1/admin/kyc/${encodeURIComponent(c.id)}/documents/${encodeURIComponent(d.id)}`);
    const url = URL.createObjectURL(blob);
    documentUrls.push(url);
    const name = documentFileName(d.type, d.id, d.content_type);
    const download = h("a", { href: url, download: name, "data-role": "download" }, `Download ${name}`);
    const image = d.content_type.startsWith("image/");
    if (image && (await blobImagesAllowed())) {
      mount(slot, h("figure", { class: "document" },
        h("img", { src: url, alt: `${documentTypeName(d.type)} of ${people.get(c.user_id) ?? c.user_id}`, class: "document-preview", "data-role": "preview" }),
        h("figcaption", {}, documentTypeName(d.type), " · ", download)));
    } else {
      mount(slot, h("p", { class: "document" },
        image ? h("span", { class: "muted", "data-role": "no-preview" }, "This page's security policy does not allow image previews (img-src needs blob:). ") : null,
        download));
    }
  } catch (e) {
    mount(slot, h("p", { class: "error", role: "alert" }, messageOf(e)));
  }
}

export const kyc: View = async (root, api) => {
  let cases: AdminKycCase[];
  try {
    cases = (await api.get<{ cases: AdminKycCase[] }>(`/api/v1/admin/kyc?${filters.kyc ? `status=${filters.kyc}&` : ""}limit=50`)).cases;
    await lookUp(api, cases.map((c) => c.user_id));
  } catch (e) {
    return failed(root, "Identity verification", e);
  }
  for (const url of documentUrls.splice(0)) URL.revokeObjectURL(url);
  const again = () => kyc(root, api);
  const person = (c: AdminKycCase) => people.get(c.user_id) ?? c.user_id;

  const approve = async (c: AdminKycCase) => {
    if (!confirm(`Approve the identity of ${person(c)}? They become verified and can withdraw.`)) return;
    try {
      await api.post(`/api/v1/admin/kyc/${encodeURIComponent(c.id)}/approve`);
      notify("info", `${person(c)} verified`);
    } catch (e) {
      notify("error", `Could not approve ${person(c)}`, messageOf(e), 10000);
    }
    await again();
  };
  const reject = (c: AdminKycCase) => reasonDialog(`Reject the identity of ${person(c)}`, "Reject", async (reason) => {
    await api.post(`/api/v1/admin/kyc/${encodeURIComponent(c.id)}/reject`, { reason });
    notify("info", `${person(c)} rejected`);
    await again();
  });

  const card = (c: AdminKycCase) => {
    const preview = h("div", { "data-role": "document" });
    return h("article", { class: "case", "data-case": c.id, "data-status": c.status, "aria-label": `Case of ${person(c)}` },
      h("div", { class: "case-head" }, h("strong", {}, who(c.user_id)), badge(kycStatus(c.status === "approved" ? "verified" : c.status)),
        h("span", { class: "muted" }, `${c.provider} · session ${c.session_id} · opened ${formatDateTime(c.created_at)}`)),
      c.reason ? h("p", { class: "bad" }, "Reason: ", c.reason) : null,
      c.reviewed_by ? h("p", { class: "muted" }, `Decided by ${c.reviewed_by}, ${formatDateTime(c.updated_at)}`) : null,
      c.documents.length ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["Document", "File", "Size", "Sent", "SHA-256", ""].map((x) => h("th", {}, x)))),
        h("tbody", {}, ...c.documents.map((d) => h("tr", { "data-document": d.id },
          h("td", {}, documentTypeName(d.type)), h("td", {}, d.content_type), h("td", {}, formatBytes(d.size_bytes)),
          h("td", {}, formatDateTime(d.uploaded_at)), h("td", { class: "mono", title: d.sha256 }, d.sha256.slice(0, 16), "…"),
          h("td", {}, h("button", { type: "button", onclick: () => void showDocument(api, c, d, preview), "aria-label": `View ${documentTypeName(d.type)} ${d.id}` }, "View")))))))
        : h("p", { class: "muted" }, "No documents yet."),
      preview,
      c.status === "pending" ? h("div", { class: "row-actions" },
        h("button", { type: "button", onclick: () => void approve(c), disabled: !c.documents.length, title: c.documents.length ? "" : "Nothing to review yet",
          "aria-label": `Approve identity of ${person(c)}` }, "Approve"),
        h("button", { type: "button", onclick: () => reject(c), "aria-label": `Reject identity of ${person(c)}` }, "Reject")) : null);
  };

  mount(root, h("section", { class: "panel", "aria-label": "Identity verification" }, h("h2", {}, "Identity verification (KYC)"),
    h("div", { class: "toolbar" },
      filterSelect("Show", filters.kyc, ["pending", "approved", "rejected", ""], (v) => (v ? v[0].toUpperCase() + v.slice(1) : "All"), (v) => {
        filters.kyc = v;
        void again();
      }),
      h("button", { type: "button", onclick: () => void again() }, "Refresh")),
    cases.length ? h("div", {}, ...cases.map(card)) : h("p", { class: "muted", "data-role": "empty" }, filters.kyc === "pending" ? "No case awaits review." : "No cases.")));
};
