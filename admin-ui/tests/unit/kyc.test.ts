import { describe, expect, it } from "vitest";
import { checkDocument, cspAllows, documentFileName, documentTypeName, kycStatus, sniffDocument } from "../../src/shared/kyc";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const MAX = 5 * 1024 * 1024;

describe("documents", () => {
  it("tells JPEG, PNG and PDF apart by their first bytes, as the server does", () => {
    expect(sniffDocument(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("image/jpeg");
    expect(sniffDocument(PNG)).toBe("image/png");
    expect(sniffDocument(text("%PDF-1.7\n"))).toBe("application/pdf");
    expect(sniffDocument(text("GIF89a"))).toBeNull();
    expect(sniffDocument(text("%PDF"))).toBeNull();  // the dash belongs to the signature
    expect(sniffDocument(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull();  // cut short
    expect(sniffDocument(bytes())).toBeNull();
  });
  it("checks size and type before uploading", () => {
    expect(checkDocument(67, PNG, MAX)).toEqual({ ok: true, contentType: "image/png" });
    expect(checkDocument(MAX, PNG, MAX).ok).toBe(true);
    expect(checkDocument(MAX + 1, PNG, MAX)).toEqual({ ok: false, error: "Files are at most 5 MB; this one is just over" });
    expect(checkDocument(6 * 1024 * 1024, PNG, MAX)).toEqual({ ok: false, error: "Files are at most 5 MB; this one is 6 MB" });
    expect(checkDocument(0, bytes(), MAX)).toEqual({ ok: false, error: "The file is empty" });
    expect(checkDocument(5, text("hello"), MAX)).toEqual({ ok: false, error: "Upload a JPEG, PNG or PDF file" });
  });
  it("names document types and downloaded files", () => {
    expect(documentTypeName("driving_licence")).toBe("Driving licence");
    expect(documentTypeName("national_id")).toBe("National ID card");
    expect(documentTypeName("bank_statement")).toBe("Bank statement");
    expect(documentFileName("passport", "doc_1", "image/png")).toBe("passport-doc_1.png");
    expect(documentFileName("selfie", "doc_2", "image/jpeg")).toBe("selfie-doc_2.jpg");
    expect(documentFileName("proof_of_address", "../x", "application/pdf")).toBe("proof_of_address-.._x.pdf");
  });
  it("names verification statuses", () => {
    expect(kycStatus("none")).toEqual({ label: "Not verified", tone: "muted" });
    expect(kycStatus("pending")).toEqual({ label: "In review", tone: "wait" });
    expect(kycStatus("verified")).toEqual({ label: "Verified", tone: "good" });
    expect(kycStatus("rejected")).toEqual({ label: "Rejected", tone: "bad" });
  });
});

describe("content security policy", () => {
  // What the kernel sends with the HTML today (kernel/src/api/StreamAndStaticRoutes.cpp).
  const kernel = "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; " +
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

  it("sees that the kernel's policy refuses blob: images, and that adding blob: to img-src allows them", () => {
    expect(cspAllows(kernel, "img-src", "blob:")).toBe(false);
    expect(cspAllows(kernel, "img-src", "data:")).toBe(true);
    expect(cspAllows(kernel.replace("img-src 'self' data:", "img-src 'self' data: blob:"), "img-src", "blob:")).toBe(true);
  });
  it("falls back to default-src, and otherwise allows", () => {
    expect(cspAllows("default-src 'self' blob:", "img-src", "blob:")).toBe(true);
    expect(cspAllows("default-src 'self'", "img-src", "blob:")).toBe(false);
    expect(cspAllows("script-src 'self'", "img-src", "blob:")).toBe(true);
    expect(cspAllows(null, "img-src", "blob:")).toBe(true);
    expect(cspAllows("", "img-src", "blob:")).toBe(true);
  });
  it("does not let * stand for blob:, and needs every policy to allow it", () => {
    expect(cspAllows("img-src *", "img-src", "blob:")).toBe(false);
    expect(cspAllows("img-src *", "img-src", "https:")).toBe(true);
    expect(cspAllows("img-src BLOB:", "img-src", "blob:")).toBe(true);
    expect(cspAllows("img-src blob:, img-src 'self'", "img-src", "blob:")).toBe(false);
    expect(cspAllows("img-src blob:; img-src 'self'", "img-src", "blob:")).toBe(true);  // the first of a repeated directive counts
  });
});
