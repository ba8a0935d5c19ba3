/**
 * Help: the index, entries, suggestions, locks, subtopics, help files and `sethelp`,
 * through the real command handler on both databases; and every default command
 * has help with usage and examples.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountCmdSet, CharacterCmdSet, SessionCmdSet, UnloggedinCmdSet } from "../../evennia-ts/commands/default/cmdsets.ts";
import type { CommandHandler } from "../../evennia-ts/commands/handler.ts";
import { forgetDbHelpEntries, saveDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { commandsMissingHelp, forgetHelpFiles, helpWarnings, parseHelpFile, parseSubtopics, searchHelp } from "../../evennia-ts/commands/help/help-entries.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultRoom, createAccount, createObject } from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";
import { RecordingSession, testHandler, testServices } from "./command-session.ts";

describe("help text of the default commands", () => {
  it("every default command has help with usage and examples", () => {
    for (const cls of [UnloggedinCmdSet, SessionCmdSet, AccountCmdSet, CharacterCmdSet]) {
      const set = new cls();
      expect(commandsMissingHelp(set), `${set.key} commands without help`).toEqual([]);
      for (const cmd of set) {
        if (!cmd.autoHelp) continue;
        expect(cmd.help, `${cmd.key} help`).toMatch(/Usage/);
        expect(cmd.help, `${cmd.key} help`).toMatch(/Examples?:/);
      }
    }
  });
  it("the check finds a command without help", () => {
    const set = new CharacterCmdSet();
    const bare = [...set][0]!;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(bare) as object), bare, { help: "" });
    expect(commandsMissingHelp([copy])).toEqual([bare.key]);
  });
  it("the startup check finds nothing to warn about in the default cmdsets", () => {
    const paths = ["Unloggedin", "Session", "Account", "Character"].map((k) => `evennia.commands.default.${k}CmdSet`);
    expect(helpWarnings(paths)).toEqual([]);
  });
});

describe("help helpers", () => {
  it("parses help files with a header", () => {
    expect(parseHelpFile("key: Rules\naliases: law; code\ncategory: World\nlocks: read:perm(Builder)\n\nBe nice.\n", "file")).toMatchObject({
      key: "Rules",
      aliases: ["law", "code"],
      category: "world",
      locks: "read:perm(Builder)",
      text: "Be nice.",
    });
    expect(parseHelpFile("Just text.", "faq")).toMatchObject({ key: "faq", text: "Just text.", category: "general" });
  });
  it("splits subtopics into a tree", () => {
    const tree = parseSubtopics("Main.\n\n# SUBTOPICS\n\n## about\n\nAbout text.\n\n### more info\n\nDeeper.\n\n## extra\n\nExtra text.");
    expect(tree.text).toBe("Main.");
    expect([...tree.children.keys()]).toEqual(["about", "extra"]);
    expect(tree.children.get("about")!.text).toBe("About text.");
    expect(tree.children.get("about")!.children.get("more info")!.text).toBe("Deeper.");
  });
  it("searches exact names, categories and starts, and suggests similar ones", () => {
    const e = (key: string, category = "general", aliases: string[] = []) => ({ key, aliases, category, text: "", locks: "", source: "database" as const });
    const entries = [e("look", "general", ["l"]), e("lock", "building"), e("@open", "building")];
    expect(searchHelp("look", entries).match).toBe(entries[0]);
    expect(searchHelp("open", entries).match).toBe(entries[2]);
    expect(searchHelp("building", entries).match).toEqual({ category: "building" });
    expect(searchHelp("loo", entries).match).toBe(entries[0]);
    const miss = searchHelp("lok", entries);
    expect(miss.match).toBeNull();
    expect(miss.suggestions).toEqual(["look", "lock"]);
  });
});

describeEachDatabase("help and sethelp", (ctx) => {
  let handler: CommandHandler;
  let player: RecordingSession;
  let admin: RecordingSession;
  let gameDir: string;

  beforeAll(async () => {
    forgetDbHelpEntries(ctx.db);
    forgetHelpFiles();
    gameDir = mkdtempSync(path.join(tmpdir(), "evts-help-"));
    mkdirSync(path.join(gameDir, "world", "help"), { recursive: true });
    writeFileSync(path.join(gameDir, "world", "help", "rules.md"), "key: Rules\naliases: law\ncategory: World\n\nBe nice to each other.\n");
    writeFileSync(path.join(gameDir, "world", "help", "secrets.txt"), "locks: read:perm(Admin)\n\nThe cake is a lie.\n");
    handler = testHandler(ctx.db, {}, testServices({ gameDir }));
    const sessionFor = async (name: string, perm: string) => {
      const s = new RecordingSession();
      await ctx.unit(async () => {
        const room = await createObject(DefaultRoom, { key: `Room of ${name}` });
        s.account = await createAccount(undefined, { username: uniqueName(name), password: "secret123", permissions: [perm] });
        s.puppet = await createObject(DefaultCharacter, { key: name, location: room, account: s.account });
      });
      return s;
    };
    player = await sessionFor("Pat", "Player");
    admin = await sessionFor("Ada", "Developer");
  });
  afterAll(() => rmSync(gameDir, { recursive: true, force: true }));

  const run = async (s: RecordingSession, line: string) => {
    await handler.execute(s, line);
    return s.take();
  };

  it("lists topics by category, commands apart from game topics", async () => {
    const index = await run(admin, "help");
    expect(index).toMatch(/-+Commands-+/);
    expect(index).toMatch(/-+Game & World-+/);
    expect(index).toMatch(/-- General -+/);
    expect(index).toMatch(/-- System -+/);
    expect(index).toMatch(/-- World -+/);
    expect(index).toContain("reload");
    expect(index).toContain("Rules");
    expect(index).toContain("secrets");
    const own = await run(player, "help");
    expect(own).not.toContain("reload");
    expect(own).not.toContain("sethelp");
    expect(own).not.toContain("secrets");
    expect(own).toContain("look");
  });

  it("shows a command's entry with its aliases, and @-prefixed queries find it", async () => {
    const out = await run(player, "help look");
    expect(out).toContain("Help for look (aliases: l, ls)");
    expect(out).toContain("Usage:");
    expect(out.split("\n")[0]).toMatch(/^-{78}$/);
    expect(await run(player, "help @look")).toContain("Help for look");
    expect(await run(player, "? say")).toContain("Help for say");
  });

  it("suggests topics for an unknown one, as Evennia words it", async () => {
    // `lock` is a building command: a builder's "help lok" suggests its help next to `look`
    const out = await run(admin, "help lok");
    expect(out).toContain("No help found");
    expect(out).toContain("There is no help topic matching 'lok'.");
    expect(out).toContain("Other topic suggestions:");
    expect(out).toMatch(/lock\s+look/);
  });

  it("reads help files, honouring their read lock", async () => {
    expect(await run(player, "help law")).toContain("Be nice to each other.");
    expect(await run(player, "help secrets")).toContain("No help found");
    expect(await run(admin, "help secrets")).toContain("The cake is a lie.");
  });

  it("lists a category", async () => {
    const out = await run(admin, "help system");
    expect(out).toMatch(/-- System -+/);
    expect(out).toContain("shutdown");
    expect(out).not.toContain("say");
  });

  it("shows subtopics", async () => {
    const main = await run(admin, "help sethelp");
    expect(main).toContain("Subtopics:");
    expect(main).toContain("sethelp/subtopics");
    expect(await run(admin, "help sethelp/sub")).toContain("Help for sethelp/subtopics");
    expect(await run(admin, "help sethelp/nothing")).toContain("No help entry found for 'sethelp/nothing'");
  });

  it("sethelp creates, appends, recategorises, locks and deletes entries", async () => {
    expect(await run(admin, "sethelp lore;history,World = In the beginning")).toBe("Topic 'lore' (aliases: history) was successfully created.");
    expect(await run(player, "help history")).toContain("In the beginning");
    expect(await run(admin, "sethelp lore = again")).toContain("Topic 'lore' already exists.");
    expect(await run(admin, "sethelp/append lore = there was text.")).toBe("Entry updated:\nIn the beginning\nthere was text.");
    expect(await run(admin, "sethelp/category lore = legends")).toBe("Category for entry 'lore' changed to 'legends'.");
    expect(await run(admin, "help legends")).toContain("lore");
    expect(await run(admin, "sethelp/locks lore = read:perm(Admin)")).toBe("Locks for entry 'lore' changed to: read:perm(Admin)");
    expect(await run(player, "help lore")).toContain("No help found");
    expect(await run(admin, "sethelp/locks lore")).toBe("Current locks for entry 'lore' are: read:perm(Admin)");
    const rows = await ctx.db.query<{ category: string; lock_storage: string }>("SELECT category, lock_storage FROM help_entries WHERE key_lower = 'lore'");
    expect(rows).toEqual([{ category: "legends", lock_storage: "read:perm(Admin)" }]);
    expect(await run(admin, "sethelp/delete lore")).toBe("Deleted help entry 'lore'.");
    expect(await ctx.db.query("SELECT id FROM help_entries WHERE key_lower = 'lore'")).toEqual([]);
    expect(await run(admin, "help lore")).toContain("No help found");
  });

  it("sethelp refuses what it cannot do, with a message", async () => {
    expect(await run(admin, "sethelp")).toMatch(/^Usage: sethelp/);
    expect(await run(admin, "sethelp look = mine")).toContain("matches the key/alias of Command 'look'");
    expect(await run(admin, "sethelp nothing")).toBe("You must supply a help text to add.");
    expect(await run(admin, "sethelp/delete nothing")).toBe("Could not find topic 'nothing'.");
    expect(await run(admin, "sethelp/bogus x = y")).toContain("Valid switches: /edit, /replace");
    expect(await run(player, "sethelp x = y")).toContain("Command 'sethelp x = y' is not available.");
  });

  it("pages long help with EvMore: next, back, quit, and other input leaves the pager", async () => {
    const long = Array.from({ length: 100 }, (_, i) => `Line ${i + 1}.`).join("\n");
    await ctx.unit(() => saveDbHelpEntry(ctx.db, { key: "longread", aliases: [], category: "general", text: long, locks: "" }));
    admin.clientOptions.screenheight = 24;
    const first = await run(admin, "help longread");
    expect(first).toContain("(Page [1/");
    expect(first).not.toContain("Line 30.");
    const second = await run(admin, "n");
    expect(second).toContain("(Page [2/");
    expect(await run(admin, "back")).toContain("(Page [1/");
    expect(await run(admin, "q")).toBe("Exited pager.");
    expect(await run(admin, "next")).toContain("Command 'next' is not available.");
    await run(admin, "help longread");
    expect(await run(admin, "say still here")).toContain('You say, "still here"');
    expect(await run(admin, "next")).toContain("not available");
    delete admin.clientOptions.screenheight;
  });
});
