import { describe, expect, it } from "vitest";
import { CmdLook, CmdSay } from "../../evennia-ts/commands/default/general.ts";
import { CmdQuit } from "../../evennia-ts/commands/default/account.ts";
import { CmdUnconnectedConnect, CmdUnconnectedCreate } from "../../evennia-ts/commands/default/unloggedin.ts";
import { Command } from "../../evennia-ts/commands/command.ts";
import { callCommand, createTestWorld, describeWithWorld } from "../../evennia-ts/testing/index.ts";

class CmdPoke extends Command {
  override key = "poke";
  override async func(): Promise<void> {
    this.msg(`You poke |w${this.args.trim()}|n.`);
  }
}

describeWithWorld("the world fixture", (w) => {
  it("has two rooms joined by an exit each way, an object, and two puppeted characters", () => {
    const { room1, room2, exit1, exit2, obj1, char1, char2, account1, account2, session1, session2 } = w.world;
    expect([room1.key, room2.key]).toEqual(["Room", "Room2"]);
    expect([exit1.location, exit1.destination]).toEqual([room1, room2]);
    expect([exit2.location, exit2.destination]).toEqual([room2, room1]);
    expect(obj1.location).toBe(room1);
    expect(char1.location).toBe(room1);
    expect(char2.location).toBe(room1);
    expect(session1.account).toBe(account1);
    expect(session1.puppet).toBe(char1);
    expect(session2.puppet).toBe(char2);
    expect(char1.account).toBe(account1);
    expect(account2.characters).toEqual([char2]);
    expect([...char1.sessions]).toEqual([session1]);
  });

  it("keeps the world on its own database, written", async () => {
    const rows = await w.world.fixture.db.query<{ key: string }>("SELECT key FROM objects ORDER BY id");
    expect(rows.map((r) => r.key)).toEqual(["Room", "Room2", "out", "back", "Obj", "Char", "Char2"]);
    const accounts = await w.world.fixture.db.query<{ username: string }>("SELECT username FROM accounts ORDER BY id");
    expect(accounts.map((r) => r.username)).toEqual(["TestAccount", "TestAccount2"]);
  });

  it("callCommand runs a command and returns what the caller got, markup stripped", async () => {
    const out = await callCommand(w.world, CmdPoke, "the bear", "You poke the bear.");
    expect(out.text).toBe("You poke the bear.");
    await expect(callCommand(w.world, CmdPoke, "the bear", "You tickle")).rejects.toThrow(/expected the output to start with/);
  });

  it("callCommand returns what each receiver got", async () => {
    const { char1, char2, obj1 } = w.world;
    const out = await callCommand(w.world, CmdSay, "hello", 'You say, "hello"', { receivers: [char1, char2, obj1] });
    expect(out.of(char2)).toBe('Char says, "hello"');
    expect(out.of(obj1)).toBe('Char says, "hello"');
    expect(out.of(char1)).toBe('You say, "hello"');
  });

  it("callCommand runs as another caller, and look sees the room", async () => {
    const out = await callCommand(w.world, CmdLook, "", "Room", { caller: w.world.char2 });
    expect(out.text).toContain("room_desc");
    expect(out.text).toContain("Char");
  });

  it("callCommand rolls back a failing command and lets the error through", async () => {
    class CmdBreak extends Command {
      override key = "break";
      override async func(): Promise<void> {
        w.world.obj1.db.broken = true;
        throw new Error("boom");
      }
    }
    await expect(callCommand(w.world, CmdBreak, "")).rejects.toThrow("boom");
    expect(w.world.obj1.db.broken).toBeUndefined();
  });

  it("callCommand answers password questions and logs a new session in", async () => {
    const session = w.world.connectSession({ address: "10.0.0.9" });
    await callCommand(w.world, CmdUnconnectedCreate, "Newbie", undefined, { caller: session, inputs: ["sekrit99", "sekrit99"] });
    expect(w.world.text(session)).toContain("A new account 'Newbie' was created");
    const out = await callCommand(w.world, CmdUnconnectedConnect, "newbie", undefined, { caller: session, inputs: ["sekrit99"] });
    expect(session.account?.key).toBe("Newbie");
    expect(session.puppet?.key).toBe("Newbie");
    expect(out.text).toContain("You become Newbie.");
    expect(w.world.output(session).some(([c, , k]) => c === "echo" && k.hidden === true)).toBe(true);
  });

  it("quit logs the session out and asks the portal to close it", async () => {
    await callCommand(w.world, CmdQuit, "", undefined, { caller: w.world.char2 });
    expect(w.world.session2.account).toBeNull();
    expect(w.world.char2.location).toBeNull();
    expect(w.world.portalMessages).toContainEqual({ t: "disconnect", sessid: w.world.session2.sessid, reason: "Quitting. Hope to see you again, soon." });
  });
});

describe("createTestWorld", () => {
  it("leaves the sessions logged out when asked, and takes settings", async () => {
    const world = await createTestWorld("sqlite", { loggedOut: true, settings: { multisessionMode: 2 } });
    try {
      expect(world.session1.loggedIn).toBe(false);
      expect(world.char1.location).toBeNull();
      expect(world.settings.multisessionMode).toBe(2);
    } finally {
      await world.close();
    }
  });
});
