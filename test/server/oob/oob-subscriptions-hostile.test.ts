/**
 * The monitor, repeat and webclient_options inputfuncs under attack: a client that
 * leaves while its subscriptions are being brought back after a reload, a repeatable
 * function that never finishes, and repeat intervals that must not reach the database
 * through the ticker handler's saved state. Real game, both databases.
 */
import { describe, expect, it } from "vitest";
import { runInUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { monitoredBy, registerMonitorable, unregisterMonitorable } from "../../../evennia-ts/server/oob/monitors.ts";
import { oobServices } from "../../../evennia-ts/server/oob/oob-context.ts";
import { registerRepeatable, repeatsOf, unregisterRepeatable } from "../../../evennia-ts/server/oob/repeats.ts";
import { SessionHandler } from "../../../evennia-ts/server/session-handler.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../../evennia-ts/testing/database-fixture.ts";
import { tickerHandler, TICKER_STORAGE_KEY } from "../../../evennia-ts/timers/ticker-handler.ts";
import type { WsTestClient } from "../../portal/websocket/ws-test-client.ts";
import { websocketGameSuite } from "./websocket-game-suite.ts";
import { waitUntil } from "../../portal/telnet/telnet-test-client.ts";

if (!dialectAvailable("postgres")) printPostgresSkipNotice();

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`OOB subscriptions against hostile clients (${dialect})`, () => {
    const suite = websocketGameSuite(dialect, { multisessionMode: 1 }, "Hostile");
    const { player, sessionOf } = suite;
    const sync = (ws: WsTestClient): Promise<void> => ws.sync();

    const reload = suite.reload;

    it("a monitored value too large to send is not sent, and the server stays up", async () => {
      // a game's monitorable whose value is larger than one link frame (16 MB)
      let huge = false;
      registerMonitorable("journal", { field: "key", get: (obj) => (huge ? "x".repeat(17 * 1024 * 1024) : `journal of ${obj.key}`) });
      try {
        const { ws, name } = await player();
        ws.send(["monitor", [], { name: "journal" }]);
        await sync(ws);
        const server = suite.game().server();
        huge = true;
        await runInUnitOfWork(server!.db, () => {
          sessionOf(name).puppet!.key = `${name}-long`;
        });
        huge = false;
        await runInUnitOfWork(server!.db, () => {
          sessionOf(name).puppet!.key = `${name}-short`;
        });
        expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "journal", value: `journal of ${name}-short` }]);
        await sync(ws);
        expect(ws.messages("monitor")).toHaveLength(1);
        expect(suite.game().server()).toBe(server);
      } finally {
        unregisterMonitorable("journal");
      }
    });

    it("a disconnect undone by its failing unit of work leaves the session its monitors and repeats", async () => {
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "desc" }]);
      ws.send(["repeat", [], { callback: "test2", interval: 50 }]);
      await sync(ws);
      const session = sessionOf(name);
      const server = suite.game().server()!;
      // a command disconnects the player, then fails
      await expect(
        runInUnitOfWork(server.db, async () => {
          await oobServices()!.disconnect(session, "bye");
          throw new Error("the command failed");
        }),
      ).rejects.toThrow("the command failed");
      expect(server.allSessions()).toContain(session);
      expect(monitoredBy(session)).toEqual([["desc", "monitor"]]);
      expect(repeatsOf(session)).toEqual([["test2", 50]]);
      await runInUnitOfWork(server.db, () => {
        session.puppet!.db.desc = "still watched";
      });
      expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "desc", value: "still watched" }]);
      // a disconnect that stands still ends them
      await runInUnitOfWork(server.db, () => oobServices()!.disconnect(session, "bye"));
      expect(monitoredBy(session)).toEqual([]);
      expect(repeatsOf(session)).toEqual([]);
    });

    it("repeat intervals are not written into the ticker handler's saved state", async () => {
      const { ws, name } = await player();
      // an interval nothing else uses: a client picks as many odd ones as it may hold
      ws.send(["repeat", [], { callback: "test1", interval: 4321 }]);
      await sync(ws);
      expect(repeatsOf(sessionOf(name))).toEqual([["test1", 4321]]);
      const db = suite.game().server()!.db;
      const puppet = sessionOf(name).puppet!;
      // the game saves a persistent ticker of its own
      await runInUnitOfWork(db, () => {
        tickerHandler.add(1234, [puppet, "atInit"], { idstring: "hostile-test" });
      });
      try {
        const [row] = await db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", [TICKER_STORAGE_KEY]);
        const saved = JSON.parse(row!.value) as { anchors: Record<string, number>; subscriptions: { idstring: string }[] };
        expect(saved.subscriptions.map((s) => s.idstring)).toEqual(["hostile-test"]);
        expect(Object.keys(saved.anchors)).toEqual(["1234"]);
      } finally {
        await runInUnitOfWork(db, () => {
          tickerHandler.remove(1234, [puppet, "atInit"], { idstring: "hostile-test" });
        });
      }
    });

    it("a repeatable that never finishes holds up neither the other repeats of its interval nor itself", async () => {
      let release!: () => void;
      const hanging = new Promise<void>((resolve) => (release = resolve));
      let hangCalls = 0;
      registerRepeatable("hangs", () => {
        hangCalls++;
        return hanging;
      });
      try {
        const a = await player();
        a.ws.send(["repeat", [], { callback: "hangs", interval: 6 }]);
        await sync(a.ws);
        const b = await player();
        b.ws.send(["repeat", [], { callback: "test1", interval: 6 }]);
        await sync(b.ws);
        // two ticks of the 6 s interval: the other session's repeat runs at both
        await b.ws.waitForMessage("repeat", 10_000);
        await b.ws.waitForMessage("repeat", 10_000);
        // and the call still running is not started a second time
        expect(hangCalls).toBe(1);
        b.ws.send(["unrepeat", [], { callback: "test1" }]);
        a.ws.send(["unrepeat", [], { callback: "hangs" }]);
        await sync(a.ws);
        await sync(b.ws);
      } finally {
        release();
        unregisterRepeatable("hangs");
      }
    }, 30_000);

    it("a session that disconnects while the reloaded server restores it keeps no monitors, repeats or watches", async () => {
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "desc" }]);
      ws.send(["repeat", [], { callback: "test2", interval: 45 }]);
      ws.send(["webclient_options", [], {}]);
      await ws.waitForMessage("webclient_options");
      const sessid = sessionOf(name).sessid;
      // the client leaves just as the new server has loaded its account (the restore awaits the database)
      const original = SessionHandler.prototype.restore;
      let gone: ServerSession | null = null;
      SessionHandler.prototype.restore = async function (this: SessionHandler, session: ServerSession, data: Record<string, unknown>) {
        await original.call(this, session, data);
        if (session.sessid !== sessid) return;
        gone = session;
        ws.close();
        await waitUntil(() => this.get(sessid) === undefined, "the session gone on the server", 10_000);
      };
      try {
        await reload();
        await waitUntil(() => gone !== null && suite.game().portal.status().serverState === "running", "the restore", 10_000);
        await waitUntil(() => suite.game().server()!.allSessions().every((s) => s.sessid !== sessid), "the session gone", 10_000);
      } finally {
        SessionHandler.prototype.restore = original;
      }
      // a later client proves the server is past its welcome
      const other = await player();
      await sync(other.ws);
      expect(monitoredBy(gone!)).toEqual([]);
      expect(repeatsOf(gone!)).toEqual([]);
      expect(tickerHandler.all().filter((t) => t.idstring.startsWith(`oob-repeat:${sessid}:`))).toEqual([]);
    }, 60_000);

    it("a client that leaves while the reloaded server restores an earlier session leaves no session or repeat behind", async () => {
      const first = await player();
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "desc" }]);
      ws.send(["repeat", [], { callback: "test2", interval: 47 }]);
      await sync(ws);
      const leaver = sessionOf(name).sessid;
      const firstId = sessionOf(first.name).sessid;
      // the disconnects the new server hears
      const heard: number[] = [];
      const serverProto = Object.getPrototypeOf(suite.game().server()!) as { onPortalMessage(msg: { t: string; sessid?: number }): void };
      const onPortalMessage = serverProto.onPortalMessage;
      serverProto.onPortalMessage = function (msg) {
        if (msg.t === "disconnect" && typeof msg.sessid === "number") heard.push(msg.sessid);
        return onPortalMessage.call(this, msg);
      };
      // while the first session is restored, the other client leaves (before its own turn)
      const restore = SessionHandler.prototype.restore;
      const restored: number[] = [];
      let leftEarly: boolean | null = null;
      SessionHandler.prototype.restore = async function (this: SessionHandler, session: ServerSession, data: Record<string, unknown>) {
        restored.push(session.sessid);
        await restore.call(this, session, data);
        if (session.sessid !== firstId) return;
        leftEarly = !restored.includes(leaver);
        ws.close();
        await waitUntil(() => heard.includes(leaver), "the new server told of the disconnect", 10_000);
      };
      try {
        await reload();
        await waitUntil(() => leftEarly !== null, "the restore", 10_000);
      } finally {
        SessionHandler.prototype.restore = restore;
        serverProto.onPortalMessage = onPortalMessage;
      }
      expect(leftEarly).toBe(true);
      const other = await player();
      await sync(other.ws);
      await sync(first.ws);
      expect(suite.game().server()!.allSessions().map((s) => s.sessid)).not.toContain(leaver);
      expect(tickerHandler.all().filter((t) => t.idstring.startsWith(`oob-repeat:${leaver}:`))).toEqual([]);
    }, 60_000);
  });
}
