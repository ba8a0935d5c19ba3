/**
 * On both databases: a website login survives a server restart (a new Server
 * process on the same database: the session store and the cookie secret are in the
 * database), and a webclient connection that arrives with the website's session
 * cookie is logged in as that account.
 *
 * The portal's forwarding of the cookie (`SessionSnapshot.webSession`) is built by
 * the portal's engineer; here the server is joined to a stand-in portal on a real
 * link socket that sends the `welcome` and `connect` messages a portal sends, with
 * `webSession` set, and reads what the server answers.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkConnection } from "../../evennia-ts/protocol/link-connection.ts";
import { parseServerMessage, type PortalToServer, type ServerToPortal, type SessionSnapshot } from "../../evennia-ts/protocol/link-messages.ts";
import { postgresTestUrl, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import { addProbeWebFiles } from "./probe-game.ts";
import { csrfTokenIn, WebTestClient } from "./web-test-client.ts";

/** A stand-in portal: accepts the server's link and records what it sends. */
class StandInPortal {
  readonly received: ServerToPortal[] = [];
  link: LinkConnection<ServerToPortal, PortalToServer> | null = null;
  private waiters: (() => void)[] = [];
  private readonly listener: net.Server;
  port = 0;

  constructor() {
    this.listener = net.createServer((socket) => {
      const link = new LinkConnection<ServerToPortal, PortalToServer>(socket, parseServerMessage, { maxFrameBytes: 16 * 1024 * 1024 });
      this.link = link;
      link.onMessage((msg) => {
        this.received.push(msg);
        for (const w of this.waiters.splice(0)) w();
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.listener.listen(0, "127.0.0.1", resolve));
    this.port = (this.listener.address() as net.AddressInfo).port;
  }

  /** Resolves with the first message received (so far or later) that `match` accepts. */
  async waitFor<T extends ServerToPortal>(match: (m: ServerToPortal) => m is T): Promise<T>;
  async waitFor(match: (m: ServerToPortal) => boolean): Promise<ServerToPortal>;
  async waitFor(match: (m: ServerToPortal) => boolean): Promise<ServerToPortal> {
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  send(msg: PortalToServer): void {
    this.link!.send(msg);
  }

  async close(): Promise<void> {
    this.link?.close("test over");
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}

function snapshot(sessid: number, webSession: string | undefined, data: Record<string, unknown> = {}): SessionSnapshot {
  return { sessid, protocolKey: "websocket", address: "127.0.0.1", clientOptions: {}, connectedAt: Date.now(), data, ...(webSession ? { webSession } : {}) };
}

/** The uid the server stored for `sessid` (its latest session-data), once it is `wanted`. */
function loggedInAs(portal: StandInPortal, sessid: number, wanted: number): Promise<ServerToPortal> {
  return portal.waitFor((m) => m.t === "session-data" && m.sessid === sessid && m.data.uid === wanted);
}

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(dialect === "postgres" && !postgresTestUrl)(`website sessions across restarts and into the webclient [${dialect}]`, () => {
    let t: WebTestServer;
    let anna: WebTestClient;
    let annaId: number;
    let bobId: number;

    beforeAll(async () => {
      t = await startWebTestServer(dialect, { prepare: addProbeWebFiles });
      const services = (await t.server.web!.app()).context.services;
      await services.createAccount("Root", "root-password");
      annaId = (await services.createAccount("Anna", "anna-password")).id;
      bobId = (await services.createAccount("Bob", "bob-password")).id;
      anna = new WebTestClient(t.url);
      const token = csrfTokenIn((await anna.get("/probe/form")).body);
      expect((await anna.postForm("/probe/login", { _csrf: token, username: "Anna", password: "anna-password" })).status).toBe(200);
    }, 60_000);

    afterAll(async () => {
      await t?.stop();
    });

    it("keeps the website login through a server restart on the same database", async () => {
      expect(JSON.parse((await anna.get("/probe/whoami")).body)).toEqual({ account: "Anna" });
      const before = t.server;
      await t.restart();
      expect(t.server).not.toBe(before);
      anna.baseUrl = t.url;
      expect(JSON.parse((await anna.get("/probe/whoami")).body)).toEqual({ account: "Anna" });
      // and the restarted server still checks the CSRF token the session holds
      const token = csrfTokenIn((await anna.get("/probe/form")).body);
      expect((await anna.postForm("/probe/form", { _csrf: token, value: "v" })).status).toBe(200);
    }, 60_000);

    it("logs a webclient connection with the website cookie in as that account, and only then", async () => {
      const cookie = anna.cookies.get(t.server.settings.webSessionCookie)!;
      expect(cookie).toMatch(/^s%3A/);
      const portal = new StandInPortal();
      await portal.listen();
      try {
        await t.server.connect({ host: "127.0.0.1", port: portal.port, token: "" });
        // the server says where its web app listens
        const web = await portal.waitFor((m) => m.t === "web");
        expect(web).toEqual({ t: "web", port: t.server.web!.port });
        // after a reload the portal hands over its sessions: one new with the cookie, one already Bob's
        portal.send({
          t: "welcome",
          mode: "reload",
          sessions: [snapshot(5, cookie), snapshot(9, cookie, { uid: bobId, puid: null })],
        });
        await portal.waitFor((m) => m.t === "synced");
        await loggedInAs(portal, 5, annaId);
        expect(t.server.sessions.get(9)?.account?.key).toBe("Bob");
        // new connections: the cookie logs in; a forged one, none, or a logged-out session's does not
        portal.send({ t: "connect", session: snapshot(6, cookie) });
        await loggedInAs(portal, 6, annaId);
        portal.send({ t: "connect", session: snapshot(7, cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A"))) });
        portal.send({ t: "connect", session: snapshot(8, undefined) });
        const loggedOut = new WebTestClient(t.url);
        // a browser with a session (it was shown a form) but not logged in
        csrfTokenIn((await loggedOut.get("/probe/form")).body);
        const anonymousCookie = loggedOut.cookies.get(t.server.settings.webSessionCookie)!;
        expect(anonymousCookie).toBeTruthy();
        portal.send({ t: "connect", session: snapshot(10, anonymousCookie) });
        // each got its connection screen; once the server has finished with them, none is logged in
        // (the same screen to several sessions in one turn travels as one multicast)
        const reached = (m: ServerToPortal, sessid: number) => (m.t === "msg" && m.sessid === sessid) || (m.t === "multicast" && m.sessids.includes(sessid));
        for (const sessid of [7, 8, 10]) await portal.waitFor((m) => reached(m, sessid));
        await t.server.settled();
        for (const sessid of [7, 8, 10]) {
          expect(t.server.sessions.get(sessid), `session ${sessid}`).toBeDefined();
          expect(t.server.sessions.get(sessid)?.account ?? null, `session ${sessid}`).toBeNull();
        }
      } finally {
        await portal.close();
      }
    }, 60_000);
  });
}
