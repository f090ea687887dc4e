// The REST client: JSON in and out, access tokens refreshed before they
// expire (and once more on a 401), API errors (problem+json) as ApiError with
// the field they name so forms can show them next to the input.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail || title);
  }
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** epoch ms */
  expiresAt: number;
}

interface TokenReply {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 30_000;

export class ApiClient {
  private refreshing: Promise<boolean> | null = null;
  /** Called when the session ended (refresh refused): show the sign-in screen. */
  onSignedOut: () => void = () => {};

  constructor(
    private readonly storageKey: string,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly store: KeyValueStore = localStorage,
    private readonly now: () => number = Date.now,
  ) {}

  get tokens(): Tokens | null {
    const raw = this.store.getItem(this.storageKey);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Tokens;
    } catch {
      return null;
    }
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** A token valid for a while yet (refreshing first if needed); null when signed out. */
  async accessToken(): Promise<string | null> {
    const t = this.tokens;
    if (!t) return null;
    if (t.expiresAt - this.now() < REFRESH_MARGIN_MS && !(await this.refresh())) return null;
    return this.tokens?.accessToken ?? null;
  }

  async login(email: string, password: string): Promise<void> {
    const reply = await this.request<TokenReply>("POST", "/api/v1/auth/login", { email, password }, false);
    this.keep(reply);
  }

  async register(email: string, password: string, name: string): Promise<void> {
    await this.request("POST", "/api/v1/auth/register", { email, password, name }, false);
    await this.login(email, password);
  }

  async logout(): Promise<void> {
    const t = this.tokens;
    this.store.removeItem(this.storageKey);
    if (t) await this.request("POST", "/api/v1/auth/logout", { refresh_token: t.refreshToken }, false).catch(() => {});
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }

  /** Sends `body` as is (a file) with its content type; the JSON reply. */
  upload<T>(path: string, body: Blob, contentType: string): Promise<T> {
    return this.request<T>("POST", path, new RawBody(body, contentType));
  }

  /** The reply's bytes (a document), with the same sign-in and errors as request(). */
  async download(path: string): Promise<Blob> {
    const response = await this.exchange("GET", path, undefined, true, { Accept: "*/*" });
    if (!response.ok) throw problem(response, await response.text());
    return response.blob();
  }

  async request<T>(method: string, path: string, body?: unknown, auth = true, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.exchange(method, path, body, auth, headers);
    const text = await response.text();
    if (!response.ok) throw problem(response, text);
    return (text ? safeJson(text) : null) as T;
  }

  private async exchange(method: string, path: string, body: unknown, auth: boolean, headers: Record<string, string>): Promise<Response> {
    let response = await this.send(method, path, body, auth ? await this.accessToken() : null, headers);
    if (response.status === 401 && auth && this.tokens) {
      // Expired or revoked under us: one refresh, one retry.
      if (await this.refresh()) response = await this.send(method, path, body, this.tokens?.accessToken ?? null, headers);
    }
    return response;
  }

  private send(method: string, path: string, body: unknown, token: string | null, extra: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...extra };
    let payload: BodyInit | undefined;
    if (body instanceof RawBody) {
      headers["Content-Type"] = body.type;
      payload = body.data;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    return this.fetchImpl(path, { method, headers, body: payload });
  }

  /** Single-flight: concurrent callers share one refresh. */
  private refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const t = this.tokens;
    if (!t) return false;
    try {
      const reply = await this.request<TokenReply>("POST", "/api/v1/auth/refresh", { refresh_token: t.refreshToken }, false);
      this.keep(reply);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) {
        this.store.removeItem(this.storageKey);
        this.onSignedOut();
      }
      return false;
    }
  }

  private keep(reply: TokenReply): void {
    const tokens: Tokens = {
      accessToken: reply.access_token,
      refreshToken: reply.refresh_token,
      expiresAt: this.now() + reply.expires_in * 1000,
    };
    this.store.setItem(this.storageKey, JSON.stringify(tokens));
  }
}

/** A request body sent as is (an uploaded file), not as JSON. */
export class RawBody {
  constructor(
    readonly data: Blob,
    readonly type: string,
  ) {}
}

/** problem+json (or any error reply) as an ApiError. */
function problem(response: Response, text: string): ApiError {
  const p = ((text ? safeJson(text) : null) ?? {}) as { title?: string; detail?: string; field?: string };
  return new ApiError(response.status, p.title ?? response.statusText, p.detail ?? text, p.field);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A readable one-line message for any error (API or network). */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.detail || e.title;
  if (e instanceof TypeError) return "Cannot reach the server. Check your connection.";
  return e instanceof Error ? e.message : String(e);
}
