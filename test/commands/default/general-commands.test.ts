/**
 * The general commands added after look/get/drop/inventory/say — give, whisper,
 * pose, home, setdesc, access and nick — on both databases, with `callCommand`
 * and through the real command handler (locks, `:pose` without a space, nick
 * substitution of typed lines and searched names, hostile nick patterns).
 */
import { expect, it } from "vitest";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { CmdAccess, CmdGive, CmdHome, CmdPose, CmdSay, CmdSetDesc, CmdWhisper } from "../../../evennia-ts/commands/default/general.ts";
import { CmdNick } from "../../../evennia-ts/commands/default/nick.ts";
import type { CommandHandler } from "../../../evennia-ts/commands/handler.ts";
import { callCommand, describeWithWorld, worldServices, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { createObject, NICK_LIMITS, type DefaultObject } from "../../../evennia-ts/typeclasses/index.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";
import { testHandler } from "../command-session.ts";
import { storedAttribute } from "../../typeclasses/store-helpers.ts";

/** A command handler with the default cmdsets, on the world's database and services. */
function handlerFor(world: TestWorld, options: Parameters<typeof testHandler>[1] = {}): CommandHandler {
  return testHandler(world.fixture.db, options, worldServices(world));
}

/** Type `line` on `session` through `handler`; returns what the session got meanwhile. */
async function type(world: TestWorld, handler: CommandHandler, line: string, session: ServerSession = world.session1): Promise<string> {
  world.clearOutput();
  await handler.execute(session, line);
  return world.text(session);
}

/** The location of object `id` as stored in the database. */
async function storedLocation(world: TestWorld, id: number): Promise<number | null> {
  const [row] = await world.fixture.db.query<{ location_id: number | null }>("SELECT location_id FROM objects WHERE id = ?", [id]);
  return row ? (row.location_id === null ? null : Number(row.location_id)) : null;
}

async function carried(world: TestWorld, key: string, holder: DefaultObject = world.char1): Promise<DefaultObject> {
  return world.unit(() => createObject(undefined, { key, location: holder, home: holder }));
}

describeWithWorld("give", (w) => {
  it("gives something carried to someone, who is told, and the move is stored", async () => {
    const { char1, char2, obj1 } = w.world;
    await w.world.unit(async () => {
      obj1.location = char1;
    });
    const out = await callCommand(w.world, CmdGive, "Obj to Char2", "You give an Obj to Char2.", { receivers: [char1, char2] });
    expect(out.of(char2)).toBe("Char gives you an Obj.");
    expect(obj1.location).toBe(char2);
    expect(await storedLocation(w.world, obj1.id)).toBe(char2.id);
    await callCommand(w.world, CmdGive, "Obj = Char", "You give an Obj to Char.", { caller: char2 });
    expect(obj1.location).toBe(char1);
  });

  it("gives a number of a stack of identical things", async () => {
    const { char1, char2 } = w.world;
    for (let i = 0; i < 3; i++) await carried(w.world, "coin");
    const out = await callCommand(w.world, CmdGive, "2 coin to Char2", "You give two coins to Char2.", { receivers: [char1, char2] });
    expect(out.of(char2)).toBe("Char gives you two coins.");
    expect(char2.contents.map((o) => o.key)).toEqual(["coin", "coin"]);
    expect(char1.contents.map((o) => o.key)).toEqual(["coin"]);
  });

  it("explains bad arguments, things not carried, unknown targets, several matches and giving to yourself", async () => {
    await carried(w.world, "red ball");
    await carried(w.world, "blue ball");
    await callCommand(w.world, CmdGive, "", "Usage: give <inventory object> = <target>");
    await callCommand(w.world, CmdGive, "red ball", "Usage: give <inventory object> = <target>");
    await callCommand(w.world, CmdGive, "Obj to Char2", "You aren't carrying Obj.");
    await callCommand(w.world, CmdGive, "red ball to nobody", "Could not find 'nobody'.");
    const multi = await callCommand(w.world, CmdGive, "ball to Char2", "You carry more than one ball:");
    expect(multi.text).toContain("red ball");
    expect(multi.text).toContain("blue ball");
    await callCommand(w.world, CmdGive, "red ball to me", "You keep a red ball to yourself.");
  });

  it("obeys the give lock and the atPreGive/atGive hooks", async () => {
    const { char2 } = w.world;
    const gem = await carried(w.world, "gem");
    await w.world.unit(async () => {
      gem.locks.add("give:false()");
    });
    await callCommand(w.world, CmdGive, "gem to Char2", "You can't give that away.");
    await w.world.unit(async () => {
      gem.db.give_err_msg = "The gem is bound to you.";
    });
    await callCommand(w.world, CmdGive, "gem to Char2", "The gem is bound to you.");
    expect(gem.location).toBe(w.world.char1);

    const heard: string[] = [];
    const ring = await carried(w.world, "ring");
    let allow = false;
    Object.assign(ring, {
      atPreGive: async (giver: DefaultObject, getter: DefaultObject) => {
        heard.push(`pre:${giver.key}:${getter.key}`);
        return allow;
      },
      atGive: async (giver: DefaultObject, getter: DefaultObject) => {
        heard.push(`give:${giver.key}:${getter.key}`);
      },
    });
    const refused = await callCommand(w.world, CmdGive, "ring to Char2");
    expect(refused.text).toBe("");
    expect(ring.location).toBe(w.world.char1);
    allow = true;
    await callCommand(w.world, CmdGive, "ring to Char2", "You give a ring to Char2.");
    expect(ring.location).toBe(char2);
    expect(heard).toEqual(["pre:Char:Char2", "pre:Char:Char2", "give:Char:Char2"]);
  });
});

describeWithWorld("whisper", (w) => {
  it("speaks to one or more receivers only", async () => {
    const { char1, char2, obj1 } = w.world;
    const out = await callCommand(w.world, CmdWhisper, "Char2 = meet me at the docks", 'You whisper to Char2, "meet me at the docks"', { receivers: [char1, char2, obj1] });
    expect(out.of(char2)).toBe('Char whispers: "meet me at the docks"');
    expect(out.of(obj1)).toBe("");
    const both = await callCommand(w.world, CmdWhisper, "Char2, Obj = hush", 'You whisper to Char2, Obj, "hush"', { receivers: [char1, char2, obj1] });
    expect(both.of(obj1)).toBe('Char whispers: "hush"');
    expect(both.of(char2)).toBe('Char whispers: "hush"');
  });

  it("explains bad arguments and unknown receivers", async () => {
    await callCommand(w.world, CmdWhisper, "", "Usage: whisper <character> = <message>");
    await callCommand(w.world, CmdWhisper, "Char2", "Usage: whisper <character> = <message>");
    await callCommand(w.world, CmdWhisper, "Char2 =", "Usage: whisper <character> = <message>");
    await callCommand(w.world, CmdWhisper, "nobody = hi", "Could not find 'nobody'.");
  });

  it("lets atPreSay change or stop a whisper", async () => {
    const { char1, char2 } = w.world;
    const seen: unknown[] = [];
    Object.assign(char1, {
      atPreSay: async (message: string, options: { whisper?: boolean; receivers?: DefaultObject[] }) => {
        seen.push([message, options.whisper, options.receivers?.map((r) => r.key)]);
        return message === "stop" ? null : message.toUpperCase();
      },
    });
    try {
      const out = await callCommand(w.world, CmdWhisper, "Char2 = quiet", 'You whisper to Char2, "QUIET"', { receivers: [char1, char2] });
      expect(out.of(char2)).toBe('Char whispers: "QUIET"');
      const stopped = await callCommand(w.world, CmdWhisper, "Char2 = stop", undefined, { receivers: [char1, char2] });
      expect(stopped.of(char2)).toBe("");
      expect(seen).toEqual([
        ["quiet", true, ["Char2"]],
        ["stop", true, ["Char2"]],
      ]);
    } finally {
      delete (char1 as { atPreSay?: unknown }).atPreSay;
    }
  });
});

describeWithWorld("say through the speech hooks", (w) => {
  it("goes through atPreSay and atSay", async () => {
    const { char1, char2 } = w.world;
    Object.assign(char1, { atPreSay: async (message: string) => (message === "nothing" ? "" : `${message}!`) });
    try {
      const out = await callCommand(w.world, CmdSay, "hello", 'You say, "hello!"', { receivers: [char1, char2] });
      expect(out.of(char2)).toBe('Char says, "hello!"');
      const silent = await callCommand(w.world, CmdSay, "nothing", undefined, { receivers: [char1, char2] });
      expect(silent.text).toBe("");
      expect(silent.of(char2)).toBe("");
    } finally {
      delete (char1 as { atPreSay?: unknown }).atPreSay;
    }
  });
});

describeWithWorld("pose", (w) => {
  it("shows the room what you do, your name first", async () => {
    const { char1, char2 } = w.world;
    const out = await callCommand(w.world, CmdPose, "is standing by the wall, smiling.", "Char is standing by the wall, smiling.", { receivers: [char1, char2] });
    expect(out.of(char2)).toBe("Char is standing by the wall, smiling.");
    expect(out.messages.get(char2)?.[0]?.[2]).toMatchObject({ type: "pose" });
    await callCommand(w.world, CmdPose, "", "What do you want to do?");
  });

  it("joins ':', 's and commas to the name without a space, through the handler", async () => {
    const handler = handlerFor(w.world);
    expect(await type(w.world, handler, ":waves.")).toBe("Char waves.");
    expect(await type(w.world, handler, "pose's eyes narrow.")).toBe("Char's eyes narrow.");
    expect(await type(w.world, handler, "emote, smiling, nods.")).toBe("Char, smiling, nods.");
    expect(await type(w.world, handler, ":   bows  ")).toBe("Char bows");
    w.world.clearOutput();
    await handler.execute(w.world.session1, "emote shrugs.");
    expect(w.world.text(w.world.session2)).toBe("Char shrugs.");
    expect(await type(w.world, handler, ":")).toBe("What do you want to do?");
  });
});

describeWithWorld("home", (w) => {
  it("takes you home, or says why not", async () => {
    const { char1, room1, room2 } = w.world;
    await callCommand(w.world, CmdHome, "", "You are already home!");
    await w.world.unit(() => char1.moveTo(room2, { quiet: true }));
    await callCommand(w.world, CmdHome, "", "There's no place like home ...");
    expect(char1.location).toBe(room1);
    expect(await storedLocation(w.world, char1.id)).toBe(room1.id);
    await w.world.unit(async () => {
      char1.home = null;
    });
    await callCommand(w.world, CmdHome, "", "You have no home!");
  });

  it("is for Builders (or the home permission) only", async () => {
    const { char1, char2, room2 } = w.world;
    const cmd = new CmdHome();
    expect(cmd.locks).toBe("cmd:perm(home) or perm(Builder)");
    expect(cmd.access(char1)).toBe(true);
    expect(cmd.access(char2)).toBe(false);
    await w.world.unit(() => char2.moveTo(room2, { quiet: true }));
    const handler = handlerFor(w.world);
    const out = await type(w.world, handler, "home", w.world.session2);
    expect(out).toMatch(/^Command 'home' is not available/);
    expect(char2.location).toBe(room2);
    await w.world.unit(async () => {
      char2.permissions.add("home");
    });
    expect(await type(w.world, handler, "home", w.world.session2)).toContain("There's no place like home ...");
    expect(char2.location).toBe(w.world.room1);
  });
});

describeWithWorld("setdesc", (w) => {
  it("sets your description, stored", async () => {
    const { char1 } = w.world;
    await callCommand(w.world, CmdSetDesc, "A tall woman with a weathered face.  ", "You set your description.");
    expect(char1.db.desc).toBe("A tall woman with a weathered face.");
    expect(await storedAttribute(w.world.fixture.db, char1.id, "desc")).toBe("A tall woman with a weathered face.");
    await callCommand(w.world, CmdSetDesc, "", "You must add a description.");
    await callCommand(w.world, CmdSetDesc, "   ", "You must add a description.");
  });
});

describeWithWorld("access", (w) => {
  it("shows the hierarchy and a player's permissions", async () => {
    const out = await callCommand(w.world, CmdAccess, "", "Permission Hierarchy (climbing):", { caller: w.world.char2 });
    expect(out.text.trim().split("\n")).toEqual([
      "Permission Hierarchy (climbing):",
      " Guest, Player, Helper, Builder, Admin, Developer",
      "Your access:",
      "Character Char2: player",
      "Account TestAccount2: player",
    ]);
  });

  it("shows <Superuser> for a superuser, and answers to groups and hierarchy", async () => {
    const developer = await callCommand(w.world, CmdAccess, "", "Permission Hierarchy");
    expect(developer.text).toContain("Character Char: developer");
    expect(developer.text).toContain("Account TestAccount: developer");
    await w.world.unit(async () => {
      w.world.account1.isSuperuser = true;
    });
    const out = await callCommand(w.world, CmdAccess, "", "Permission Hierarchy");
    expect(out.text).toContain("Character Char: <Superuser>");
    expect(out.text).toContain("Account TestAccount: <Superuser>");
    const handler = handlerFor(w.world);
    expect(await type(w.world, handler, "groups")).toContain("Permission Hierarchy");
    expect(await type(w.world, handler, "hierarchy")).toContain("Your access:");
    expect(await type(w.world, handler, "access me")).toMatch(/^Command 'access me' is not available/);
  });
});

describeWithWorld("nick", (w) => {
  it("maps a typed line, and the handler replaces it before parsing", async () => {
    const handler = handlerFor(w.world);
    expect(await type(w.world, handler, "nick hi = say Hello, I'm Sarah!")).toBe("Inputline-nick 'hi' mapped to 'say Hello, I'm Sarah!'.");
    expect(await type(w.world, handler, "hi")).toBe(`You say, "Hello, I'm Sarah!"`);
    expect(w.world.text(w.world.session2)).toBe(`Char says, "Hello, I'm Sarah!"`);
    expect(await type(w.world, handler, "HI")).toBe(`You say, "Hello, I'm Sarah!"`);
    // only whole lines match
    expect(await type(w.world, handler, "hi there")).toMatch(/^Command 'hi there' is not available/);
    // stored as Evennia stores it
    expect(await storedAttribute(w.world.fixture.db, w.world.char1.id, "hi", "nick_inputline")).toEqual(["hi", "say Hello, I'm Sarah!", "hi", "say Hello, I'm Sarah!"]);
  });

  it("catches $N arguments and wildcards", async () => {
    const handler = handlerFor(w.world);
    await type(w.world, handler, "nick tell $1 $2 = whisper $1 = $2");
    w.world.clearOutput();
    await handler.execute(w.world.session1, "tell Char2 see you at noon");
    expect(w.world.text(w.world.session1)).toBe('You whisper to Char2, "see you at noon"');
    expect(w.world.text(w.world.session2)).toBe('Char whispers: "see you at noon"');
    await type(w.world, handler, "nick gr* = pose grins.");
    expect(await type(w.world, handler, "grrrrr")).toBe("Char grins.");
    await type(w.world, handler, "nick s? = say short");
    expect(await type(w.world, handler, "sx")).toBe('You say, "short"');
    expect(await type(w.world, handler, "sxx")).toMatch(/not available/);
  });

  it("maps searched names with /object (and /account)", async () => {
    const handler = handlerFor(w.world);
    expect(await type(w.world, handler, "nick/object buddy = Char2")).toBe("Object-nick 'buddy' mapped to 'Char2'.");
    w.world.clearOutput();
    await handler.execute(w.world.session1, "whisper buddy = psst");
    expect(w.world.text(w.world.session2)).toBe('Char whispers: "psst"');
    // object nicks do not touch the typed line
    expect(await type(w.world, handler, "buddy")).toMatch(/^Command 'buddy' is not available/);
    expect(await type(w.world, handler, "nick/account pal = Obj")).toBe("Account-nick 'pal' mapped to 'Obj'.");
    expect(await w.world.unit(() => w.world.char1.search("pal"))).toBe(w.world.obj1);
  });

  it("applies the account's nicks too, over the character's own", async () => {
    const handler = handlerFor(w.world);
    await w.world.unit(async () => {
      w.world.account1.nicks.add("yo", "say from the account");
      w.world.char1.nicks.add("yo", "say from the character");
      w.world.char1.nicks.add("hey", "say from the character");
    });
    expect(await type(w.world, handler, "yo")).toBe('You say, "from the account"');
    expect(await type(w.world, handler, "hey")).toBe('You say, "from the character"');
    const plain = handlerFor(w.world, { useNicks: false });
    expect(await type(w.world, plain, "hey")).toMatch(/^Command 'hey' is not available/);
  });

  it("applies only the account's nicks out of character", async () => {
    const handler = handlerFor(w.world);
    await w.world.unit(async () => {
      w.world.account1.nicks.add("who am i", "ooc");
      w.world.char1.nicks.add("who am i", "look");
      await w.world.account1.unpuppetObject(w.world.session1);
    });
    expect(w.world.session1.puppet).toBeNull();
    // the account's nick made the line `ooc`, which says you are already out of character
    expect(await type(w.world, handler, "who am i")).toBe("You are already OOC.");
  });

  it("shows, updates, lists and deletes nicks", async () => {
    const handler = handlerFor(w.world);
    await type(w.world, handler, "nick hi = say Hello!");
    await type(w.world, handler, "nick/object tom = the tall man");
    expect(await type(w.world, handler, "nick hi = say Hello!")).toBe("Identical inputline-nick already set.");
    expect(await type(w.world, handler, "nick hi = say Hi all!")).toBe("Inputline-nick 'hi' updated to map to 'say Hi all!'.");
    expect(await type(w.world, handler, "nick h")).toBe("Inputline-nick: 'hi' -> 'say Hi all!'");
    expect(await type(w.world, handler, "nick zz")).toBe("No nicks found matching 'zz'");
    const listing = await type(w.world, handler, "nicks");
    expect(listing).toContain("Defined Nicks:");
    expect(listing).toMatch(/#\s*\|\s*Type\s*\|\s*Nick match\s*\|\s*Replacement/);
    expect(listing).toMatch(/1\s*\|\s*inputline\s*\|\s*hi\s*\|\s*say Hi all!/);
    expect(listing).toMatch(/2\s*\|\s*object\s*\|\s*tom\s*\|\s*the tall man/);
    expect(await type(w.world, handler, "nick/list")).toBe(listing);
    expect(await type(w.world, handler, "nick/delete 2")).toBe("Object-nick removed: 'tom' -> the tall man.");
    expect(await type(w.world, handler, "nick/delete 5")).toBe("Not a valid nick index. See 'nicks' for a list.");
    expect(await type(w.world, handler, "nick/delete nosuch")).toBe("No matching nicks to remove.");
    expect(await type(w.world, handler, "nick/delete")).toBe("usage nick/delete <nick> or <#num> ('nicks' for list)");
    expect(await type(w.world, handler, "nick/del hi")).toBe("Inputline-nick removed: 'hi' -> say Hi all!.");
    expect(await type(w.world, handler, "nicks")).toBe("No nicks defined.");
    expect(w.world.char1.nicks.all()).toEqual([]);
    expect(await storedAttribute(w.world.fixture.db, w.world.char1.id, "hi", "nick_inputline")).toBeUndefined();
  });

  it("clears all nicks, the account's too", async () => {
    await w.world.unit(async () => {
      w.world.char1.nicks.add("a", "look");
      w.world.account1.nicks.add("b", "look");
    });
    expect(await type(w.world, handlerFor(w.world), "nick/clearall")).toBe("Cleared all nicks.");
    expect(w.world.char1.nicks.all()).toEqual([]);
    expect(w.world.account1.nicks.all()).toEqual([]);
  });

  it("explains bad arguments and mismatched templates", async () => {
    await callCommand(w.world, CmdNick, "", "Usage: nick[/switches] nickname = [realname]");
    await callCommand(w.world, CmdNick, "= look", "Usage: nick[/switches] nickname = [realname]");
    await callCommand(w.world, CmdNick, "look = look", "No point in setting nick same as the string to replace...");
    await callCommand(w.world, CmdNick, "tell $1 $2 = page $1", "You must use the same $-markers both in the nick and in the replacement.");
    await callCommand(w.world, CmdNick, "$1 $1 = say $1", "Nicks: $1 can appear only once in the pattern.");
    await callCommand(w.world, CmdNick, `${"x".repeat(NICK_LIMITS.patternLength + 1)} = look`, `Nicks: a pattern may be at most ${NICK_LIMITS.patternLength} characters long.`);
    expect(await type(w.world, handlerFor(w.world), "nick/bogus hi = look")).toMatch(/Extra switch "\/bogus" ignored/);
    expect(w.world.char1.nicks.all().map((n) => n.pattern)).toEqual(["hi"]);
  });

  it("takes \\= as a literal '=' in the string", async () => {
    await callCommand(w.world, CmdNick, "tm\\=$1=page tallman=$1", "Inputline-nick 'tm=$1' mapped to 'page tallman=$1'.");
    expect(w.world.char1.nicks.nickreplace("tm=hello")).toBe("page tallman=hello");
  });

  it("is safe against hostile patterns typed by a player", async () => {
    const handler = handlerFor(w.world);
    await type(w.world, handler, `nick ${"*a".repeat(20)}*b = look`);
    await type(w.world, handler, "nick (a+)+$1 = say $1");
    await type(w.world, handler, "nick .* = say everything");
    expect(w.world.char1.nicks.all()).toHaveLength(3);
    const started = performance.now();
    const out = await type(w.world, handler, "a".repeat(5000));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out).toMatch(/is not available/);
    // regular-expression syntax is only itself
    expect(await type(w.world, handler, "(a+)+x")).toBe('You say, "x"');
    expect(await type(w.world, handler, "aaaax")).toMatch(/is not available/);
    expect(await type(w.world, handler, "look")).toContain("Room");
    // a nick whose result would be too long does not apply
    await w.world.unit(async () => {
      w.world.char1.nicks.add("big $1", `say ${"$1".repeat(400)}`);
    });
    expect(await type(w.world, handler, `big ${"y".repeat(100)}`)).toMatch(/^Command 'big y+' is not available/);
  });

  it("stores nicks in the database", async () => {
    const id = w.world.char1.id;
    await callCommand(w.world, CmdNick, "gr $1 = pose grins at $1.", "Inputline-nick 'gr $1' mapped to 'pose grins at $1.'.");
    const rows = await w.world.fixture.db.query<{ key: string; category: string }>("SELECT key, category FROM attributes WHERE owner_kind = 'object' AND owner_id = ?", [id]);
    expect(rows.filter((r) => r.category.startsWith("nick_"))).toEqual([{ key: "gr $1", category: "nick_inputline" }]);
    expect(await storedAttribute(w.world.fixture.db, id, "gr $1", "nick_inputline")).toEqual(["gr $1", "pose grins at {arg1}.", "gr $1", "pose grins at $1."]);
  });
});
