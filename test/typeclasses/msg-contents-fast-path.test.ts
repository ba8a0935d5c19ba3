/**
 * msgContents in a crowded room (issue 16): receivers that would do nothing with a
 * message (default hooks, no session) are skipped without formatting for them, and
 * every receiver still gets its own view of the names in the text.
 */
import { expect, it } from "vitest";
import type { OutputSpec } from "../../evennia-ts/protocol/message.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultObject, DefaultRoom, createObject, registerTypeclass } from "../../evennia-ts/typeclasses/index.ts";

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

/** A speaker that counts who asked for its name, and shows a nickname to "Bob". */
class CountedSpeaker extends DefaultCharacter {
  static askedBy: string[] = [];
  override getDisplayName(looker?: DefaultObject | null): string {
    CountedSpeaker.askedBy.push(looker?.key ?? "?");
    return looker?.key === "Bob" ? "your sister" : this.key;
  }
}
registerTypeclass("test.msgcontents.CountedSpeaker", CountedSpeaker);

/** A session-less thing that reacts to what it hears (as the demo's gardener). */
class Parrot extends DefaultObject {
  heard: string[] = [];
  override atMsgReceive(text: OutputSpec): boolean {
    this.heard.push(String(Array.isArray(text.text) ? text.text[0] : text.text));
    return true;
  }
}
registerTypeclass("test.msgcontents.Parrot", Parrot);

describeEachDatabase("msgContents to a crowded room", (ctx) => {
  it("formats only for receivers that can hear, each with its own view of the speaker's name", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const anna = await createObject(CountedSpeaker, { key: "Anna", location: hall });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall });
      const cid = await createObject(DefaultCharacter, { key: "Cid", location: hall });
      const dot = await createObject(DefaultCharacter, { key: "Dot", location: hall });
      const parrot = await createObject(Parrot, { key: "parrot", location: hall });
      for (let i = 0; i < 40; i++) await createObject(DefaultObject, { key: `stone ${i}`, location: hall });
      const [b, c, d] = [listen(bob), listen(cid), listen(dot)];
      CountedSpeaker.askedBy = [];

      anna.atSay("hello {there}");

      expect(b).toEqual(['your sister says, "hello {there}|n"']);
      expect(c).toEqual(['Anna says, "hello {there}|n"']);
      expect(d).toEqual(['Anna says, "hello {there}|n"']);
      expect(parrot.heard).toEqual(['Anna says, "hello {there}|n"']);
      // Bob, Cid, Dot and the parrot: not the 40 stones (and not Anna, who is excluded)
      expect(CountedSpeaker.askedBy.sort()).toEqual(["Bob", "Cid", "Dot", "parrot"]);
    });
  });

  it("still runs inline functions per receiver, and a sender's own atMsgSend for every receiver", async () => {
    await ctx.unit(async () => {
      const hall = await createObject(DefaultRoom, { key: "Hall" });
      const sentTo: string[] = [];
      class Teller extends DefaultCharacter {
        override atMsgSend(_text: OutputSpec, toObj: DefaultObject): void {
          sentTo.push(toObj.key);
        }
      }
      registerTypeclass("test.msgcontents.Teller", Teller);
      const anna = await createObject(Teller, { key: "Anna", location: hall });
      const bob = await createObject(DefaultCharacter, { key: "Bob", location: hall });
      await createObject(DefaultObject, { key: "stone", location: hall });
      const b = listen(bob);
      const a = listen(anna);
      hall.msgContents("$You() $conj(smile).", { fromObj: anna });
      expect(a).toEqual(["You smile."]);
      expect(b).toEqual(["Anna smiles."]);
      hall.msgContents("A bell rings.", { fromObj: anna, exclude: anna });
      expect(b).toEqual(["Anna smiles.", "A bell rings."]);
      expect(sentTo.sort()).toEqual(["Anna", "Bob", "Bob", "stone", "stone"]);
    });
  });
});
