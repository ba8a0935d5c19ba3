/**
 * A small HTTP client for the website tests: keeps the session cookie like a
 * browser, reads the CSRF token out of the last page, and posts forms with it.
 * Redirects are not followed, so tests see them.
 */
export interface PageResponse {
  status: number;
  body: string;
  location: string | null;
}

export class WebsiteClient {
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had one. */
  csrfToken = "";

  constructor(
    readonly baseUrl: string,
    /** Sent as X-Forwarded-For, as the portal does for the browser's address. */
    readonly forwardedFor?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (this.forwardedFor) headers["x-forwarded-for"] = this.forwardedFor;
    return headers;
  }

  private async read(response: Response): Promise<PageResponse> {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body);
    if (token) this.csrfToken = token[1]!;
    return { status: response.status, body, location: response.headers.get("location") };
  }

  /** GET `path`. */
  async get(path: string): Promise<PageResponse> {
    return this.read(await fetch(this.baseUrl + path, { headers: this.headers(), redirect: "manual" }));
  }

  /** POST a form to `path` with the CSRF token (unless `withToken` is false). */
  async post(path: string, fields: Record<string, string>, withToken = true): Promise<PageResponse> {
    const form = new URLSearchParams(fields);
    if (withToken) form.set("_csrf", this.csrfToken);
    return this.read(
      await fetch(this.baseUrl + path, {
        method: "POST",
        headers: this.headers({ "content-type": "application/x-www-form-urlencoded" }),
        body: form.toString(),
        redirect: "manual",
      }),
    );
  }

  /** GET the form page `formPath` (for its token), then POST `fields` to `postPath` (default: the same). */
  async submit(formPath: string, fields: Record<string, string>, postPath = formPath): Promise<PageResponse> {
    await this.get(formPath);
    return this.post(postPath, fields);
  }
}
