import { describe, expect, it } from "vitest";
import { ApiClient, ApiError } from "../../src/shared/api";

class MemoryStore {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("api client", () => {
  it("refreshes an access token that is about to expire before using it", async () => {
    let now = 0;
    const calls: string[] = [];
    const fetchImpl = async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method} ${url} ${(init?.headers as Record<string, string>).Authorization ?? ""}`);
      if (url.endsWith("/login")) return json(200, { access_token: "a1", refresh_token: "r1", expires_in: 900 });
      if (url.endsWith("/refresh")) return json(200, { access_token: "a2", refresh_token: "r2", expires_in: 900 });
      return json(200, { ok: true });
    };
    const api = new ApiClient("k", fetchImpl, new MemoryStore(), () => now);
    await api.login("e", "p");
    await api.get("/api/v1/me");
    now = 880_000; // 20 s left: refresh first
    await api.get("/api/v1/me");
    expect(calls).toEqual([
      "POST /api/v1/auth/login ",
      "GET /api/v1/me Bearer a1",
      "POST /api/v1/auth/refresh ",
      "GET /api/v1/me Bearer a2",
    ]);
  });

  it("retries once after a 401 with a refreshed token, and signs out when refresh is refused", async () => {
    const store = new MemoryStore();
    let signedOut = 0;
    let refreshOk = true;
    const fetchImpl = async (url: string, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).Authorization;
      if (url.endsWith("/refresh")) return refreshOk ? json(200, { access_token: "new", refresh_token: "r", expires_in: 900 }) : json(401, { title: "Unauthorized", detail: "revoked" });
      return auth === "Bearer new" ? json(200, { me: 1 }) : json(401, { title: "Unauthorized", detail: "expired" });
    };
    store.setItem("k", JSON.stringify({ accessToken: "old", refreshToken: "r0", expiresAt: 10 ** 13 }));
    const api = new ApiClient("k", fetchImpl, store, () => 0);
    api.onSignedOut = () => signedOut++;
    expect(await api.get("/api/v1/me")).toEqual({ me: 1 });
    store.setItem("k", JSON.stringify({ accessToken: "old", refreshToken: "r0", expiresAt: 10 ** 13 }));
    refreshOk = false;
    await expect(api.get("/api/v1/me")).rejects.toBeInstanceOf(ApiError);
    expect(signedOut).toBe(1);
    expect(api.signedIn).toBe(false);
  });

  it("turns problem+json into an ApiError naming the field", async () => {
    const api = new ApiClient("k", async () => json(422, { title: "Unprocessable Content", detail: "stake: insufficient available balance", field: "stake" }), new MemoryStore());
    const e = (await api.request("POST", "/api/v1/trades", {}, false).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.field).toBe("stake");
    expect(e.message).toBe("stake: insufficient available balance");
  });

  it("shares one refresh between concurrent requests", async () => {
    let refreshes = 0;
    const fetchImpl = async (url: string) => {
      if (url.endsWith("/refresh")) {
        refreshes++;
        await new Promise((r) => setTimeout(r, 5));
        return json(200, { access_token: "a", refresh_token: "r", expires_in: 900 });
      }
      return json(200, {});
    };
    const store = new MemoryStore();
    store.setItem("k", JSON.stringify({ accessToken: "x", refreshToken: "r0", expiresAt: 1 }));
    const api = new ApiClient("k", fetchImpl, store, () => 0);
    await Promise.all([api.get("/a"), api.get("/b"), api.get("/c")]);
    expect(refreshes).toBe(1);
  });

  it("uploads a file as the raw body with its type, retrying it after a 401", async () => {
    const seen: { auth?: string; type?: string; body: string }[] = [];
    const fetchImpl = async (url: string, init?: RequestInit) => {
      const headers = init?.headers as Record<string, string>;
      if (url.endsWith("/refresh")) return json(200, { access_token: "new", refresh_token: "r", expires_in: 900 });
      seen.push({ auth: headers.Authorization, type: headers["Content-Type"], body: await new Response(init?.body).text() });
      return headers.Authorization === "Bearer new" ? json(201, { id: "doc_1" }) : json(401, { title: "Unauthorized", detail: "expired" });
    };
    const store = new MemoryStore();
    store.setItem("k", JSON.stringify({ accessToken: "old", refreshToken: "r0", expiresAt: 10 ** 13 }));
    const api = new ApiClient("k", fetchImpl, store, () => 0);
    const file = new Blob(["%PDF-1.7 fake"]);
    expect(await api.upload("/api/v1/kyc/documents?type=passport", file, "application/pdf")).toEqual({ id: "doc_1" });
    expect(seen).toEqual([
      { auth: "Bearer old", type: "application/pdf", body: "%PDF-1.7 fake" },
      { auth: "Bearer new", type: "application/pdf", body: "%PDF-1.7 fake" },
    ]);
  });

  it("downloads bytes with the token, and turns an error reply into an ApiError", async () => {
    const fetchImpl = async (url: string, init?: RequestInit) => {
      const headers = init?.headers as Record<string, string>;
      expect(headers.Authorization).toBe("Bearer t");
      if (url.endsWith("/missing")) return json(404, { title: "Not Found", detail: "no such document" });
      return new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), { status: 200, headers: { "Content-Type": "image/png" } });
    };
    const store = new MemoryStore();
    store.setItem("k", JSON.stringify({ accessToken: "t", refreshToken: "r", expiresAt: 10 ** 13 }));
    const api = new ApiClient("k", fetchImpl, store, () => 0);
    const blob = await api.download("/api/v1/admin/kyc/kyc_1/documents/doc_1");
    expect(blob.type).toBe("image/png");
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const e = (await api.download("/missing").catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.detail]).toEqual([404, "no such document"]);
  });
});
