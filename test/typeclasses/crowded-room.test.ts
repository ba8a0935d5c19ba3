/**
 * A crowded room (issue 16): what `look` and a room's `say` cost was cut, and this
 * checks that nothing went stale or was shared where it must not be:
 *
 * - a look shows a rename, a `view` lock change, an arrival, a departure and a deletion
 *   in the very next look (contents are read in one pass without copies);
 * - the sessions of receivers on the default path get one frozen output spec and the
 *   same message triples (made once), while a receiver with its own hooks still gets
 *   a spec of its own to look at (and change) without the others seeing it.
 */
import { expect, it } from "vitest";
import type { OobMessage, OutputSpec } from "../../evennia-ts/protocol/message.ts";
import { normalizeOutput } from "../../evennia-ts/protocol/message.ts";
import { ServerSession } from "../../evennia-ts/server/server-session.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultExit, DefaultObject, DefaultRoom, createObject, registerTypeclass } from "../../evennia-ts/typeclasses/index.ts";
import { sharedMessages } from "../../evennia-ts/typeclasses/shared-output.ts";

/** A character that rewrites what it is told (a game's own hook). */
class Rewriter extends DefaultCharacter {
  override atMsgReceive(text: OutputSpec): boolean {
    const value = text.text;
    if (Array.isArray(value) && typeof value[0] === "string") value[0] = value[0].toUpperCase();
    return true;
  }
}
registerTypeclass("test.crowded.Rewriter", Rewriter);

/** A server session whose output is kept: `[sessid, msgs]` as the link would get them. */
function serverSession(sessid: number, sent: [number, OobMessage[]][]): ServerSession {
  return new ServerSession(
    { sessid, protocolKey: "telnet", address: "127.0.0.1", connectedAt: Date.now(), clientOptions: {}, data: {} },
    (id, msgs) => sent.push([id, msgs]),
  );
}

describeEachDatabase("a crowded room", (ctx) => {
  it("shows a rename, a view lock, an arrival, a departure and a deletion in the very next look", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const yard = await createObject(DefaultRoom, { key: "Yard" });
      const looker = await createObject(DefaultCharacter, { key: "Looker", location: hall });
      const others: DefaultCharacter[] = [];
      for (let i = 0; i < 30; i++) others.push(await createObject(DefaultCharacter, { key: `Guest${i}`, location: hall }));
      await createObject(DefaultExit, { key: "north", location: hall, destination: yard });
      const lamp = await createObject(DefaultObject, { key: "lamp", location: hall });
      const look = () => hall.returnAppearance(looker);

      const first = look();
      expect(first).toContain("Guest0, Guest1");
      expect(first).toContain("|wExits:|n north");
      expect(first).toContain("|wYou see:|n a lamp");
      expect(first).not.toContain("Looker,");

      others[0]!.key = "Renamed";
      expect(look()).toContain("Renamed, Guest1");

      others[1]!.locks.add("view:false()");
      expect(look()).not.toContain("Guest1,");
      others[1]!.locks.add("view:all()");
      expect(look()).toContain("Guest1,");

      const late = await createObject(DefaultCharacter, { key: "Latecomer", location: yard });
      await late.moveTo(hall, { quiet: true });
      expect(look()).toContain("Latecomer");
      await late.moveTo(yard, { quiet: true });
      expect(look()).not.toContain("Latecomer");

      await others[2]!.delete();
      expect(look()).not.toContain("Guest2,");
      await lamp.delete();
      expect(look()).not.toContain("lamp");
      // the contents list the look read is unchanged by it
      expect(hall.contentsGet({ exclude: [looker, others[3]!], contentType: "character" }).map((c) => c.key)).not.toContain("Guest3");
      expect(hall.contentsGet({ exclude: looker }).length).toBe(hall.contents.length - 1);
    });
  });

  it("gives the sessions of default receivers the same triples, and a receiver with its own hook a spec of its own", async () => {
    const sent: [number, OobMessage[]][] = [];
    // (a server session's output leaves when the unit of work commits)
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall });
      // first in the room: its hook runs before the others are sent anything
      const rewriter = await createObject(Rewriter, { key: "Rex", location: hall });
      const listeners: DefaultObject[] = [];
      for (let i = 0; i < 5; i++) listeners.push(await createObject(DefaultCharacter, { key: `L${i}`, location: hall }));
      for (const [i, obj] of [...listeners, rewriter].entries()) obj._attachSession(serverSession(i + 1, sent));

      anna.atSay("hello");
      hall.msgContents("The bell rings.", { options: { type: "bell" } });
    });
    {
      const says = sent.filter(([id, msgs]) => id <= 5 && String(msgs[0]![1][0]).includes("says,"));
      expect(says).toHaveLength(5);
      const expected = normalizeOutput({ text: ['Anna says, "hello|n"', { type: "say" }] });
      for (const [, msgs] of says) {
        expect(msgs).toEqual(expected);
        // one array for all (made once), frozen so that nobody can change it for the others
        expect(msgs).toBe(says[0]![1]);
        expect(Object.isFrozen(msgs[0]![2])).toBe(true);
      }
      // the game's hook changed its own copy only
      const rex = sent.filter(([id]) => id === 6).map(([, msgs]) => msgs[0]![1][0]);
      expect(rex).toEqual(['ANNA SAYS, "HELLO|N"', "THE BELL RINGS."]);
      // a string text with `options` reaches every session with them as its kwargs
      const bells = sent.filter(([id, msgs]) => id <= 5 && msgs[0]![1][0] === "The bell rings.");
      expect(sent).toHaveLength(12);
      expect(bells.map(([, msgs]) => msgs[0]![2])).toEqual(Array(5).fill({ type: "bell" }));
      expect(sharedMessages({ text: "The bell rings." })).toBeUndefined();
    }
  });
});
