// Identity verification: the user's status and what needs it, starting (or
// continuing) a case with the KYC provider and its instructions, document
// upload (checked here first, then by the server from the bytes), the
// documents sent, and the operator's decision. Decisions do not come over the
// stream, so an open case is re-read every little while.
import { ApiClient, ApiError, messageOf } from "../shared/api";
import { h, mount, showFieldError } from "../shared/dom";
import { formatBytes, formatDateTime } from "../shared/format";
import { checkDocument, documentTypeName, kycStatus, SNIFF_BYTES } from "../shared/kyc";
import { notify } from "../shared/notices";
import { redirectTarget } from "../shared/payments";
import type { KycDocument, KycInfo, KycStartReply } from "../shared/types";

const POLL_MS = 10_000;
const FILE_KINDS: Record<string, string> = { "image/jpeg": "JPEG image", "image/png": "PNG image", "application/pdf": "PDF" };

export class KycView {
  private info: KycInfo | null = null;
  private shown = "";
  /** what the provider said when the case was started or continued on this page */
  private instructions: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly onStatus: (info: KycInfo) => void,
  ) {}

  async refresh(): Promise<void> {
    let info: KycInfo;
    try {
      info = await this.api.get<KycInfo>("/api/v1/kyc");
    } catch (e) {
      // A failed re-read keeps what is on screen.
      if (!this.info) mount(this.root, h("h2", {}, "Identity verification"), h("p", { class: "error", role: "alert" }, messageOf(e)));
      return;
    }
    const text = JSON.stringify(info);
    if (text === this.shown) return;  // unchanged: keep the form as the user left it
    const decided = this.info?.status === "pending" && info.status !== "pending";
    this.shown = text;
    this.info = info;
    this.onStatus(info);
    this.render();
    this.poll();
    if (decided && info.status === "verified") notify("win", "Identity verified", "You can withdraw now.", 8000);
    if (decided && info.status === "rejected") notify("error", "Identity verification rejected", info.case?.reason ?? "", 10000);
  }

  /** Brings the section into view and puts the keyboard on its first action. */
  focus(): void {
    this.root.scrollIntoView({ behavior: "smooth", block: "start" });
    (this.root.querySelector<HTMLElement>("[data-role=kyc-start], select[name=type]") ?? this.root).focus({ preventScroll: true });
  }

  private poll(): void {
    const open = this.info?.status === "pending";
    if (open && !this.timer) this.timer = setInterval(() => void this.refresh(), POLL_MS);
    if (!open && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private render(): void {
    const info = this.info;
    if (!info) return;
    // No provider and nothing ever decided: the platform does not do KYC, so the section stays out of the way.
    this.root.hidden = !info.provider && info.status === "none";
    const s = kycStatus(info.status);
    const c = info.case;
    const error = h("div", { class: "error", role: "alert", "data-role": "kyc-error" });
    const start = (label: string): HTMLButtonElement => {
      const button: HTMLButtonElement = h("button", { type: "button", "data-role": "kyc-start", onclick: () => void this.start(button, error) }, label);
      return button;
    };
    const verbs: Record<string, string> = { withdrawals: "withdraw", deposits: "deposit", trading: "trade" };
    const purpose = info.required_for.length ? ` to ${info.required_for.map((a) => verbs[a] ?? a).join(" or ")}` : "";
    let body: (HTMLElement | null)[];
    if (!info.provider && info.status !== "verified") {
      body = [h("p", { class: "muted" }, "Identity verification is not set up on this platform.")];
    } else if (info.status === "verified") {
      body = [h("p", { class: "good" }, "Your identity is verified.", c?.updated_at ? ` (${formatDateTime(c.updated_at)})` : "")];
    } else if (info.status === "pending" && c?.status === "pending") {
      body = [
        this.instructions
          ? h("div", { class: "note", "data-role": "kyc-instructions" }, this.instructions)
          : h("p", {}, "Your verification is open. ", start("Show the instructions again")),
        this.uploadForm(info, c.documents.length),
        this.documents(c.documents, info.max_documents),
        h("p", { class: "muted" }, c.documents.length ? "An operator reviews your documents; this page updates when they decide." : "Upload your documents to have them reviewed."),
      ];
    } else {
      body = [
        info.status === "rejected"
          ? h("p", { class: "bad", "data-role": "kyc-reason" }, "Your verification was rejected", c?.reason ? `: ${c.reason}` : ".", " You can start again with new documents.")
          : h("p", {}, `Verify your identity${purpose}. You send photos or scans of your documents and they are reviewed.`),
        start(info.status === "rejected" ? "Start again" : "Start verification"),
      ];
    }
    mount(this.root,
      h("h2", {}, "Identity verification"),
      h("div", { class: "stats" },
        h("div", { class: "stat" }, h("div", { class: "label" }, "Status"),
          h("div", { class: `value ${s.tone}`, "data-role": "kyc-status", "data-status": info.status }, s.label)),
        info.required_for.length ? h("div", { class: "stat" }, h("div", { class: "label" }, "Needed for"), h("div", { class: "value" }, info.required_for.join(", "))) : null),
      ...body, error);
  }

  private async start(button: HTMLButtonElement, error: HTMLElement): Promise<void> {
    button.disabled = true;
    error.textContent = "";
    try {
      const reply = await this.api.post<KycStartReply>("/api/v1/kyc/start", {});
      this.instructions = reply.provider.instructions ?? null;
      const url = redirectTarget(reply.provider.redirect_url);
      if (url) {
        notify("info", "Opening the verification page…");
        location.assign(url);
        return;
      }
      this.shown = "";  // show the instructions even if nothing else changed
      await this.refresh();
    } catch (e) {
      error.textContent = messageOf(e);
      button.disabled = false;
    }
  }

  private uploadForm(info: KycInfo, uploaded: number): HTMLElement {
    if (uploaded >= info.max_documents)
      return h("p", { class: "muted" }, `You have sent the most documents a verification takes (${info.max_documents}).`);
    const type = h("select", { name: "type" }, ...info.document_types.map((t) => h("option", { value: t }, documentTypeName(t)))) as HTMLSelectElement;
    const file = h("input", { type: "file", name: "file", accept: "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf", "aria-describedby": "kyc-file-help" }) as HTMLInputElement;
    const submit = h("button", { type: "submit" }, "Upload") as HTMLButtonElement;
    const form = h("form", { class: "pay-form narrow", "aria-label": "Upload a document", novalidate: true },
      h("label", {}, "Document", type), h("div", { class: "error", "data-error": "type" }),
      h("label", {}, "File", file),
      h("small", { class: "muted", id: "kyc-file-help" }, `JPEG, PNG or PDF, at most ${formatBytes(info.max_document_bytes)}`),
      h("div", { class: "error", "data-error": "file" }),
      h("div", { class: "error", "data-error": "", role: "alert" }), submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = file.files?.[0];
      if (!f) return showFieldError(form, "file", "Choose a file");
      const head = new Uint8Array(await f.slice(0, SNIFF_BYTES).arrayBuffer());
      const check = checkDocument(f.size, head, info.max_document_bytes);
      if (!check.ok) return showFieldError(form, "file", check.error);
      showFieldError(form, undefined, "");
      submit.disabled = true;
      try {
        await this.api.upload<KycDocument>(`/api/v1/kyc/documents?type=${encodeURIComponent(type.value)}`, f, check.contentType);
        notify("info", "Document uploaded", `${documentTypeName(type.value)}: ${f.name}`);
        await this.refresh();
      } catch (e) {
        // 413 (too big) and 415 (not JPEG/PNG/PDF) are about the file.
        const field = e instanceof ApiError ? e.field ?? (e.status === 413 || e.status === 415 ? "file" : undefined) : undefined;
        showFieldError(form, field, messageOf(e));
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  private documents(docs: KycDocument[], max: number): HTMLElement {
    if (!docs.length) return h("p", { class: "muted" }, "No documents sent yet.");
    return h("div", { class: "table-wrap" }, h("table", { "aria-label": "Documents sent" },
      h("caption", { class: "muted" }, `${docs.length} of at most ${max} documents`),
      h("thead", {}, h("tr", {}, h("th", {}, "Document"), h("th", {}, "File"), h("th", { class: "num" }, "Size"), h("th", {}, "Sent"))),
      h("tbody", {}, ...docs.map((d) => h("tr", { "data-document": d.id },
        h("td", {}, documentTypeName(d.type)), h("td", {}, FILE_KINDS[d.content_type] ?? d.content_type),
        h("td", { class: "num" }, formatBytes(d.size_bytes)), h("td", {}, formatDateTime(d.uploaded_at)))))));
  }
}
