/**
 * What the server lends its web app (`WebServices`, web/web-context.ts): the
 * game's database and store, the same login and account-creation throttles as
 * telnet logins, the bans, the server admin, account creation the way the `create`
 * command does it, booting an account's sessions as `boot` does, and the figures of the sessions and the status page.
 */
import type { Settings } from "../conf/settings.ts";
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import type { BanAdmin, ServerAdmin, ThrottleAdmin } from "../commands/command.ts";
import { accountTypeclass, type DefaultAccount } from "../typeclasses/accounts.ts";
import type { Store } from "../typeclasses/store.ts";
import type { ServerStatusFigures, WebServices, WebSessionRow, WebThrottles } from "../web/web-context.ts";
import type { AccountCreationThrottle } from "./account-creation-throttle.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { ServerSession } from "./server-session.ts";
import { admitLoginAttempt, checkLoginThrottle } from "./throttle-services.ts";

/** The server parts the web services are made of. */
export interface WebServiceParts {
  settings: Settings;
  db: Database;
  store: Store;
  loginThrottle: LoginThrottle;
  creationThrottle: AccountCreationThrottle;
  throttleAdmin: ThrottleAdmin;
  bans: BanAdmin;
  server: ServerAdmin;
  /** Every session (logged in or not). */
  sessions(): ServerSession[];
  /** Log a session out and close it (the session handler's `disconnect`, as `boot` uses it). */
  disconnect(session: ServerSession, reason: string): Promise<void>;
}

/** The throttles by address, as the web app uses them (the same counts as telnet logins). */
export function webThrottles(parts: Pick<WebServiceParts, "loginThrottle" | "creationThrottle" | "throttleAdmin">): WebThrottles {
  const { loginThrottle, creationThrottle } = parts;
  return {
    loginCheck: (ip, username, attempt) => (attempt ? admitLoginAttempt(loginThrottle, attempt, ip, username) : checkLoginThrottle(loginThrottle, ip, username)),
    loginFailed: (ip, username, attempt) => loginThrottle.failed(ip, username, Date.now(), attempt),
    loginSucceeded: (ip, username, attempt) => loginThrottle.succeeded(ip, username, attempt),
    loginAbandoned: (attempt) => loginThrottle.release(attempt),
    accountCreationCheck: (ip) => creationThrottle.reserve(ip),
    accountCreationAborted: (ip) => creationThrottle.abort(ip),
    admin: parts.throttleAdmin,
  };
}

/** A session as the web admin lists it. */
function sessionRow(session: ServerSession): WebSessionRow {
  return {
    sessid: session.sessid,
    protocolKey: session.protocolKey,
    address: session.address,
    connectedAt: session.connectedAt,
    account: session.account?.key ?? null,
    puppet: session.puppet?.key ?? null,
  };
}

/** The web services of a running server. */
export function createWebServices(parts: WebServiceParts): WebServices {
  const { settings, db, store } = parts;
  return {
    settings,
    db,
    store,
    runInUnit: (fn) => runInUnitOfWork(db, () => fn()),
    throttles: webThrottles(parts),
    bans: parts.bans,
    server: parts.server,
    createAccount: (name: string, password: string): Promise<DefaultAccount> => {
      const typeclass = settings.baseAccountTypeclass;
      const cls = accountTypeclass(typeclass);
      // the same checks and hooks as `create`; a taken name is refused with EV_ERR_BAD_INPUT
      return runInUnitOfWork(db, () => {
        const username = cls.validateUsername(name);
        cls.validatePassword(password);
        return cls.create({ username, password, typeclass });
      });
    },
    sessions: () => parts.sessions().map(sessionRow),
    disconnectAccount: async (account, reason) => {
      const booted = parts.sessions().filter((s) => s.account === account);
      for (const session of booted) await parts.disconnect(session, reason);
      return booted.length;
    },
    status: async (): Promise<ServerStatusFigures> => {
      const sessions = parts.sessions();
      const sessionsByProtocol: Record<string, number> = {};
      for (const s of sessions) sessionsByProtocol[s.protocolKey] = (sessionsByProtocol[s.protocolKey] ?? 0) + 1;
      const accountsOnline = new Set(sessions.filter((s) => s.account).map((s) => s.account!.id)).size;
      const memory = process.memoryUsage();
      const identityMap: ServerStatusFigures["identityMap"] = {};
      for (const [kind, stats] of Object.entries(store.stats())) identityMap[kind] = { live: stats.live, pinned: stats.pinned, strong: stats.strong };
      return {
        serverName: settings.serverName,
        startedAt: parts.server.startedAt,
        firstStartedAt: await parts.server.firstStartedAt(),
        sessionsByProtocol,
        accountsOnline,
        commands: parts.server.commandRate(),
        commandLatency: parts.server.commandLatency(),
        ...(parts.server.loopHealth ? { loop: parts.server.loopHealth() } : {}),
        ...(parts.server.portalHealth ? { portal: parts.server.portalHealth() } : {}),
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
        identityMap,
      };
    },
    flushMemory: async () => store.flush(),
  };
}
