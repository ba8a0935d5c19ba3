/**
 * Appearance, messages and deleting (issue 11 points 4 and 9), on both databases.
 */
import { expect, it } from "vitest";
import type { OutputSpec } from "../../evennia-ts/protocol/message.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultCharacter,
  DefaultExit,
  DefaultObject,
  DefaultRoom,
  createAccount,
  createObject,
  registerTypeclass,
} from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "./store-helpers.ts";

function listen(obj: DefaultObject): string[] {
  const got: string[] = [];
  obj.sessions.add({
    sessid: obj.id,
    msg: (spec: string | OutputSpec) => {
      const text = typeof spec === "string" ? spec : spec.text;
      got.push(typeof text === "string" ? text : String((text as unknown[])[0]));
    },
  });
  return got;
}

class Shouter extends DefaultCharacter {
  override getDisplayName(looker?: DefaultObject | null): string {
    return looker?.key === "Bob" ? "a tall stranger" : this.key;
  }
  override atMsgReceive(text: OutputSpec): boolean {
    return !String(typeof text.text === "string" ? text.text : "").includes("secret");
  }
}
registerTypeclass("test.appearance.Shouter", Shouter);

const sent: string[] = [];
class Loud extends DefaultObject {
  override atMsgSend(text: OutputSpec, toObj: DefaultObject): void {
    sent.push(`${String(text.text)}->${toObj.key}`);
  }
}
registerTypeclass("test.appearance.Loud", Loud);

class Framed extends DefaultRoom {
  override getDisplayHeader(): string {
    return "~~ header ~~";
  }
  override getDisplayFooter(): string {
    return "~~ footer ~~";
  }
}
registerTypeclass("test.appearance.Framed", Framed);

describeEachDatabase("appearance, messages and deleting", (ctx) => {
  it("builds the appearance from its pieces, hides what the looker may not view and groups identical things", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(Framed, { key: "Hall", attributes: { desc: "Stone walls." } });
      const yard = await createObject(DefaultRoom, { key: "Yard" });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall });
      await createObject(DefaultCharacter, { key: "Bob", location: hall });
      for (const exit of ["west", "north", "east"]) await createObject(DefaultExit, { key: exit, location: hall, destination: yard });
      for (let i = 0; i < 3; i++) await createObject(DefaultObject, { key: "sword", location: hall });
      await createObject(DefaultObject, { key: "apple", location: hall });
      await createObject(DefaultObject, { key: "ghost", location: hall, locks: "view:false()" });
      await createObject(DefaultExit, { key: "secret door", location: hall, destination: yard, locks: "view:false()" });
      expect(hall.returnAppearance(anna)).toBe(
        [
          "~~ header ~~",
          "|cHall|n",
          "Stone walls.",
          "|wExits:|n west, north, and east",
          "|wCharacters:|n Bob",
          "|wYou see:|n an apple and three swords",
          "~~ footer ~~",
        ].join("\n"),
      );
      // a Builder sees dbrefs after names
      const account = await createAccount(undefined, { username: uniqueName("builder"), password: "secret-pass-1", permissions: ["Builder"] });
      anna.account = account;
      expect(hall.returnAppearance(anna).split("\n")[1]).toBe(`|cHall(${hall.dbref})|n`);
      // nothing to list: no empty lines
      expect(yard.returnAppearance(anna)).toBe(`|cYard(${yard.dbref})|n\nYou see nothing special.`);
    });
  });

  it("sends msg through atMsgSend and atMsgReceive, to every session or one", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const anna = await createObject(Shouter, { key: "Anna", location: hall });
      const loud = await createObject(Loud, { key: "horn", location: hall });
      const heard = listen(anna);
      const second: string[] = [];
      const raw: (string | OutputSpec)[] = [];
      const other = {
        sessid: 77,
        msg: (spec: string | OutputSpec) => {
          raw.push(spec);
          second.push(String(typeof spec === "string" ? spec : spec.text));
        },
      };
      anna.sessions.add(other);
      sent.length = 0;
      anna.msg("hello", { fromObj: loud });
      expect(heard).toEqual(["hello"]);
      expect(second).toEqual(["hello"]);
      expect(sent).toEqual(["hello->Anna"]);
      anna.msg("a secret", { fromObj: loud });
      expect(heard).toEqual(["hello"]);
      anna.msg("only you", { session: other });
      expect(second.at(-1)).toBe("only you");
      expect(heard).toHaveLength(1);
      anna.msg("typed", { options: { type: "say" } });
      expect(raw.at(-1)).toEqual({ text: ["typed", { type: "say" }] });
    });
  });

  it("formats msgContents mappings per receiver with getDisplayName(receiver)", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const anna = await createObject(Shouter, { key: "Anna", location: hall });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall });
      const cid = await createObject(DefaultCharacter, { key: "Cid", location: hall });
      const [a, b, c] = [listen(anna), listen(bob), listen(cid)];
      hall.msgContents("{actor} waves at {target}. {unknown} stays.", { exclude: [anna], mapping: { actor: anna, target: "nobody" } });
      expect(a).toEqual([]);
      expect(b).toEqual(["a tall stranger waves at nobody. {unknown} stays."]);
      expect(c).toEqual(["Anna waves at nobody. {unknown} stays."]);
    });
  });

  it("deletes: contents go home (or to the default home), exits go, puppets are let go with a message, references read null", async () => {
    const setup = await ctx.unit(async () => {
      const limbo = await createObject(DefaultRoom, { key: "Limbo" });
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const yard = await createObject(DefaultRoom, { key: "Yard" });
      const out = await createObject(DefaultExit, { key: "out", location: hall, destination: yard });
      const into = await createObject(DefaultExit, { key: "in", location: yard, destination: hall });
      const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall, home: yard });
      const rock = await createObject(DefaultObject, { key: "rock", location: hall });
      const note = await createObject(DefaultObject, { key: "note", location: yard, attributes: { about: hall } });
      return { limbo, hall, yard, out, into, anna, rock, note };
    });
    await ctx.db.write([
      {
        sql: "INSERT INTO server_config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params: ["default_home", String(setup.limbo.id)],
      },
    ]);
    const heard = listen(setup.anna);
    // a failing unit undoes all of it
    await expect(
      ctx.unit(async () => {
        await setup.hall.delete();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(setup.hall.isDeleted).toBe(false);
    expect(setup.anna.location).toBe(setup.hall);
    expect(setup.hall.contents.map((o) => o.key)).toEqual(["out", "Anna", "rock"]);
    expect(setup.into.isDeleted).toBe(false);
    heard.length = 0;
    await ctx.unit(() => setup.hall.delete());
    expect(setup.hall.isDeleted).toBe(true);
    expect(setup.out.isDeleted).toBe(true);
    expect(setup.into.isDeleted).toBe(true);
    expect(setup.anna.location).toBe(setup.yard);
    expect(heard[0]).toBe(`Your current location has ceased to exist, moving you to (${setup.yard.dbref}).`);
    expect(setup.rock.location).toBe(setup.limbo);
    expect(setup.yard.contents.map((o) => o.key)).toEqual(["Anna", "note"]);
    expect(setup.note.db.about).toBeNull();

    // deleting a puppeted character lets its sessions go, with a message
    const session = { sessid: 5, puppet: setup.anna as DefaultObject | null, got: [] as string[], msg(spec: string | OutputSpec) { this.got.push(String(spec)); } };
    setup.anna.sessions.add(session);
    ctx.store.pin(setup.anna, "puppet");
    await ctx.unit(() => setup.anna.delete());
    expect(session.got).toEqual(["Your character Anna has been destroyed."]);
    expect(session.puppet).toBeNull();
    expect(ctx.store.isPinned(setup.anna)).toBe(false);
  });
});
