/**
 * The server's web app: one express app for the website, the web admin and the
 * REST API, listening on loopback behind the portal's web port.
 *
 * In order, every request goes through: security headers (helmet, CSP), body
 * parsing with a size limit (413 above `webMaxBodyBytes`), the website session
 * (express-session on the game database), authentication (the session's account,
 * or HTTP Basic through the shared login throttle), `/static/` files; then the
 * game's own routes (`<game>/web/urls.ts`), the website at `/`, the admin at
 * `/admin`, the API at `/api`; then the 404 and error pages (HTML, or JSON under
 * `/api`). Forms on the website, the admin and the game's pages are checked for
 * their CSRF token. See docs/web.md.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { frameworkSourceDir } from "../utils/framework-root.ts";
import express, { Router, type Express, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import session from "express-session";
import { csrfSync } from "csrf-sync";
import { sessionChangeGuard } from "./api/session-change-guard.ts";
import { DefaultAccount } from "../typeclasses/accounts.ts";
import { hasPermission } from "../locks/permissions.ts";
import { getLogger } from "../utils/logger.ts";
import { describeError } from "../utils/errors.ts";
import { adminRoutes } from "./admin/routes.ts";
import { apiErrorBody } from "./api/api-error.ts";
import { apiRoutes } from "./api/routes.ts";
import { parseBasicAuthorization, checkBasicLogin } from "./basic-auth.ts";
import { loadGameWebModule } from "./game-web-module.ts";
import { securityHeaders } from "./security-headers.ts";
import { isCurrentLogin, passwordStampOf } from "./session-data.ts";
import { DatabaseSessionStore } from "./session-store.ts";
import { StaticFiles } from "./static-files.ts";
import { createTemplateRenderer, type TemplateRenderer } from "./templates.ts";
import type { CurrentAccount, GameWebModule, WebContext, WebServices } from "./web-context.ts";
import { websiteRoutes } from "./website/routes.ts";
import { EvenniaError } from "../utils/errors.ts";

const log = getLogger("web");
const auditLog = getLogger("web-audit");

/** The framework's web folder (`evennia-ts/web/`): its `templates/` and `static/`. */
export const FRAMEWORK_WEB_DIR = path.join(frameworkSourceDir, "web");

/** Options of {@link createWebApp}. */
export interface WebAppOptions {
  /** The secret that signs session cookies. Keep it across restarts, or every login is lost at a reload. */
  sessionSecret: string;
  /** The game folder whose `web/` overrides templates and static files and adds routes (default: `settings.gameDir`). */
  gameDir?: string;
  /** Where the login page is (default `/auth/login`). */
  loginPath?: string;
  /** How often expired sessions are pruned, ms (default one hour; 0: never by timer). */
  sessionPruneIntervalMs?: number;
}

/** The web app and the parts a server (or a test) may need to reach. */
export interface WebApp {
  readonly app: Express;
  readonly context: WebContext;
  readonly sessionStore: DatabaseSessionStore;
  readonly staticFiles: StaticFiles;
  readonly templates: TemplateRenderer;
  /** The game's web module, when it has one. */
  readonly gameModule: GameWebModule | null;
  /** Stop background work (session pruning). */
  close(): void;
}

/** An error with an HTTP status (body parsers, csrf-sync and `http-errors` set one). */
interface HttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  expose?: boolean;
  message?: string;
}

/** True for requests to the REST API (errors answered in JSON). */
function isApiRequest(req: Request): boolean {
  return req.path === "/api" || req.path.startsWith("/api/");
}

/** What templates see of an account (templates read plain data only). */
export interface AccountView {
  id: number;
  key: string;
  isSuperuser: boolean;
  /** Holds Admin or higher: the admin link is shown. */
  isAdmin: boolean;
  isStaff: boolean;
}

function accountView(account: CurrentAccount): AccountView | null {
  if (!account) return null;
  return {
    id: account.id,
    key: account.key,
    isSuperuser: account.isSuperuser,
    isAdmin: hasPermission(account, "Admin"),
    isStaff: hasPermission(account, "Builder"),
  };
}

/**
 * A redirect waits until the session is stored. express-session saves a changed
 * session while the response ends, after the headers are out, so a browser that
 * follows the `Location` at once could load the next page before the flash message
 * or login it carries is stored — and lose it. A session holding nothing (a visitor
 * sent to the login page) is not stored: it gets no cookie, so its row would only
 * take room in the table.
 */
const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session || !holdsData(req.session)) return redirect(...args);
    req.session.save((err: unknown) => (err ? next(err) : redirect(...args)));
  }) as typeof res.redirect;
  next();
};

/** True when a session holds anything besides its cookie (a login, a flash message, a form's token). */
function holdsData(data: object): boolean {
  return Object.keys(data).some((key) => key !== "cookie");
}

/** `req.session.regenerate` etc. as promises. */
function sessionCall(req: Request, op: "regenerate" | "save" | "destroy"): Promise<void> {
  return new Promise((resolve, reject) => req.session[op]((err: unknown) => (err ? reject(err instanceof Error ? err : new EvenniaError("EV_ERR_INTERNAL", String(err))) : resolve())));
}

/**
 * Build the web app over `services`. Loads the game's `web/urls.ts` (a failure to
 * load it is thrown: the server's code check reports it first).
 */
export async function createWebApp(services: WebServices, options: WebAppOptions): Promise<WebApp> {
  const settings = services.settings;
  const gameDir = options.gameDir ?? settings.gameDir;
  const gameWebDir = path.join(gameDir, "web");
  const loginPath = options.loginPath ?? "/auth/login";
  const https = settings.webSecureCookies;
  const app = express();
  app.disable("x-powered-by");
  // the portal proxies to us from loopback and says who the client is in X-Forwarded-For/-Proto
  app.set("trust proxy", "loopback");

  const templates = createTemplateRenderer({ framework: path.join(FRAMEWORK_WEB_DIR, "templates"), game: path.join(gameWebDir, "templates") });
  const staticFiles = new StaticFiles([path.join(gameWebDir, "static"), path.join(FRAMEWORK_WEB_DIR, "static")]);
  const sessionStore = new DatabaseSessionStore(services.db, {
    defaultTtlMs: settings.webSessionMaxAge * 1000,
    pruneIntervalMs: options.sessionPruneIntervalMs ?? 3600_000,
  });
  void sessionStore.prune().catch((err: unknown) => log.error("pruning expired web sessions failed", err));

  const accounts = new WeakMap<Request, DefaultAccount>();
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof fromBody === "string") return fromBody;
      const header = req.headers["x-csrf-token"];
      return typeof header === "string" ? header : undefined;
    },
  });

  const context: WebContext = {
    services,
    loginPath,
    account: (req) => accounts.get(req) ?? null,
    async render(req, res, template, data = {}, status = 200) {
      const flash = req.session?.flash ?? [];
      if (req.session?.flash) delete req.session.flash;
      const vars: Record<string, unknown> = {
        serverName: settings.serverName,
        account: accountView(context.account(req)),
        flash,
        path: req.path,
        ...data,
      };
      // the token is made (and the session saved) only when a template asks for it
      Object.defineProperty(vars, "csrfToken", { enumerable: true, get: () => (req.session ? generateToken(req) : "") });
      const html = await templates.render(template, vars);
      // a page made for a logged-in account is not kept by the browser: after logout, Back must not show it from cache
      if (context.account(req)) res.set("Cache-Control", "no-store");
      res.status(status).type("html").send(html);
    },
    async logIn(req, account) {
      const flash = req.session.flash;
      await sessionCall(req, "regenerate"); // a new id: a session id planted before login is worthless
      req.session.accountId = account.id;
      req.session.passwordStamp = passwordStampOf(account, options.sessionSecret);
      if (flash) req.session.flash = flash;
      await sessionCall(req, "save");
      accounts.set(req, account);
    },
    keepLoginAfterPasswordChange(req, account) {
      if (req.session?.accountId === account.id) req.session.passwordStamp = passwordStampOf(account, options.sessionSecret);
    },
    async logOut(req) {
      await sessionCall(req, "regenerate");
      accounts.delete(req);
    },
    requireLogin: (req, res, next) => {
      if (context.account(req)) return next();
      if (isApiRequest(req)) {
        res.status(401).set("WWW-Authenticate", `Basic realm="${settings.serverName}", charset="UTF-8"`).json(apiErrorBody(401, "authentication required"));
        return;
      }
      res.redirect(302, `${loginPath}?next=${encodeURIComponent(req.originalUrl)}`);
    },
    requirePermission: (permission) => (req, res, next) => {
      const account = context.account(req);
      if (!account) return context.requireLogin(req, res, next);
      if (hasPermission(account, permission)) return next();
      if (isApiRequest(req)) {
        res.status(403).json(apiErrorBody(403, `you need the ${permission} permission`));
        return;
      }
      void context.render(req, res, "403.liquid", { permission }, 403).catch(next);
    },
    csrf: csrfSynchronisedProtection as RequestHandler,
    audit(req, what) {
      const account = context.account(req);
      const who = account ? `${account.key}(#${account.id})` : "anonymous";
      auditLog.info(`${who} from ${req.ip ?? "?"}: ${what}`);
    },
    flash(req, message) {
      if (!req.session) return;
      (req.session.flash ??= []).push(message);
    },
  };

  app.use(securityHeaders(https));
  app.use(express.urlencoded({ extended: false, limit: settings.webMaxBodyBytes, parameterLimit: 1000 }));
  app.use(express.json({ limit: settings.webMaxBodyBytes }));
  app.use(
    session({
      name: settings.webSessionCookie,
      secret: options.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: true,
      cookie: { httpOnly: true, sameSite: "lax", secure: https, maxAge: settings.webSessionMaxAge * 1000, path: "/" },
    }),
  );
  app.use(saveSessionBeforeRedirect);
  app.use(authenticate(services, accounts, settings.serverName, options.sessionSecret));
  app.use("/static", staticFiles.handler());

  // forms of the website, the admin and the game's pages carry a CSRF token; the API is left to its own checks
  const csrfOutsideApi: RequestHandler = (req, res, next) => (isApiRequest(req) ? next() : context.csrf(req, res, next));
  const gameModule = await loadGameWebModule(gameDir);
  if (gameModule?.routes) {
    const router = Router();
    await gameModule.routes(router, context);
    app.use("/", csrfOutsideApi, router);
  }
  if (gameModule?.apiRoutes) {
    const router = Router();
    await gameModule.apiRoutes(router, context);
    // the game's changes made with the login cookie get the API's CSRF rule, as the framework's do
    app.use("/api", sessionChangeGuard(context), router);
  }
  app.use("/", csrfOutsideApi, websiteRoutes(context));
  app.use("/admin", context.csrf, adminRoutes(context));
  app.use("/api", apiRoutes(context));

  app.use((req, res, next) => {
    if (isApiRequest(req)) {
      res.status(404).json(apiErrorBody(404, `no API resource at ${req.path}`));
      return;
    }
    context.render(req, res, "404.liquid", {}, 404).catch(next);
  });
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = (err ?? {}) as HttpError;
    const status = e.status ?? e.statusCode ?? 500;
    const known = status >= 400 && status < 500;
    let message: string;
    if (e.type === "entity.too.large") message = `the request body is larger than ${settings.webMaxBodyBytes} bytes`;
    else if (e.code === "EBADCSRFTOKEN" || e.message === "invalid csrf token") message = "the form's security token is missing or out of date: reload the page and try again";
    else if (known) message = e.expose !== false && e.message ? e.message : "bad request";
    else message = "";
    const errorId = known ? null : randomBytes(4).toString("hex");
    if (errorId) log.error(`web request ${req.method} ${req.originalUrl} failed (error ${errorId}): ${describeError(err)}`, err);
    if (isApiRequest(req)) {
      res.status(status).json(apiErrorBody(errorId ? 500 : status, errorId ? `internal server error (error ${errorId})` : message, e.type));
      return;
    }
    if (!req.accepts("html")) {
      res.status(status).json(errorId ? { error: "internal server error", errorId } : { error: message });
      return;
    }
    const template = status === 403 ? "403.liquid" : status === 404 ? "404.liquid" : "500.liquid";
    context.render(req, res, template, { status, message, errorId }, known ? status : 500).catch((renderErr: unknown) => {
      log.error(`rendering the error page failed: ${describeError(renderErr)}`, renderErr);
      if (!res.headersSent) res.status(status).type("text").send(message || "Internal server error");
    });
  });

  return { app, context, sessionStore, staticFiles, templates, gameModule, close: () => sessionStore.close() };
}

/**
 * Who is asking: a Basic `Authorization` header is checked (through the shared
 * login throttle; a failure is answered 401/403/429 at once), else the website
 * session's account is loaded (a banned account or address counts as logged out; a
 * deleted account, or one whose password changed since this login, logs the session out).
 */
function authenticate(services: WebServices, accounts: WeakMap<Request, DefaultAccount>, realm: string, sessionSecret: string): RequestHandler {
  return (req, res, next) => {
    void (async () => {
      const basic = parseBasicAuthorization(req.headers.authorization);
      if (basic) {
        const result = await checkBasicLogin(services, req.ip ?? "", basic.username, basic.password);
        if (!result.ok) {
          if (result.status === 401) res.set("WWW-Authenticate", `Basic realm="${realm}", charset="UTF-8"`);
          if (isApiRequest(req)) res.status(result.status).json(apiErrorBody(result.status, result.reason));
          else if (!req.accepts("html")) res.status(result.status).json({ error: result.reason });
          else res.status(result.status).type("text").send(result.reason);
          return;
        }
        accounts.set(req, result.account);
        return next();
      }
      const id = req.session?.accountId;
      if (typeof id === "number") {
        const account = await services.store.get("account", id);
        if (!(account instanceof DefaultAccount) || !isCurrentLogin(req.session, account, sessionSecret)) {
          // the account is gone, or its password changed since this login
          delete req.session.accountId;
          delete req.session.passwordStamp;
        } else if (!(await services.bans.isBanned({ ip: req.ip ?? "", username: account.key }))) accounts.set(req, account);
      }
      next();
    })().catch(next);
  };
}
