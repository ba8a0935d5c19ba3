/**
 * The server's web app, running: it listens on loopback (`serverWebPort`; 0 picks a
 * free port, which the server tells the portal with `{t: "web", port}`), signs its
 * session cookies with a secret generated once and kept in `server_config` (so
 * logins survive reloads), and finds the website account of a webclient
 * connection's session cookie, to log that connection in (issue 15).
 *
 * The app itself (express, liquidjs, the admin: about 18 MiB of a server once loaded) is built on
 * the first request, or the first session cookie to look up: a game nobody browses
 * does not carry the web stack. The port listens from the start.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import { DefaultAccount } from "../typeclasses/accounts.ts";
import { getLogger } from "../utils/logger.ts";
import type { WebApp } from "../web/web-app.ts";
import type { WebServices } from "../web/web-context.ts";
import { accountIdOfSession, isCurrentLogin } from "../web/session-data.ts";
import { unsignSessionCookie } from "../web/signed-cookie.ts";
import type { ServerConfig } from "./server-config.ts";

const log = getLogger("web-server");

/** The `server_config` key of the session-cookie secret. */
export const WEB_SESSION_SECRET_KEY = "web_session_secret";

/** The secret that signs website session cookies: read from `server_config`, generated and stored the first time. */
export async function webSessionSecret(db: Database, config: ServerConfig): Promise<string> {
  const existing = await config.get(WEB_SESSION_SECRET_KEY);
  if (existing) return existing;
  const secret = randomBytes(32).toString("base64url");
  await runInUnitOfWork(db, () => config.stage(WEB_SESSION_SECRET_KEY, secret));
  return secret;
}

/** How long after a failed build of the web app requests are answered with its error before one tries again (ms). */
const WEB_APP_RETRY_MS = 5_000;

/** A running web app. */
export interface RunningWebServer {
  /** The loopback port it listens on. */
  readonly port: number;
  /** The web app, built now if no request has built it yet. */
  app(): Promise<WebApp>;
  /** The web app if it has been built, else null (nothing is built). */
  builtApp(): WebApp | null;
  /** The account a website session cookie (as the browser sent it) is logged in as, or null. */
  accountForSessionCookie(cookieValue: string): Promise<DefaultAccount | null>;
  /** Stop listening (open connections are closed). */
  close(): Promise<void>;
}

/** Listen on 127.0.0.1:`port` for the web app over `services`, which is built on first use. */
export async function startWebServer(services: WebServices, options: { secret: string; port: number; host?: string }): Promise<RunningWebServer> {
  let building: Promise<WebApp> | null = null;
  let built: WebApp | null = null;
  let closed = false;
  /** The last failed build: requests within {@link WEB_APP_RETRY_MS} of it get its error without another try. */
  let failure: { at: number; error: unknown } | null = null;
  const app = (): Promise<WebApp> => {
    if (!building && failure && Date.now() - failure.at < WEB_APP_RETRY_MS) return Promise.reject(failure.error);
    building ??= import("../web/web-app.ts")
      .then(({ createWebApp }) => createWebApp(services, { sessionSecret: options.secret }))
      .then((web) => {
        if (closed) web.close();
        built = web;
        return web;
      })
      .catch((err: unknown) => {
        // a request after a short pause tries again (a database that was away may be back)
        building = null;
        failure = { at: Date.now(), error: err };
        log.error(`the web app could not be built; requests get an error page, and one after ${WEB_APP_RETRY_MS / 1000} s tries again`, err);
        throw err;
      });
    return building;
  };
  const http: HttpServer = createServer((req, res) => {
    app().then(
      (web) => web.app(req, res),
      () => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("The web site could not start; the error is in the server's log.\n");
      },
    );
  });
  http.keepAliveTimeout = services.settings.webKeepAliveTimeout * 1000;
  http.headersTimeout = services.settings.webHeadersTimeout * 1000;
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host ?? "127.0.0.1", () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  log.info(`web app listening on 127.0.0.1:${port}`);
  return {
    port,
    app,
    builtApp: () => built,
    async accountForSessionCookie(cookieValue) {
      const sid = unsignSessionCookie(cookieValue, options.secret);
      if (!sid) return null;
      const data = await (await app()).sessionStore.read(sid);
      const id = accountIdOfSession(data);
      if (id === null) return null;
      const account = await services.store.get("account", id);
      // a login made before the account's password changed no longer holds (as on the website)
      return account instanceof DefaultAccount && isCurrentLogin(data, account, options.secret) ? account : null;
    },
    close: async () => {
      closed = true;
      built?.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      // a build still under way is closed when it ends (above)
    },
  };
}
