// Identity verification: status and document-type names, the checks a
// document passes before upload (the server makes the same ones from the
// bytes), and whether the page's Content-Security-Policy lets documents be
// previewed from blob: URLs. Pure functions (unit-tested).
import { formatBytes } from "./format";
import type { Tone } from "./payments";
import type { KycStatus } from "./types";

const STATUS: Record<KycStatus, [string, Tone]> = {
  none: ["Not verified", "muted"],
  pending: ["In review", "wait"],
  verified: ["Verified", "good"],
  rejected: ["Rejected", "bad"],
};

export function kycStatus(status: string): { label: string; tone: Tone } {
  const [label, tone] = STATUS[status as KycStatus] ?? [status, "muted"];
  return { label, tone };
}

const TYPE_NAMES: Record<string, string> = {
  passport: "Passport",
  national_id: "National ID card",
  driving_licence: "Driving licence",
  proof_of_address: "Proof of address",
  selfie: "Selfie",
};

/** "proof_of_address" → "Proof of address"; types the operator configured themselves get the same treatment. */
export function documentTypeName(type: string): string {
  if (TYPE_NAMES[type]) return TYPE_NAMES[type];
  const words = type.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type DocumentType = "image/jpeg" | "image/png" | "application/pdf";

/** The file type from its first bytes, as the server decides it: JPEG, PNG or PDF, else null. */
export function sniffDocument(head: Uint8Array): DocumentType | null {
  const starts = (magic: number[]) => magic.length <= head.length && magic.every((b, i) => head[i] === b);
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";  // %PDF-
  return null;
}

/** Bytes sniffDocument needs. */
export const SNIFF_BYTES = 8;

export type DocumentCheck = { ok: true; contentType: DocumentType } | { ok: false; error: string };

/** Whether a file of `size` bytes starting with `head` may be uploaded (at most `maxBytes`). */
export function checkDocument(size: number, head: Uint8Array, maxBytes: number): DocumentCheck {
  if (size === 0) return { ok: false, error: "The file is empty" };
  if (size > maxBytes) {
    const shown = formatBytes(size) === formatBytes(maxBytes) ? "just over" : formatBytes(size);
    return { ok: false, error: `Files are at most ${formatBytes(maxBytes)}; this one is ${shown}` };
  }
  const contentType = sniffDocument(head);
  if (!contentType) return { ok: false, error: "Upload a JPEG, PNG or PDF file" };
  return { ok: true, contentType };
}

/** A file name for a downloaded document: ("passport", "doc_1", "image/png") → "passport-doc_1.png". */
export function documentFileName(type: string, id: string, contentType: string): string {
  const ext = contentType === "image/jpeg" ? "jpg" : contentType === "image/png" ? "png" : contentType === "application/pdf" ? "pdf" : "bin";
  return `${type}-${id}.${ext}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * Whether a Content-Security-Policy lets the page load `source` (a scheme
 * such as "blob:") for `directive` (falling back to default-src, as browsers
 * do). No policy allows everything; "*" never covers blob:, data: or
 * filesystem: (CSP Level 3), so those must be named. Several policies (one
 * header each, joined by commas) must all allow it.
 */
export function cspAllows(policy: string | null, directive: string, source: string): boolean {
  if (!policy) return true;
  return policy.split(",").every((p) => policyAllows(p, directive, source));
}

function policyAllows(policy: string, directive: string, source: string): boolean {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
  }
  const values = directives.get(directive) ?? directives.get("default-src");
  if (!values) return true;
  const wanted = source.toLowerCase();
  return values.some((v) => v.toLowerCase() === wanted || (v === "*" && !/^(blob|data|filesystem):$/.test(wanted)));
}
