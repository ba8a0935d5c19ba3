/**
 * Evennia's `monitor`/`unmonitor`/`monitored`, `repeat`/`unrepeat` and
 * `webclient_options` inputfuncs, through a real game over websocket (and GMCP for
 * monitor), on both databases: what is sent, when, what a hostile client cannot do,
 * and that all of it survives a server reload and ends with the session.
 */
import { describe, expect, it } from "vitest";
import { runInUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { registerMonitorable, unregisterMonitorable, MAX_MONITORS_PER_SESSION, monitoredBy } from "../../../evennia-ts/server/oob/monitors.ts";
import { repeatsOf } from "../../../evennia-ts/server/oob/repeats.ts";
import { WEBCLIENT_OPTIONS_ATTRIBUTE } from "../../../evennia-ts/server/oob/webclient-options.ts";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../../evennia-ts/testing/database-fixture.ts";
import { tickerHandler } from "../../../evennia-ts/timers/ticker-handler.ts";
import { createObject } from "../../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../../evennia-ts/typeclasses/objects.ts";
import { DefaultRoom } from "../../../evennia-ts/typeclasses/rooms.ts";
import type { WsTestClient } from "../../portal/websocket/ws-test-client.ts";
import { websocketGameSuite } from "./websocket-game-suite.ts";
import { waitUntil } from "../../portal/telnet/telnet-test-client.ts";
import { OobTelnetClient } from "./oob-test-clients.ts";

if (!dialectAvailable("postgres")) printPostgresSkipNotice();

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`monitor, repeat and webclient_options inputfuncs (${dialect})`, () => {
    const suite = websocketGameSuite(dialect, { multisessionMode: 1, maxNrSimultaneousPuppets: 3, maxNrCharacters: 3 }, "Tester");
    const { player, sessionOf } = suite;
    const connected = suite.connected;
    const sync = (ws: WsTestClient): Promise<void> => ws.sync();

    /** Run `change` on the character of `name` in a unit of work, as a command would. */
    async function onCharacter(name: string, change: (character: DefaultObject) => unknown): Promise<void> {
      await runInUnitOfWork(suite.game().server()!.db, async () => {
        await change(sessionOf(name).puppet!);
      });
    }

    it("monitor sends location, name and desc of the character after each change, until unmonitor", async () => {
      const { ws, name } = await player();
      for (const n of ["location", "name", "desc"]) ws.send(["monitor", [], { name: n }]);
      ws.send(["monitored", [], {}]);
      expect(await ws.waitForMessage("monitored")).toEqual(["monitored", [["location", "monitor"], ["name", "monitor"], ["desc", "monitor"]], {}]);
      await onCharacter(name, async (c) => {
        const hall = await createObject(DefaultRoom, { key: "Great Hall" });
        await c.moveTo(hall);
      });
      expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "location", value: "Great Hall" }]);
      await onCharacter(name, (c) => (c.db.desc = "A tall figure."));
      expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "desc", value: "A tall figure." }]);
      // changed twice in one unit of work: told once, with the value it committed
      await onCharacter(name, (c) => {
        c.key = "First";
        c.key = `${name}-renamed`;
      });
      expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "name", value: `${name}-renamed` }]);
      await sync(ws);
      expect(ws.messages("monitor")).toHaveLength(3);
      // other attributes and fields are not monitored
      await onCharacter(name, (c) => {
        c.db.hp = 3;
        c.home = null;
      });
      ws.send(["unmonitor", [], { name: "location" }]);
      await sync(ws);
      await onCharacter(name, async (c) => {
        await c.moveTo(await createObject(DefaultRoom, { key: "Cellar" }));
      });
      await sync(ws);
      expect(ws.messages("monitor")).toHaveLength(3);
      expect(monitoredBy(sessionOf(name))).toEqual([["name", "monitor"], ["desc", "monitor"]]);
    });

    it("a unit of work that fails tells nothing", async () => {
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "desc" }]);
      await sync(ws);
      await expect(
        onCharacter(name, (c) => {
          c.db.desc = "never committed";
          throw new Error("the command failed");
        }),
      ).rejects.toThrow("the command failed");
      await sync(ws);
      expect(ws.messages("monitor")).toEqual([]);
    });

    it("outputfunc_name renames the report; a category picks the attribute; a game's own names can be monitored", async () => {
      registerMonitorable("hp", { attribute: "hp" });
      try {
        const { ws, name } = await player();
        ws.send(["monitor", [], { name: "hp", outputfunc_name: "vitals" }]);
        ws.send(["monitor", [], { name: "desc", category: "Night" }]);
        await sync(ws);
        await onCharacter(name, (c) => {
          c.db.hp = 12;
          c.attributes.add("desc", "Dark.", { category: "night" });
          c.db.desc = "Bright.";
        });
        expect(await ws.waitForMessage("vitals")).toEqual(["vitals", [], { name: "hp", value: 12 }]);
        expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "desc", category: "night", value: "Dark." }]);
        await sync(ws);
        expect(ws.messages("monitor")).toHaveLength(1);
      } finally {
        unregisterMonitorable("hp");
      }
    });

    it("refuses names off the whitelist, reserved or malformed report names, odd kwargs, and more than the limit", async () => {
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "password" }]);
      ws.send(["monitor", [], { name: "db_key" }]);
      ws.send(["monitor", [], { name: { toString: "x" } }]);
      ws.send(["monitor", [], { name: "desc", outputfunc_name: "text" }]);
      ws.send(["monitor", [], { name: "desc", outputfunc_name: "Prompt" }]);
      ws.send(["monitor", [], { name: "desc", outputfunc_name: "a b\r\n" }]);
      ws.send(["monitor", [], { name: "desc", outputfunc_name: "x".repeat(65) }]);
      ws.send(["monitor", ["location"], {}]);
      await sync(ws);
      expect(monitoredBy(sessionOf(name))).toEqual([]);
      // the cap counts distinct monitors: categories make new ones
      for (let i = 0; i < MAX_MONITORS_PER_SESSION + 10; i++) ws.send(["monitor", [], { name: "desc", category: `c${i}` }]);
      await waitUntil(() => monitoredBy(sessionOf(name)).length >= MAX_MONITORS_PER_SESSION, "monitors");
      await sync(ws);
      expect(monitoredBy(sessionOf(name))).toHaveLength(MAX_MONITORS_PER_SESSION);
      // unmonitor without a category ends every monitor of the name
      ws.send(["unmonitor", [], { name: "desc" }]);
      await sync(ws);
      expect(monitoredBy(sessionOf(name))).toEqual([]);
    });

    it("monitors follow the session to the character it puppets next", async () => {
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "desc" }]);
      await sync(ws);
      const first = sessionOf(name).puppet!;
      ws.command("ooc");
      await ws.waitForText("You go OOC");
      // the character it left is no longer reported
      await runInUnitOfWork(suite.game().server()!.db, () => {
        first.db.desc = "left behind";
      });
      ws.command(`charcreate Second${name}`);
      await ws.waitForText("Created new character");
      ws.command(`ic Second${name}`);
      await ws.waitForText("You become");
      await onCharacter(name, (c) => (c.db.desc = "the new one"));
      expect(await ws.waitForMessage("monitor")).toEqual(["monitor", [], { name: "desc", value: "the new one" }]);
      await sync(ws);
      expect(ws.messages("monitor")).toHaveLength(1);
    });

    it("repeat calls a whitelisted function every interval (at least 5 s) until unrepeat; unknown names get the list", async () => {
      const { ws, name } = await player();
      ws.send(["repeat", [], { callback: "rm -rf", interval: 5 }]);
      await ws.waitForText("Allowed repeating functions are: test1, test2");
      ws.send(["repeat", [], { callback: "test1", interval: 1 }]);
      await sync(ws);
      expect(repeatsOf(sessionOf(name))).toEqual([["test1", 5]]);
      const [, args] = await ws.waitForMessage("repeat", 7000);
      expect(String(args[0])).toMatch(/^Repeat called: \d+(\.\d+)?$/);
      // the same repeat again is not a second one; absurd intervals are clamped
      ws.send(["repeat", [], { callback: "test1", interval: "5" }]);
      ws.send(["repeat", [], { callback: "test2", interval: 1e300 }]);
      ws.send(["repeat", [], { callback: "test2", interval: { valueOf: 1 } }]);
      await sync(ws);
      expect(repeatsOf(sessionOf(name))).toEqual([["test1", 5], ["test2", 60], ["test2", 86_400]]);
      ws.send(["unrepeat", [], { callback: "test2" }]);
      ws.send(["unrepeat", [], { callback: "test1", interval: 5 }]);
      await sync(ws);
      expect(repeatsOf(sessionOf(name))).toEqual([]);
      expect(tickerHandler.all().filter((t) => t.idstring.startsWith(`oob-repeat:${sessionOf(name).sessid}:`))).toEqual([]);
    });

    it("a session holds at most 16 repeats, and its repeats and monitors end when it disconnects", async () => {
      const { ws, name } = await player();
      const sessid = sessionOf(name).sessid;
      for (let i = 0; i < 20; i++) ws.send(["repeat", [], { callback: "test1", interval: 5 + i }]);
      await ws.waitForText("You can have at most 16 repeats running.");
      ws.send(["monitor", [], { name: "desc" }]);
      await sync(ws);
      expect(repeatsOf(sessionOf(name))).toHaveLength(16);
      const session = sessionOf(name);
      ws.close();
      await waitUntil(() => !suite.game().server()!.allSessions().some((s) => s.sessid === sessid), "the session gone");
      expect(repeatsOf(session)).toEqual([]);
      expect(monitoredBy(session)).toEqual([]);
      expect(tickerHandler.all().filter((t) => t.idstring.startsWith(`oob-repeat:${sessid}:`))).toEqual([]);
    });

    it("webclient_options sends the defaults, saves what is given on the account, and tells the account's other watching sessions", async () => {
      const anon = await connected();
      anon.send(["webclient_options", [], {}]);
      await sync(anon);
      expect(anon.messages("webclient_options")).toEqual([]);

      const { ws: first, name } = await player();
      first.send(["webclient_options", [], { cmdid: 3 }]);
      expect(await first.waitForMessage("webclient_options")).toEqual([
        "webclient_options",
        [],
        { gagprompt: true, helppopup: false, notification_popup: false, notification_sound: false },
      ]);
      // a second browser of the same account saves an option
      const second = await connected();
      second.command(`connect ${name} secret123`);
      await second.waitForText("You become");
      second.send(["webclient_options", [], { helppopup: true, theme: { dark: true }, cmdid: 9 }]);
      expect(await first.waitForMessage("webclient_options")).toEqual([
        "webclient_options",
        [],
        { gagprompt: true, helppopup: true, notification_popup: false, notification_sound: false, theme: { dark: true } },
      ]);
      // the second did not ask, so it is not told
      await sync(second);
      expect(second.messages("webclient_options")).toEqual([]);
      expect(sessionOf(name).account!.attributes.get(WEBCLIENT_OPTIONS_ATTRIBUTE)).toEqual({ helppopup: true, theme: { dark: true } });
      // and a third browser starts from them
      const third = await connected();
      third.command(`connect ${name} secret123`);
      await third.waitForText("You become");
      third.send(["webclient_options", [], {}]);
      expect((await third.waitForMessage("webclient_options"))[2]).toMatchObject({ helppopup: true, theme: { dark: true } });
    });

    it("webclient_options refuses floods and odd names, saving nothing of them", async () => {
      const { ws, name } = await player();
      const many: Record<string, number> = {};
      for (let i = 0; i < 65; i++) many[`o${i}`] = i;
      ws.send(["webclient_options", [], many]);
      ws.send(["webclient_options", [], { big: "x".repeat(9000) }]);
      ws.send(["webclient_options", [], { ["k".repeat(65)]: 1 }]);
      ws.sendRaw('["webclient_options", [], {"__proto__": {"polluted": true}}]');
      await sync(ws);
      expect(sessionOf(name).account!.attributes.get(WEBCLIENT_OPTIONS_ATTRIBUTE)).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      ws.send(["webclient_options", [], { gagprompt: false }]);
      await sync(ws);
      expect(sessionOf(name).account!.attributes.get(WEBCLIENT_OPTIONS_ATTRIBUTE)).toEqual({ gagprompt: false });
    });

    it("monitors, repeats and the webclient options watch come back after a server reload", async () => {
      const { ws, name } = await player();
      ws.send(["monitor", [], { name: "desc", outputfunc_name: "look_desc" }]);
      ws.send(["repeat", [], { callback: "test2", interval: 30 }]);
      ws.send(["webclient_options", [], {}]);
      await ws.waitForMessage("webclient_options");
      await suite.reload();
      await waitUntil(() => suite.game().server()!.allSessions().some((s) => s.account?.key === name && monitoredBy(s).length > 0), "monitors restored", 10_000);
      expect(monitoredBy(sessionOf(name))).toEqual([["desc", "look_desc"]]);
      expect(repeatsOf(sessionOf(name))).toEqual([["test2", 30]]);
      await onCharacter(name, (c) => (c.db.desc = "after the reload"));
      expect(await ws.waitForMessage("look_desc")).toEqual(["look_desc", [], { name: "desc", value: "after the reload" }]);
      await runInUnitOfWork(suite.game().server()!.db, () => sessionOf(name).account!.attributes.add(WEBCLIENT_OPTIONS_ATTRIBUTE, { helppopup: true }));
      expect((await ws.waitForMessage("webclient_options"))[2]).toMatchObject({ helppopup: true });
    }, 60_000);

    it("GMCP Char.Monitor.Update and Char.Repeat.Update reach monitor and repeat", async () => {
      const c = await OobTelnetClient.connect(suite.game(), "gmcp");
      try {
        await c.login(`Gmcp${dialect}`);
        c.gmcp('Char.Monitor.Update {"name": "desc"}');
        await waitUntil(() => monitoredBy(c.session()).length === 1, "monitor over GMCP");
        await runInUnitOfWork(suite.game().server()!.db, () => {
          c.session().puppet!.db.desc = "seen over GMCP";
        });
        expect(JSON.parse((await c.waitForGmcp("Char.Monitor.Update")).slice("Char.Monitor.Update ".length))).toEqual({ name: "desc", value: "seen over GMCP" });
        c.gmcp('Char.Repeat.Update {"callback": "test1", "interval": 5}');
        await waitUntil(() => repeatsOf(c.session()).length === 1, "repeat over GMCP");
      } finally {
        await c.close();
      }
    });
  });
}
