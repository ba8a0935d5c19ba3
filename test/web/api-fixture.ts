/**
 * A running server (web app on loopback, real database) with a small world and
 * one account per role, for the REST API tests; requests are plain `fetch`.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { GameSettings } from "../../evennia-ts/conf/settings.ts";
import type { Dialect } from "../../evennia-ts/db/database.ts";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import type { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import type { WebContext, WebServices } from "../../evennia-ts/web/web-context.ts";

/** Who makes a request. */
export type Role = "anonymous" | "player" | "builder" | "admin" | "developer" | "superuser";

/** Permissions given to each role's account (the superuser is the first account made). */
const ROLE_PERMISSIONS: Record<Exclude<Role, "anonymous" | "superuser">, string> = {
  player: "Player",
  builder: "Builder",
  admin: "Admin",
  developer: "Developer",
};

export const PASSWORD = "correct horse battery";

/** The game's `web/urls.ts`: test-only login and CSRF-token routes (no login page exists yet) and one game API route. */
const GAME_WEB_MODULE = `
export default {
  routes(router, ctx) {
    router.get("/test-login", async (req, res) => {
      const [account] = await ctx.services.store.where("account", "username_lower = ?", [String(req.query.name).toLowerCase()]);
      await ctx.logIn(req, account);
      res.type("text").send("logged in");
    });
    router.get("/test-token", (req, res, next) => {
      ctx.render(req, res, "test-token.liquid").catch(next);
    });
  },
  apiRoutes(router, ctx) {
    router.get("/game-hello", (req, res) => res.json({ hello: ctx.account(req)?.key ?? null }));
  },
};
`;

/** One answer, read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Options of {@link ApiFixture.call}. */
export interface CallOptions {
  body?: unknown;
  /** Sent as it is (with `contentType`, default JSON). */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The running fixture. */
export interface ApiFixture {
  web: WebTestServer;
  context: WebContext;
  services: WebServices;
  accounts: Record<Exclude<Role, "anonymous">, DefaultAccount>;
  hall: DefaultObject;
  cellar: DefaultObject;
  down: DefaultObject;
  lamp: DefaultObject;
  /** A request to `/api<path>` as `role` (HTTP Basic). */
  call(role: Role, method: string, path: string, options?: CallOptions): Promise<Answer>;
  stop(): Promise<void>;
}

/** Read a response. */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Start a server on `dialect` with the world and accounts. */
export async function startApiFixture(dialect: Dialect, settings: GameSettings = {}): Promise<ApiFixture> {
  const web = await startWebTestServer(dialect, {
    settings: { webMaxBodyBytes: 16 * 1024, restApiPageSize: 4, restApiMaxPageSize: 5, ...settings },
    prepare: (dir) => {
      mkdirSync(path.join(dir, "web"), { recursive: true });
      writeFileSync(path.join(dir, "web", "urls.ts"), GAME_WEB_MODULE);
      mkdirSync(path.join(dir, "web", "templates"), { recursive: true });
      writeFileSync(path.join(dir, "web", "templates", "test-token.liquid"), "{{ csrfToken }}");
    },
  });
  const context = (await web.server.web!.app()).context;
  const services = context.services;
  const superuser = await services.createAccount("Root", PASSWORD);
  const accounts = { superuser } as ApiFixture["accounts"];
  for (const [role, perm] of Object.entries(ROLE_PERMISSIONS)) {
    const account = await services.createAccount(`${role}1`, PASSWORD);
    await services.runInUnit(async () => {
      account.permissions.clear();
      account.permissions.add(perm);
    });
    accounts[role as keyof typeof ROLE_PERMISSIONS] = account;
  }
  const world = await services.runInUnit(async () => {
    const hall = await createObject("evennia.objects.DefaultRoom", { key: "Hall" });
    const cellar = await createObject("evennia.objects.DefaultRoom", { key: "Cellar" });
    const down = await createObject("evennia.objects.DefaultExit", { key: "down", location: hall, destination: cellar });
    const lamp = await createObject(undefined, { key: "lamp", location: hall, home: hall, aliases: ["lantern"] });
    lamp.attributes.add("colour", "red");
    lamp.tags.add("shiny", "look");
    return { hall, cellar, down, lamp };
  });
  const base = `${web.url}/api`;
  const basic = (account: DefaultAccount) => `Basic ${Buffer.from(`${account.username}:${PASSWORD}`).toString("base64")}`;
  return {
    web,
    context,
    services,
    accounts,
    ...world,
    async call(role, method, urlPath, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (role !== "anonymous") headers.authorization = basic(accounts[role]);
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers["content-type"] = options.contentType ?? "application/json";
      return answerOf(await fetch(`${base}${urlPath}`, { method, headers, body }));
    },
    stop: () => web.stop(),
  };
}
