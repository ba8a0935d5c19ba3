/**
 * Accounts, characters and sessions: login and puppet hooks in Evennia's order,
 * the multisession modes 0–3, character limits, guests, and the sessions API.
 * Runs on the world fixture (no sockets), on both databases.
 */
import { describe, expect, it } from "vitest";
import { CmdCharCreate, CmdIC, CmdOOC, CmdQuit } from "../../evennia-ts/commands/default/account.ts";
import { CmdUnconnectedConnect } from "../../evennia-ts/commands/default/unloggedin.ts";
import { ServerSession } from "../../evennia-ts/server/server-session.ts";
import { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { DefaultCharacter } from "../../evennia-ts/typeclasses/characters.ts";
import { createAccount, createObject } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultGuest, purgeGuests } from "../../evennia-ts/typeclasses/guests.ts";
import type { DefaultObject, ObjectSession } from "../../evennia-ts/typeclasses/objects.ts";
import { registerTypeclass } from "../../evennia-ts/typeclasses/registry.ts";
import { announceAll, sessionsFromAccount, sessionsFromCharacter, type Session } from "../../evennia-ts/typeclasses/sessions.ts";
import { callCommand, createTestWorld, describeWithWorld, type TestWorld } from "../../evennia-ts/testing/index.ts";
import { TEST_DIALECTS, dialectAvailable } from "../../evennia-ts/testing/database-fixture.ts";

const calls: string[] = [];

class RecordingAccount extends DefaultAccount {
  override async atAccountCreation(): Promise<void> {
    calls.push("account.atAccountCreation");
  }
  override async atFirstLogin(): Promise<void> {
    calls.push("account.atFirstLogin");
  }
  override async atPreLogin(): Promise<void> {
    calls.push("account.atPreLogin");
  }
  override async atPostLogin(session?: Session): Promise<void> {
    calls.push("account.atPostLogin");
    await super.atPostLogin(session);
  }
  override async atFailedLogin(): Promise<void> {
    calls.push("account.atFailedLogin");
  }
  override async atDisconnect(reason?: string): Promise<void> {
    calls.push(`account.atDisconnect(${reason})`);
  }
  override async atPostDisconnect(): Promise<void> {
    calls.push(`account.atPostDisconnect(connected=${this.isConnected})`);
  }
}
registerTypeclass("test.accounts.RecordingAccount", RecordingAccount);

class RecordingCharacter extends DefaultCharacter {
  override async atPrePuppet(account: DefaultAccount, session?: ObjectSession): Promise<void> {
    calls.push(`char.atPrePuppet(${account.key}, location=${this.location?.key ?? null})`);
    await super.atPrePuppet(account, session);
  }
  override async atPostPuppet(): Promise<void> {
    calls.push(`char.atPostPuppet(account=${this.account?.key})`);
    await super.atPostPuppet();
  }
  override async atPreUnpuppet(): Promise<void> {
    calls.push(`char.atPreUnpuppet(sessions=${this.sessions.size})`);
  }
  override async atPostUnpuppet(account: DefaultAccount | null, session?: ObjectSession): Promise<void> {
    calls.push(`char.atPostUnpuppet(${account?.key}, sessions=${this.sessions.size}, account=${this.account?.key ?? null})`);
    await super.atPostUnpuppet(account, session);
  }
}
registerTypeclass("test.characters.RecordingCharacter", RecordingCharacter);

/** Log `account` in on a new session. */
async function newLogin(world: TestWorld, account: DefaultAccount): Promise<ServerSession> {
  const session = world.connectSession();
  await world.unit(() => world.sessions.login(session, account));
  return session;
}

describeWithWorld(
  "login and puppet hooks",
  (w) => {
    it("run in Evennia's order on login, a wrong password and logout", async () => {
      const world = w.world;
      calls.length = 0;
      const session = world.connectSession();
      const account = (await world.unit(() =>
        RecordingAccount.create({ username: "Hooky", password: "hookpass1", typeclass: "test.accounts.RecordingAccount", characterTypeclass: "test.characters.RecordingCharacter" }),
      )) as RecordingAccount;
      expect(calls.splice(0)).toEqual(["account.atAccountCreation"]);
      expect(account.characters.map((c) => c.key)).toEqual(["Hooky"]);
      expect(account.characters[0]!.location).toBeNull();

      await callCommand(world, CmdUnconnectedConnect, "Hooky wrongpass", "Username and/or password is incorrect.", { caller: session });
      expect(calls.splice(0)).toEqual(["account.atFailedLogin"]);

      await callCommand(world, CmdUnconnectedConnect, "Hooky hookpass1", undefined, { caller: session });
      expect(calls.splice(0)).toEqual([
        "account.atFirstLogin",
        "account.atPreLogin",
        "account.atPostLogin",
        "char.atPrePuppet(Hooky, location=null)",
        "char.atPostPuppet(account=Hooky)",
      ]);
      const char = session.puppet!;
      expect(char.location).toBe(world.room1);
      expect(world.text(session)).toContain("You become Hooky.");
      expect(world.text(world.session1)).toContain("Hooky has entered the game.");

      await callCommand(world, CmdQuit, "", undefined, { caller: char });
      expect(calls.splice(0)).toEqual([
        "char.atPreUnpuppet(sessions=1)",
        "char.atPostUnpuppet(Hooky, sessions=0, account=null)",
        "account.atDisconnect(Quitting. Hope to see you again, soon.)",
        "account.atPostDisconnect(connected=false)",
      ]);
      expect(char.location).toBeNull();
      expect(char.db.prelogout_location).toBe(world.room1);
      expect(world.text(world.session1)).toContain("Hooky has left the game.");

      // the first-login hook ran once
      const again = world.connectSession();
      await callCommand(world, CmdUnconnectedConnect, "Hooky hookpass1", undefined, { caller: again });
      expect(calls.splice(0).slice(0, 2)).toEqual(["account.atPreLogin", "account.atPostLogin"]);
      expect(again.puppet).toBe(char);
      expect(char.location).toBe(world.room1);
    });

    it("refuse to puppet what the puppet lock does not allow, or what another account plays", async () => {
      const { account1, account2, char1, char2, session1, session2 } = w.world;
      await w.world.unit(() => account2.puppetObject(session2, char1));
      expect(w.world.text(session2)).toContain("You don't have permission to puppet 'Char'.");
      expect(session2.puppet).toBe(char2);
      // a Developer may puppet anything, but not what another connected account plays
      await w.world.unit(() => account1.puppetObject(session1, char2));
      expect(w.world.text(session1)).toContain("Char2 is already puppeted by another Account.");
      expect(session1.puppet).toBe(char1);
    });

    it("let the puppet lock decide: granting it lets another account in, and the character keeps its other default locks", async () => {
      const { account2, session2, room1 } = w.world;
      const statue = await w.world.unit(() => createObject(DefaultCharacter, { key: "Statue", location: room1 }));
      await w.world.unit(() => account2.puppetObject(session2, statue));
      expect(w.world.text(session2)).toContain("You don't have permission to puppet 'Statue'.");
      await w.world.unit(() => statue.locks.add(`puppet:pid(${account2.id})`));
      await w.world.unit(() => account2.puppetObject(session2, statue));
      expect(session2.puppet).toBe(statue);
      // createCharacter adds the owner's puppet and delete locks to the typeclass defaults
      const { char2 } = w.world;
      expect(char2.locks.get("puppet")).toContain(`pid(${account2.id})`);
      expect(char2.locks.get("delete")).toContain(`id(${account2.id})`);
      expect(char2.locks.get("view")).not.toBe("");
    });

    it("an account and an object that share a number do not pass each other's owner locks", async () => {
      const { char1 } = w.world;
      const owner = await w.world.unit(() => createAccount(undefined, { username: "Owner", password: "secret-pass-8" }));
      const victim = await w.world.unit(() => owner.createCharacter({ key: "Victim" }));
      expect(victim.locks.get("delete")).toBe(`delete:pid(${owner.id}) or perm(Admin)`);
      expect(victim.locks.get("puppet")).toBe(`puppet:pid(${owner.id}) or perm(Developer) or pperm(Developer)`);
      // the object numbered as the owner's account (a builder's character, say) may not delete it
      const twin = (await w.world.unit(() => w.world.store.get("object", owner.id))) as DefaultObject | null;
      expect(twin?.id).toBe(owner.id);
      expect(victim.access(twin!, "delete")).toBe(false);
      // the account numbered as the character may not puppet it
      let namesake: DefaultAccount | null = null;
      for (let i = 0; !namesake || namesake.id < victim.id; i++) {
        namesake = await w.world.unit(() => createAccount(undefined, { username: `Namesake${i}`, password: "secret-pass-9" }));
      }
      expect(namesake.id).toBe(victim.id);
      expect(victim.access(namesake, "puppet")).toBe(false);
      // the owner passes both, from its account and from its characters
      expect(victim.access(owner, "puppet")).toBe(true);
      expect(victim.access(owner, "delete")).toBe(true);
      expect(char1.access(owner, "puppet")).toBe(false);
    });

    it("a hook that throws undoes the puppeting", async () => {
      const { account1, session1, char1 } = w.world;
      await w.world.unit(() => account1.unpuppetObject(session1));
      class Broken extends DefaultCharacter {
        override async atPostPuppet(): Promise<void> {
          throw new Error("broken hook");
        }
      }
      Object.setPrototypeOf(char1, Broken.prototype);
      await expect(w.world.unit(() => account1.puppetObject(session1, char1))).rejects.toThrow("broken hook");
      Object.setPrototypeOf(char1, DefaultCharacter.prototype);
      expect(char1.location).toBeNull();
      expect(char1.account).toBeNull();
      expect(session1.puppet).toBeNull();
      expect(char1.sessions.size).toBe(0);
      // and a login whose hook throws leaves the session logged out
      const fresh = w.world.connectSession();
      class BrokenLogin extends DefaultAccount {
        override async atPostLogin(): Promise<void> {
          throw new Error("broken login hook");
        }
      }
      const account2 = w.world.account2;
      Object.setPrototypeOf(account2, BrokenLogin.prototype);
      await expect(w.world.unit(() => w.world.sessions.login(fresh, account2))).rejects.toThrow("broken login hook");
      Object.setPrototypeOf(account2, RecordingAccount.prototype);
      expect(fresh.account).toBeNull();
      expect(w.world.sessions.get(w.world.session2.sessid)).toBe(w.world.session2);
      expect(w.world.session2.account).toBe(account2);
    });
  },
  { accountTypeclass: "test.accounts.RecordingAccount" },
);

describe.each(TEST_DIALECTS.filter(dialectAvailable))("multisession modes [%s]", (dialect) => {
  async function world(settings: Parameters<typeof createTestWorld>[1] extends infer O ? (O extends { settings?: infer S } ? S : never) : never): Promise<TestWorld> {
    return createTestWorld(dialect, { settings });
  }

  it("mode 0: a second login disconnects the first session and takes the character", async () => {
    const w = await world({ multisessionMode: 0 });
    try {
      const second = await newLogin(w, w.account1);
      expect(w.portalMessages).toContainEqual({ t: "disconnect", sessid: w.session1.sessid, reason: "Logged in from elsewhere. Disconnecting." });
      expect(w.sessions.get(w.session1.sessid)).toBeUndefined();
      expect(w.session1.account).toBeNull();
      expect(second.puppet).toBe(w.char1);
      expect([...w.char1.sessions]).toEqual([second]);
      expect(sessionsFromAccount(w.account1)).toEqual([second]);
      expect(w.char1.location).toBe(w.room1);
    } finally {
      await w.close();
    }
  });

  it("mode 1: sessions share the character and its output", async () => {
    const w = await world({ multisessionMode: 1 });
    try {
      const second = await newLogin(w, w.account1);
      expect(second.puppet).toBe(w.char1);
      expect(w.session1.puppet).toBe(w.char1);
      expect(w.text(second)).toContain("Sharing Char with another of your sessions.");
      expect(w.text(w.session1)).toContain("Char is now shared from another of your sessions.");
      expect(sessionsFromCharacter(w.char1)).toEqual([w.session1, second]);
      w.clearOutput();
      await w.unit(() => w.char1.msg("both of you"));
      expect(w.text(w.session1)).toBe("both of you");
      expect(w.text(second)).toBe("both of you");
      // one session leaving keeps the character in the world
      await w.unit(() => w.sessions.disconnect(second, "bye"));
      expect(w.char1.location).toBe(w.room1);
      expect(w.char1.account).toBe(w.account1);
    } finally {
      await w.close();
    }
  });

  it("mode 2: each session plays its own character; puppeting one played elsewhere takes it over", async () => {
    const w = await world({ multisessionMode: 2, maxNrCharacters: 3, maxNrSimultaneousPuppets: 2 });
    try {
      const second = await newLogin(w, w.account2);
      // auto-puppet took Char2 over from session2
      expect(second.puppet).toBe(w.char2);
      expect(w.session2.puppet).toBeNull();
      expect(w.text(w.session2)).toContain("Char2 is now acted from another of your sessions.");
      expect(w.text(second)).toContain("Taking over Char2 from another of your sessions.");
      await callCommand(w, CmdCharCreate, "Alt", "Created new character Alt.", { caller: w.account2, session: w.session2 });
      await callCommand(w, CmdIC, "Alt", undefined, { caller: w.account2, session: w.session2 });
      expect(w.session2.puppet?.key).toBe("Alt");
      expect(w.account2.getAllPuppets().map((p) => p.key).sort()).toEqual(["Alt", "Char2"]);
      // a third character would exceed maxNrSimultaneousPuppets
      await callCommand(w, CmdCharCreate, "Third", "Created new character Third.", { caller: w.account2, session: w.session2 });
      // a third session takes Alt over (the last played); session2 is left without a puppet
      const third = await newLogin(w, w.account2);
      expect(third.puppet?.key).toBe("Alt");
      expect(w.session2.puppet).toBeNull();
      await callCommand(w, CmdIC, "Third", "You cannot control any more puppets (max 2)", { caller: w.account2, session: w.session2 });
      expect(w.session2.puppet).toBeNull();
    } finally {
      await w.close();
    }
  });

  it("mode 3: sessions may share a character", async () => {
    const w = await world({ multisessionMode: 3, maxNrCharacters: 2, maxNrSimultaneousPuppets: 2 });
    try {
      const second = await newLogin(w, w.account2);
      expect(second.puppet).toBe(w.char2);
      expect(w.session2.puppet).toBe(w.char2);
      await callCommand(w, CmdOOC, "", "You go OOC.", { caller: w.char2, session: second });
      expect(w.char2.location).toBe(w.room1); // session2 still plays it
      await callCommand(w, CmdIC, "Char2", "Sharing Char2 with another of your sessions.", { caller: w.account2, session: second, receivers: [second] });
      expect(w.text(w.session2)).toContain("Char2 is now shared from another of your sessions.");
      expect(sessionsFromCharacter(w.char2)).toEqual([w.session2, second]);
    } finally {
      await w.close();
    }
  });

  it("maxNrCharacters limits charcreate (not for Developers)", async () => {
    const w = await world({ maxNrCharacters: 1 });
    try {
      await callCommand(w, CmdCharCreate, "Another", "You may only have a maximum of 1 character.", { caller: w.account2 });
      await callCommand(w, CmdCharCreate, "Char2", "A character named 'Char2' already exists.", { caller: w.account2 });
      await callCommand(w, CmdCharCreate, "DevAlt", "Created new character DevAlt.", { caller: w.account1 });
    } finally {
      await w.close();
    }
  });

  it("without auto-create and auto-puppet a login lands out of character", async () => {
    const w = await world({ autoCreateCharacterWithAccount: false, autoPuppetOnLogin: false, maxNrCharacters: 2 });
    try {
      const account = await w.unit(() => DefaultAccount.create({ username: "Ooc", password: "oocpass123" }));
      expect(account.characters).toEqual([]);
      const session = await newLogin(w, account);
      expect(session.puppet).toBeNull();
      expect(w.text(session)).toContain("You have no characters yet");
      await callCommand(w, CmdCharCreate, "Oocchar", "Created new character Oocchar.", { caller: account, session });
      await callCommand(w, CmdIC, "oocc", undefined, { caller: account, session });
      expect(session.puppet?.key).toBe("Oocchar");
      expect(session.puppet?.location).toBe(w.room1);
      // logging in again (another session, mode 0) does not puppet either
      const again = await newLogin(w, account);
      expect(again.puppet).toBeNull();
      expect(w.text(again)).toContain("Oocchar");
    } finally {
      await w.close();
    }
  });
});

describeWithWorld("the sessions API", (w) => {
  it("lists an account's one session only while it is still the connected one of its sessid", async () => {
    const { account1, session1 } = w.world;
    expect(account1.sessions).toEqual([session1]);
    // a new connection under the same sessid (the portal's, after a reload) replaces session1 without logging it out
    const replacement = new ServerSession({ sessid: session1.sessid, protocolKey: "telnet", address: "127.0.0.1", clientOptions: {}, connectedAt: Date.now(), data: {} }, () => undefined);
    w.world.sessions.add(replacement);
    expect(account1.sessions).toEqual([]);
    expect(account1.isConnected).toBe(false);
    // output to the account does not reach the session that is gone
    const before = w.world.output(session1).length;
    await w.world.unit(() => account1.msg("anyone there?"));
    expect(w.world.output(session1).length).toBe(before);
  });

  it("finds sessions by account and character, and announces to every session", async () => {
    const { account1, char1, session1, session2 } = w.world;
    const unlogged = w.world.connectSession({ protocolKey: "websocket", address: "192.0.2.7", clientOptions: { screenwidth: 120, screenheight: 40, client_name: "test" } });
    expect(sessionsFromAccount(account1)).toEqual([session1]);
    expect(sessionsFromCharacter(char1)).toEqual([session1]);
    expect(account1.sessions).toEqual([session1]);
    expect(account1.isConnected).toBe(true);
    expect(account1.puppet).toBe(char1);
    expect(unlogged.protocol).toBe("websocket");
    expect(unlogged.address).toBe("192.0.2.7");
    expect([unlogged.screenWidth, unlogged.screenHeight]).toEqual([120, 40]);
    expect(unlogged.clientOptions.client_name).toBe("test");
    expect(session1.screenWidth).toBe(78);
    announceAll("The server will restart in 5 minutes.");
    for (const s of [session1, session2, unlogged]) expect(w.world.text(s)).toBe("The server will restart in 5 minutes.");
  });
});

describe.each(TEST_DIALECTS.filter(dialectAvailable))("guests [%s]", (dialect) => {
  it("connect guest makes a guest with a free name, puppets it, and deletes both at logout", async () => {
    const w = await createTestWorld(dialect, { settings: { guestEnabled: true, guestList: ["Guest1", "Guest2"] } });
    try {
      w.settings.guestStartLocation = w.room2.dbref;
      const s1 = w.connectSession();
      const s2 = w.connectSession();
      const s3 = w.connectSession();
      await callCommand(w, CmdUnconnectedConnect, "guest", "Welcome to", { caller: s1 });
      await callCommand(w, CmdUnconnectedConnect, "Guest", undefined, { caller: s2 });
      await callCommand(w, CmdUnconnectedConnect, "guest", "All guest accounts are in use. Please try again later.", { caller: s3 });
      expect([s1.account?.key, s2.account?.key]).toEqual(["Guest1", "Guest2"]);
      expect(s1.account).toBeInstanceOf(DefaultGuest);
      expect(s1.account!.permissions.get()).toEqual(["guests"]);
      const guestChar = s1.puppet as DefaultObject;
      expect(guestChar.key).toBe("Guest1");
      expect(guestChar.location).toBe(w.room2);
      const guestId = s1.account!.id;
      await callCommand(w, CmdQuit, "", undefined, { caller: guestChar });
      expect(guestChar.isDeleted).toBe(true);
      expect(await w.fixture.db.query("SELECT id FROM accounts WHERE id = ?", [guestId])).toEqual([]);
      expect(await w.fixture.db.query("SELECT id FROM objects WHERE id = ?", [guestChar.id])).toEqual([]);
      // the name is free again
      await callCommand(w, CmdUnconnectedConnect, "guest", undefined, { caller: s3 });
      expect(s3.account?.key).toBe("Guest1");
      // a cold start removes guests left over
      expect(await w.unit(() => purgeGuests())).toBe(2);
      expect(await w.fixture.db.query("SELECT username FROM accounts WHERE username LIKE 'Guest%'")).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("with guests off, 'connect guest' is an ordinary name", async () => {
    const w = await createTestWorld(dialect);
    try {
      const s = w.connectSession();
      await callCommand(w, CmdUnconnectedConnect, "guest", undefined, { caller: s });
      expect(w.text(s)).not.toContain("Welcome");
      expect(w.output(s).some(([c, a]) => c === "prompt" && a[0] === "Password: ")).toBe(true);
      await expect(w.unit(() => DefaultGuest.createGuest())).rejects.toThrow("Guest accounts are not enabled on this server.");
    } finally {
      await w.close();
    }
  });
});
