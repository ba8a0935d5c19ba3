/**
 * A browser-like client of the PORTAL's web port, for the end-to-end tests: keeps
 * cookies, remembers the CSRF token of the last page that had one, posts forms, and
 * can connect from another loopback address (`127.0.0.2`, ...) so the portal sees a
 * different client, as it would see different people on the internet.
 */
import http from "node:http";

/** One answer, as the tests look at it. */
export interface PortalAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A cookie-keeping client of `http://127.0.0.1:<port>`. */
export class PortalWebClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had one. */
  csrfToken = "";

  constructor(
    readonly port: number,
    /** The loopback address this client connects from (its "real" address as the portal sees it). */
    readonly localAddress = "127.0.0.1",
  ) {}

  /** The `Cookie` header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Send a request; redirects are not followed. */
  request(method: string, path: string, options: { body?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<PortalAnswer> {
    const headers: http.OutgoingHttpHeaders = { accept: "text/html", ...options.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: this.port, path, method, headers, localAddress: this.localAddress, agent: false }, (res) => {
        for (const line of res.headers["set-cookie"] ?? []) {
          const [pair] = line.split(";");
          const eq = pair!.indexOf("=");
          this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
        }
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          const token = /name="_csrf" value="([^"]+)"/.exec(body);
          if (token) this.csrfToken = token[1]!;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(options.body);
    });
  }

  get(path: string, headers?: http.OutgoingHttpHeaders): Promise<PortalAnswer> {
    return this.request("GET", path, { headers });
  }

  /** POST an urlencoded form, with this client's CSRF token unless `withToken` is false. */
  post(path: string, fields: Record<string, string>, options: { withToken?: boolean; headers?: http.OutgoingHttpHeaders } = {}): Promise<PortalAnswer> {
    const all = options.withToken === false ? fields : { ...fields, _csrf: this.csrfToken };
    return this.request("POST", path, {
      body: new URLSearchParams(all).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", ...options.headers },
    });
  }

  /** GET the form page `formPath` (for its token), then POST `fields` to `postPath` (default: the same). */
  async submit(formPath: string, fields: Record<string, string>, postPath = formPath): Promise<PortalAnswer> {
    await this.get(formPath);
    return this.post(postPath, fields);
  }
}

/** Poll `check` until it holds; a condition, bounded by `timeoutMs` (then an error naming `what`). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The account a website page says is logged in (its header), or null. */
export function loggedInAs(html: string): string | null {
  return /<span class="site-account-name">([^<]*)<\/span>/.exec(html)?.[1] ?? null;
}
