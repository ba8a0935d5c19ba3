/**
 * A browser-like HTTP client for web app tests: keeps cookies (name=value, as a
 * browser sends them back), reads the CSRF token out of a page, posts forms; and
 * raw requests whose path is sent exactly as written (no URL normalisation).
 */
import http from "node:http";

/** One HTTP answer. */
export interface WebAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** Raw `Set-Cookie` lines. */
  setCookies: string[];
}

/** A client with a cookie jar. */
export class WebTestClient {
  readonly cookies = new Map<string, string>();

  constructor(public baseUrl: string) {}

  /** The `Cookie` header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<WebAnswer> {
    const headers: Record<string, string> = { accept: "text/html", ...options.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const res = await fetch(this.baseUrl + path, { method, body: options.body, headers, redirect: "manual" });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return { status: res.status, headers: res.headers, body: await res.text(), setCookies };
  }

  get(path: string, headers?: Record<string, string>): Promise<WebAnswer> {
    return this.request("GET", path, { headers });
  }

  /** POST an urlencoded form. */
  postForm(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<WebAnswer> {
    return this.request("POST", path, {
      body: new URLSearchParams(fields).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });
  }
}

/** The value of the hidden `_csrf` field in a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF field in the page:\n${html.slice(0, 500)}`);
  return match[1]!;
}

/** Send a request with `path` exactly as given (for traversal attempts); resolves with status and body. */
export function rawRequest(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** `Authorization` header for HTTP Basic. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
