/**
 * The website tests' browser: the web tests' cookie-keeping client, plus the
 * address the portal would pass on (`X-Forwarded-For`), the CSRF token of the
 * last page that had one, and form posts that carry it. Redirects are not
 * followed, so tests see them.
 */
import { WebTestClient } from "./web-test-client.ts";

/** One page as the tests look at it. */
export interface PageResponse {
  status: number;
  body: string;
  location: string | null;
}

export class WebsiteClient {
  private readonly http: WebTestClient;
  /** The CSRF token of the last page that had one. */
  csrfToken = "";

  constructor(
    baseUrl: string,
    /** Sent as X-Forwarded-For, as the portal does for the browser's address. */
    readonly forwardedFor?: string,
  ) {
    this.http = new WebTestClient(baseUrl);
  }

  private headers(): Record<string, string> {
    return this.forwardedFor ? { "x-forwarded-for": this.forwardedFor } : {};
  }

  private read(answer: { status: number; body: string; headers: Headers }): PageResponse {
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.body);
    if (token) this.csrfToken = token[1]!;
    return { status: answer.status, body: answer.body, location: answer.headers.get("location") };
  }

  /** GET `path`. */
  async get(path: string): Promise<PageResponse> {
    return this.read(await this.http.get(path, this.headers()));
  }

  /** POST a form to `path` with the CSRF token (unless `withToken` is false). */
  async post(path: string, fields: Record<string, string>, withToken = true): Promise<PageResponse> {
    return this.read(await this.http.postForm(path, withToken ? { ...fields, _csrf: this.csrfToken } : fields, this.headers()));
  }

  /** GET the form page `formPath` (for its token), then POST `fields` to `postPath` (default: the same). */
  async submit(formPath: string, fields: Record<string, string>, postPath = formPath): Promise<PageResponse> {
    await this.get(formPath);
    return this.post(postPath, fields);
  }
}
