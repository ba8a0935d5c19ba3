/**
 * The account commands: OOC look, chardelete, password, quit, who, sessions,
 * option, style, color — called directly (callCommand) and, for locks and cmdset
 * merging, through the real command handler on the test world.
 */
import { describe, expect, it, vi } from "vitest";
import { CmdCharDelete, CmdOOCLook, CmdPassword, CmdQuit } from "../../../evennia-ts/commands/default/account.ts";
import { CmdColorTest } from "../../../evennia-ts/commands/default/account-color.ts";
import { CmdOption, CmdStyle } from "../../../evennia-ts/commands/default/account-options.ts";
import { CmdSessions, CmdWho } from "../../../evennia-ts/commands/default/account-sessions.ts";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { MAX_SESSION_OPTIONS, clientOptionsInputFunc } from "../../../evennia-ts/server/oob/client-options.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";
import { callCommand, describeWithWorld, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { worldServices } from "../../../evennia-ts/testing/call-command.ts";
import { textOf } from "../../../evennia-ts/testing/world-fixture.ts";
import { createAccount } from "../../../evennia-ts/typeclasses/create.ts";
import type { DefaultAccount } from "../../../evennia-ts/typeclasses/accounts.ts";
import { verifyPassword } from "../../../evennia-ts/typeclasses/accounts.ts";
import { testHandler } from "../command-session.ts";
import { storedAttribute } from "../../typeclasses/store-helpers.ts";

/** Run `line` as `session` typed it, through the command handler with the default cmdsets; returns its text. */
async function run(world: TestWorld, session: ServerSession, line: string): Promise<string> {
  const handler = testHandler(world.fixture.db, {}, worldServices(world));
  const before = world.output(session).length;
  await handler.execute(session, line);
  return textOf(world.output(session).slice(before));
}

/** A new session logged in as a fresh account with only `permission`. */
async function loginNew(world: TestWorld, name: string, permission: string): Promise<{ session: ServerSession; account: DefaultAccount }> {
  const session = world.connectSession();
  const account = await world.unit(async () => {
    const created = await createAccount<DefaultAccount>(undefined, { username: name, password: "password1", permissions: [permission] });
    await world.sessions.login(session, created);
    return created;
  });
  world.clearOutput();
  return { session, account };
}

/** The stored value of an account's attribute, straight from the database. */
function storedAccountAttribute(world: TestWorld, account: DefaultAccount, key: string, category = ""): Promise<unknown> {
  return storedAttribute(world.fixture.db, account.id, key, category, "account");
}

describeWithWorld("look out of character", (w) => {
  it("while puppeting, the account's look has nothing to show", async () => {
    await callCommand(w.world, CmdOOCLook, "", "You currently have no ability to look around.");
  });

  it("with the only character played at login, says how to get back in", async () => {
    const { account1, session1 } = w.world;
    await w.world.unit(() => account1.unpuppetObject(session1));
    await callCommand(w.world, CmdOOCLook, "", "You are out-of-character (OOC).", { caller: account1, session: session1 });
  });

  it("the handler gives the room look while puppeting and the account look out of character", async () => {
    const { account1, session1 } = w.world;
    expect(await run(w.world, session1, "look")).toContain("room_desc");
    await w.world.unit(() => account1.unpuppetObject(session1));
    expect(await run(w.world, session1, "l")).toBe("You are out-of-character (OOC).\nUse ic to get back into the game.");
  });
});

describeWithWorld(
  "look out of character, several characters allowed",
  (w) => {
    it("lists the sessions and characters, and shows one character by name", async () => {
      const { account1, session1, char1 } = w.world;
      await w.world.unit(async () => {
        char1.db.desc = "A tall test character.";
        await account1.unpuppetObject(session1);
      });
      const out = await callCommand(w.world, CmdOOCLook, "", "Account TestAccount (you are Out-of-Character)", { caller: account1, session: session1 });
      expect(out.text).toContain("Connected session(s):");
      expect(out.text).toContain("- Char");
      const one = await callCommand(w.world, CmdOOCLook, "char", "Char", { caller: account1, session: session1 });
      expect(one.text).toBe("Char\nA tall test character.");
      // a name that is none of the account's characters: the whole screen
      await callCommand(w.world, CmdOOCLook, "nobody", "Account TestAccount", { caller: account1, session: session1 });
    });
  },
  { settings: { maxNrCharacters: 3 } },
);

describeWithWorld("chardelete", (w) => {
  it("asks, and deletes the character for good on yes", async () => {
    const { char2, account2, session2 } = w.world;
    const charId = char2.id;
    const out = await callCommand(w.world, CmdCharDelete, "char2", undefined, { caller: char2, inputs: ["yes"] });
    const prompts = out.messages.get(char2)!.filter(([name]) => name === "prompt").map(([, args]) => String(args[0]));
    expect(prompts).toEqual(["|rThis will permanently destroy 'Char2'. This cannot be undone.|n Continue yes/[no]? "]);
    expect(out.text).toContain("Your character Char2 has been destroyed.");
    expect(out.text).toContain("Character 'Char2' was permanently deleted.");
    expect(char2.isDeleted).toBe(true);
    expect(account2.characters).toEqual([]);
    expect(session2.puppet).toBeNull();
    expect(await w.world.fixture.db.query("SELECT id FROM objects WHERE id = ?", [charId])).toEqual([]);
  });

  it("keeps the character on any answer but yes", async () => {
    const { char2, account2 } = w.world;
    const out = await callCommand(w.world, CmdCharDelete, "Char2", undefined, { caller: char2, inputs: ["nope"] });
    expect(out.text).toContain("Deletion was aborted.");
    expect(char2.isDeleted).toBe(false);
    expect(account2.characters).toEqual([char2]);
  });

  it("refuses without a name, for a character not yours, and without the delete permission", async () => {
    const { char2 } = w.world;
    await callCommand(w.world, CmdCharDelete, "", "Usage: chardelete <charactername>", { caller: char2 });
    await callCommand(w.world, CmdCharDelete, "Char", "You have no such character to delete.", { caller: char2 });
    await w.world.unit(() => char2.locks.add("delete:false()"));
    await callCommand(w.world, CmdCharDelete, "Char2", "You do not have permission to delete this character.", { caller: char2 });
    expect(char2.isDeleted).toBe(false);
  });

  it("is not available to guests (cmd:pperm(Player)), nor are charcreate and ooc; players have them", async () => {
    const { session } = await loginNew(w.world, "Guesty", "Guest");
    expect(await run(w.world, session, "chardelete Guesty")).toContain("Command 'chardelete Guesty' is not available.");
    expect(await run(w.world, session, "charcreate Other")).toContain("Command 'charcreate Other' is not available.");
    expect(await run(w.world, session, "ooc")).toContain("Command 'ooc' is not available.");
    expect(await run(w.world, w.world.session2, "chardelete Nobody")).toBe("You have no such character to delete.");
  });
});

describeWithWorld("password", (w) => {
  it("changes the password when the old one is right and the new one passes the rules", async () => {
    const { char2, account2 } = w.world;
    await callCommand(w.world, CmdPassword, "testpassword = n3w-s3cret", "Password changed.", { caller: char2 });
    expect(await account2.checkPassword("n3w-s3cret")).toBe(true);
    const rows = await w.world.fixture.db.query<{ password_hash: string }>("SELECT password_hash FROM accounts WHERE id = ?", [account2.id]);
    expect(await verifyPassword("n3w-s3cret", rows[0]!.password_hash)).toBe(true);
    expect(await verifyPassword("testpassword", rows[0]!.password_hash)).toBe(false);
  });

  it("refuses a wrong old password, a too short new one, and missing parts", async () => {
    const { char2, account2 } = w.world;
    await callCommand(w.world, CmdPassword, "wrong = n3w-s3cret", "The specified old password isn't correct.", { caller: char2 });
    await callCommand(w.world, CmdPassword, "testpassword = abc", "A password must be at least 6 characters long.", { caller: char2 });
    await callCommand(w.world, CmdPassword, "testpassword", "Usage: password <oldpass> = <newpass>", { caller: char2 });
    await callCommand(w.world, CmdPassword, "testpassword =", "Usage: password <oldpass> = <newpass>", { caller: char2 });
    await callCommand(w.world, CmdPassword, "", "Usage: password <oldpass> = <newpass>", { caller: char2 });
    expect(await account2.checkPassword("testpassword")).toBe(true);
  });

  it("is not available to guests", async () => {
    const { session } = await loginNew(w.world, "Guesty", "Guest");
    expect(await run(w.world, session, "password password1 = password2")).toContain("is not available.");
  });
});

describeWithWorld(
  "quit and sessions with several sessions per account",
  (w) => {
    async function secondSession(): Promise<ServerSession> {
      const session = w.world.connectSession({ protocolKey: "websocket", address: "10.0.0.7" });
      await w.world.unit(() => w.world.sessions.login(session, w.world.account1));
      w.world.clearOutput();
      return session;
    }

    it("sessions lists the account's sessions with protocol, host, puppet and location", async () => {
      const other = await secondSession();
      const out = await callCommand(w.world, CmdSessions, "", "Your current session(s):");
      expect(out.text).toMatch(/sessid\s+\|\s+protocol\s+\|\s+host\s+\|\s+puppet\/character\s+\|\s+location/);
      expect(out.text).toMatch(new RegExp(`\\|\\s+${w.world.session1.sessid}\\s+\\|\\s+telnet\\s+\\|\\s+127\\.0\\.0\\.1\\s+\\|\\s+Char\\s+\\|\\s+Room`));
      expect(out.text).toMatch(new RegExp(`\\|\\s+${other.sessid}\\s+\\|\\s+websocket\\s+\\|\\s+10\\.0\\.0\\.7`));
      expect(out.text).not.toContain("TestAccount2");
      // the session cmdset has it
      expect(await run(w.world, w.world.session1, "sessions")).toContain("Your current session(s):");
    });

    it("quit leaves the other session connected and says so", async () => {
      const other = await secondSession();
      await callCommand(w.world, CmdQuit, "");
      expect(w.world.portalMessages).toContainEqual({ t: "disconnect", sessid: w.world.session1.sessid, reason: "Quitting. One session is still connected." });
      expect(w.world.account1.sessions).toEqual([other]);
    });

    it("quit/all disconnects every session of the account, and no other", async () => {
      const other = await secondSession();
      await callCommand(w.world, CmdQuit, "/all");
      const closed = w.world.portalMessages.filter((m) => m.t === "disconnect").map((m) => (m as { sessid: number }).sessid);
      expect(closed.sort()).toEqual([w.world.session1.sessid, other.sessid].sort());
      expect(w.world.portalMessages).toContainEqual({ t: "disconnect", sessid: w.world.session1.sessid, reason: "Quitting all sessions. Hope to see you soon again." });
      expect(w.world.account1.isConnected).toBe(false);
      expect(w.world.account2.isConnected).toBe(true);
    });

    it("quit with an unknown switch says so and still quits", async () => {
      const out = await callCommand(w.world, CmdQuit, "/bogus");
      expect(out.text).toContain('Extra switch "/bogus" ignored.');
      expect(w.world.account1.isConnected).toBe(false);
    });
  },
  { settings: { multisessionMode: 1 } },
);

describeWithWorld("who", (w) => {
  it("shows admins where, how long, how much and from where each account is connected", async () => {
    w.world.session2.commandCount = 7;
    const out = await callCommand(w.world, CmdWho, "", "Accounts:");
    for (const column of ["Account Name", "On for", "Idle", "Puppeting", "Room", "Cmds", "Protocol", "Host"]) expect(out.text).toContain(column);
    const row = out.text.split("\n").find((l) => l.includes("TestAccount2"))!;
    expect(row).toMatch(/TestAccount2\s+\|\s+00:00\s+\|\s+\d+s\s+\|\s+Char2\s+\|\s+Room\s+\|\s+7\s+\|\s+telnet\s+\|\s+127\.0\.0\.1/);
    expect(out.text).toContain("2 unique accounts logged in.");
  });

  it("shows players, and admins typing doing, only names, time on and idle time", async () => {
    const { char2 } = w.world;
    for (const out of [await callCommand(w.world, CmdWho, "", "Accounts:", { caller: char2 }), await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })]) {
      expect(out.text).toContain("Account name");
      expect(out.text).not.toContain("Host");
      expect(out.text).not.toContain("127.0.0.1");
      expect(out.text).toMatch(/TestAccount\s+\|\s+00:00\s+\|\s+\d+s/);
    }
  });

  it("lists the accounts by name", async () => {
    const out = await callCommand(w.world, CmdWho, "");
    const names = out.text.split("\n").map((l) => /^\|\s+(TestAccount2?)\s/.exec(l)?.[1]).filter(Boolean);
    expect(names).toEqual(["TestAccount", "TestAccount2"]);
  });

  it("draws the players' list once a second while the same sessions are on; the next second, a logout or another style draws it again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const { session2 } = w.world;
      const start = Math.floor(Date.now() / 1000) * 1000 + 100;
      vi.setSystemTime(start);
      session2.lastCommandAt = start - 5000;
      const first = (await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })).text;
      expect(first).toMatch(/TestAccount2\s+\|\s+\S+\s+\|\s+5s/);
      // the same second: the same list, though TestAccount2 typed since (its idle time is up to a second old)
      session2.lastCommandAt = start;
      vi.setSystemTime(start + 800);
      expect((await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })).text).toBe(first);
      // the next second: drawn again
      vi.setSystemTime(start + 1000);
      const next = (await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })).text;
      expect(next).toMatch(/TestAccount2\s+\|\s+\S+\s+\|\s+1s/);
      // another border colour: drawn in it
      await callCommand(w.world, CmdStyle, "border = r", "Style border_color set to r");
      const styled = await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" });
      expect(String(styled.messages.get(w.world.char1)!.map((m) => m[1][0]).join("\n"))).toContain("|r+|n");
      // an account renamed within the same second: drawn again, by its new name
      const before = (await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })).text;
      await w.world.unit(() => void (session2.account!.key = "Renamed2"));
      const renamed = (await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })).text;
      expect(before).toContain("TestAccount2");
      expect(renamed).toContain("Renamed2");
      expect(renamed).not.toContain("TestAccount2");
      // a logout within the same second: drawn again, without it
      await w.world.unit(() => w.world.sessions.disconnect(session2, "bye"));
      const after = (await callCommand(w.world, CmdWho, "", "Accounts:", { cmdstring: "doing" })).text;
      expect(after).not.toContain("Renamed2");
      expect(after).toContain("One unique account logged in.");
    } finally {
      vi.useRealTimers();
    }
  });

  it("counts one account with two sessions once", async () => {
    await w.world.unit(() => w.world.sessions.disconnect(w.world.session2, "bye"));
    const out = await callCommand(w.world, CmdWho, "");
    expect(out.text).toContain("One unique account logged in.");
    expect(out.text).not.toContain("TestAccount2");
  });
});

describeWithWorld("option", (w) => {
  it("lists the session's client options", async () => {
    w.world.session1.clientOptions.screenreader = false;
    const out = await callCommand(w.world, CmdOption, "", "Client settings (telnet):");
    expect(out.text).toMatch(/SCREENWIDTH\s+\|\s+78/);
    expect(out.text).toMatch(/SCREENREADER\s+\|\s+false/);
    expect(out.text).not.toContain("Saved");
  });

  it("sets an option on the session and tells the portal after the commit", async () => {
    const { session1 } = w.world;
    await callCommand(w.world, CmdOption, "screenreader = on", "Option SCREENREADER was changed from 'false' to 'true'.");
    expect(session1.clientOptions.screenreader).toBe(true);
    expect(w.world.portalMessages).toContainEqual({ t: "client-options", sessid: session1.sessid, options: { screenreader: true } });
    await callCommand(w.world, CmdOption, "SCREENREADER = true", "Option SCREENREADER was kept as 'true'.");
    await callCommand(w.world, CmdOption, "encoding = ISO-8859-1", "Option ENCODING was changed from 'false' to 'latin-1'.");
    expect(session1.clientOptions.encoding).toBe("latin-1");
  });

  it("a fixed screen width is used for layout and stops following the client's window", async () => {
    const { session1 } = w.world;
    await callCommand(w.world, CmdOption, "screenwidth = 120", "Option SCREENWIDTH was changed from '78' to '120'.");
    expect(session1.clientOptions).toMatchObject({ screenwidth: 120, autoresize: false });
    expect(w.world.portalMessages).toContainEqual({ t: "client-options", sessid: session1.sessid, options: { screenwidth: 120, autoresize: false } });
    expect(session1.screenWidth).toBe(120);
    // a client reporting its window size (the webclient's client_options) no longer changes it
    await clientOptionsInputFunc(session1, [], { screenwidth: 60, screenheight: 40, client_name: "web" });
    expect(session1.clientOptions).toMatchObject({ screenwidth: 120, screenheight: 24, client_name: "web" });
    await callCommand(w.world, CmdOption, "autoresize = on", "Option AUTORESIZE was changed from 'false' to 'true'.");
    await clientOptionsInputFunc(session1, [], { screenwidth: 60 });
    expect(session1.clientOptions.screenwidth).toBe(60);
  });

  it("keeps at most MAX_SESSION_OPTIONS option names on a session, however many calls name new ones", async () => {
    const { session1 } = w.world;
    for (let call = 0; call < 20; call++) {
      const options: Record<string, number> = {};
      for (let i = 0; i < 64; i++) options[`junk_${call}_${i}`] = i;
      await clientOptionsInputFunc(session1, [], options);
    }
    expect(Object.keys(session1.clientOptions).length).toBe(MAX_SESSION_OPTIONS);
    // the options it knows still change
    await clientOptionsInputFunc(session1, [], { screenwidth: 99, junk_0_0: 7 });
    expect(session1.clientOptions.screenwidth).toBe(99);
    expect(session1.clientOptions.junk_0_0).toBe(7);
  });

  it("refuses unknown options, options that change nothing here, bad values and a missing value", async () => {
    await callCommand(w.world, CmdOption, "colour = on", "No option named 'COLOUR'.");
    await callCommand(w.world, CmdOption, "mccp = on", "Option 'MCCP' cannot be set on this server.");
    await callCommand(w.world, CmdOption, "screenreader = maybe", "Could not set option SCREENREADER: 'maybe' is not on or off.");
    await callCommand(w.world, CmdOption, "screenwidth = wide", "Could not set option SCREENWIDTH: 'wide' is not a whole number from 20 to 400.");
    await callCommand(w.world, CmdOption, "screenwidth = 5", "Could not set option SCREENWIDTH: '5' is not a whole number");
    await callCommand(w.world, CmdOption, "encoding = klingon", "Could not set option ENCODING: The encoding 'klingon' is invalid");
    await callCommand(w.world, CmdOption, "nocolor", "Usage: option [name = [value]]");
    await callCommand(w.world, CmdOption, "nocolor =", "Usage: option [name = [value]]");
    expect(w.world.session1.clientOptions.nocolor).toBeUndefined();
    expect(w.world.portalMessages.filter((m) => m.t === "client-options")).toEqual([]);
  });

  it("/save keeps options on the account, and they apply at the next login", async () => {
    const { account2, char2, session2 } = w.world;
    await callCommand(w.world, CmdOption, "/save nocolor = on", "Option NOCOLOR was changed", { caller: char2 });
    expect(w.world.text(session2)).toContain("Saved option NOCOLOR.");
    expect(await storedAccountAttribute(w.world, account2, "_saved_protocol_flags")).toMatchObject({ nocolor: true });
    const listed = await callCommand(w.world, CmdOption, "", "Client settings", { caller: char2 });
    expect(listed.text).toMatch(/NOCOLOR\s+\|\s+true\s+\|\s+Yes/);

    await w.world.unit(() => w.world.sessions.disconnect(session2, "bye"));
    const fresh = w.world.connectSession();
    expect(fresh.clientOptions.nocolor).toBeUndefined();
    await w.world.unit(() => w.world.sessions.login(fresh, account2));
    expect(fresh.clientOptions.nocolor).toBe(true);
    expect(w.world.portalMessages).toContainEqual({ t: "client-options", sessid: fresh.sessid, options: { nocolor: true } });
  });

  it("/save without arguments saves all settable options, /clear forgets them", async () => {
    const { account1 } = w.world;
    w.world.session1.clientOptions.xterm256 = true;
    await callCommand(w.world, CmdOption, "/save", "Saved all options. Use option/clear to remove.");
    expect(account1.savedClientOptions).toMatchObject({ xterm256: true, screenwidth: 78 });
    expect(account1.savedClientOptions).not.toHaveProperty("client_name");
    await callCommand(w.world, CmdOption, "/clear screenwidth", "Cleared saved SCREENWIDTH.");
    expect(account1.savedClientOptions).not.toHaveProperty("screenwidth");
    await callCommand(w.world, CmdOption, "/clear", "Cleared all saved options.");
    expect(account1.savedClientOptions).toEqual({});
    expect(await storedAccountAttribute(w.world, account1, "_saved_protocol_flags")).toBeUndefined();
  });
});

describeWithWorld("style", (w) => {
  it("lists every style option with its description, type and value", async () => {
    const out = await callCommand(w.world, CmdStyle, "");
    for (const word of ["Option", "Description", "Type", "Value", "border_color", "header_fill", "timezone", "Color", "Timezone", "UTC"]) expect(out.text).toContain(word);
  });

  it("sets an option by a unique prefix, stores it on the account, and tables use it", async () => {
    const { account1 } = w.world;
    await callCommand(w.world, CmdStyle, "border = r", "Style border_color set to r - this");
    expect(account1.options.get("border_color")).toBe("r");
    expect(await storedAccountAttribute(w.world, account1, "border_color", "option")).toBe("r");
    await callCommand(w.world, CmdStyle, "timezone = europe/paris", "Style timezone set to Europe/Paris");
    await callCommand(w.world, CmdStyle, "header_fill = *", "Style header_fill set to *");
    // styled tables draw their borders in the account's colour
    const who = await callCommand(w.world, CmdWho, "");
    const raw = String(who.messages.get(w.world.char1)!.map((m) => m[1][0]).join("\n"));
    expect(raw).toContain("|r+|n");
    await callCommand(w.world, CmdStyle, "/clear border", "Style border_color reset to n - this");
    expect(await storedAccountAttribute(w.world, account1, "border_color", "option")).toBeUndefined();
  });

  it("refuses bad colours, unknown, ambiguous and blank names, bad time zones and a missing value", async () => {
    await callCommand(w.world, CmdStyle, "border_color = zz", "'zz' is not a valid color.");
    await callCommand(w.world, CmdStyle, "nothing = r", "Option 'nothing' not found!");
    await callCommand(w.world, CmdStyle, "header = r", "Multiple matches: header_star_color, header_text_color, header_fill. Please be more specific.");
    await callCommand(w.world, CmdStyle, "= r", "Option field blank!");
    await callCommand(w.world, CmdStyle, "timezone = Mars/Olympus", "'Mars/Olympus' is not a valid timezone");
    await callCommand(w.world, CmdStyle, "header_fill = " + "x".repeat(30), "The text must be one line of at most 20 characters.");
    await callCommand(w.world, CmdStyle, "border_color", "Usage: style <option> = <value>");
    expect(w.world.account1.options.all().every((o) => !o.changed)).toBe(true);
  });
});

describe("color charts", () => {
  describeWithWorld("color", (w) => {
    it("shows the ANSI chart, each colour with its markup", async () => {
      const out = await callCommand(w.world, CmdColorTest, "ansi", "ANSI colors:");
      const raw = String(out.messages.get(w.world.char1)![0]![1][0]);
      expect(raw).toContain("|r||r|n");
      expect(raw).toContain("|[B||[B|n");
      expect(out.text).toContain("|[r");
    });

    it("shows the xterm256 cube and greys, and a truecolor band as wide as the screen", async () => {
      const xterm = await callCommand(w.world, CmdColorTest, "xterm256", "Xterm256 colors");
      expect(xterm.text).toContain("|500");
      expect(xterm.text).toContain("|[=z");
      const t = await callCommand(w.world, CmdColorTest, "truecolor", "True Colors");
      const raw = String(t.messages.get(w.world.char1)![0]![1][0]);
      expect(raw.match(/\|\[#[0-9a-f]{6} /g)).toHaveLength(78);
    });

    it("explains its usage for anything else", async () => {
      await callCommand(w.world, CmdColorTest, "", "Usage: color ansi | xterm256 | truecolor");
      await callCommand(w.world, CmdColorTest, "pink", "Usage: color ansi | xterm256 | truecolor");
    });
  });
});
