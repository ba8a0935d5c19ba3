/**
 * What the web admin tests share: a portal-less server with its real web app on a
 * scratch database, three accounts (the superuser "root", an Admin "anna", a
 * Player "paul"), and an HTTP client that logs in with HTTP Basic, keeps the
 * website session cookie and sends each form's CSRF token the way a browser does
 * (read from the page the form is on).
 */
import type { Dialect } from "../../evennia-ts/db/writes.ts";
import type { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import type { WebServices } from "../../evennia-ts/web/web-context.ts";
import { basicAuth, WebTestClient } from "./web-test-client.ts";

/** The password of every test account. */
export const PASSWORD = "correct horse battery";

/** One HTTP answer. */
export interface Answer {
  status: number;
  text: string;
  location: string | null;
}

/**
 * A logged-in browser, as the admin sees it: the web tests' cookie-keeping client
 * (`web-test-client.ts`) plus an optional Basic login on every request and the CSRF
 * token of the last page read, which form posts carry.
 */
export class WebClient {
  private readonly http: WebTestClient;
  /** The CSRF token of the last page read (what its forms carry). */
  csrf = "";

  constructor(
    private readonly base: () => string,
    private readonly login: { username: string; password: string } | null,
  ) {
    this.http = new WebTestClient(base());
  }

  private async request(method: string, path: string, body?: string): Promise<Answer> {
    this.http.baseUrl = this.base();
    const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" };
    if (this.login) headers.authorization = basicAuth(this.login.username, this.login.password);
    const answer = await this.http.request(method, path, { body, headers });
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.body);
    if (token) this.csrf = token[1]!;
    return { status: answer.status, text: answer.body, location: answer.headers.get("location") };
  }

  /** GET `path` (no redirects followed). */
  get(path: string): Promise<Answer> {
    return this.request("GET", path);
  }

  /**
   * POST a form to `path` with the CSRF token of the last page read (unless
   * `csrf: false`, or a token is given in `fields`); a list value sends the field repeatedly.
   */
  post(path: string, fields: Record<string, string | string[]>, options: { csrf?: boolean } = {}): Promise<Answer> {
    const body = new URLSearchParams();
    if (options.csrf !== false && !("_csrf" in fields)) body.append("_csrf", this.csrf);
    for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    return this.request("POST", path, body.toString());
  }

  /** GET `page` (for its token), then POST `fields` to `path`; follows one redirect and returns both answers. */
  async submit(page: string, path: string, fields: Record<string, string | string[]>): Promise<{ post: Answer; after: Answer | null }> {
    const form = await this.get(page);
    if (form.status !== 200) throw new Error(`GET ${page} answered ${form.status}: ${form.text.slice(0, 500)}`);
    const post = await this.post(path, fields);
    if (post.status !== 303 || !post.location) return { post, after: null };
    const target = new URL(post.location, this.base());
    return { post, after: await this.get(target.pathname + target.search) };
  }
}

/** A running server with the test accounts and clients for each. */
export interface AdminWorld {
  web: WebTestServer;
  services: WebServices;
  root: DefaultAccount;
  anna: DefaultAccount;
  paul: DefaultAccount;
  asRoot: WebClient;
  asAnna: WebClient;
  asPaul: WebClient;
  anonymous: WebClient;
  stop(): Promise<void>;
}

/** Start a server on `dialect` with the three accounts. */
export async function startAdminWorld(dialect: Dialect): Promise<AdminWorld> {
  const web = await startWebTestServer(dialect);
  const services = (await web.server.web!.app()).context.services;
  const root = await services.createAccount("root", PASSWORD);
  const anna = await services.createAccount("anna", PASSWORD);
  const paul = await services.createAccount("paul", PASSWORD);
  await services.runInUnit(async () => {
    anna.permissions.add("Admin");
  });
  const base = () => web.url;
  return {
    web,
    services,
    root,
    anna,
    paul,
    asRoot: new WebClient(base, { username: "root", password: PASSWORD }),
    asAnna: new WebClient(base, { username: "anna", password: PASSWORD }),
    asPaul: new WebClient(base, { username: "paul", password: PASSWORD }),
    anonymous: new WebClient(base, null),
    stop: () => web.stop(),
  };
}

/** The text of an HTML page without tags, with the entities the templates write decoded. */
export function pageText(html: string): string {
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#34": '"' };
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|#34);/g, (_, name: string) => entities[name]!)
    .replace(/\s+/g, " ");
}
