/**
 * The command parser (Evennia's cmdparser rules) and MuxCommand's argument parsing.
 */
import { describe, expect, it } from "vitest";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { Command, type CommandSession } from "../../evennia-ts/commands/command.ts";
import { hasUnmatchedQuote, parseCommand, splitQuoted } from "../../evennia-ts/commands/command-parser.ts";
import { MuxCommand } from "../../evennia-ts/commands/mux-command.ts";

function make(key: string, options: Partial<Pick<Command, "aliases" | "argRegex" | "locks">> & { obj?: unknown } = {}): Command {
  const c = new Command();
  c.key = key;
  if (options.aliases) c.aliases = options.aliases;
  if (options.argRegex !== undefined) c.argRegex = options.argRegex;
  if (options.locks) c.locks = options.locks;
  if (options.obj) c.obj = options.obj as Command["obj"];
  return c;
}
function setOf(...cmds: Command[]): CmdSet {
  const s = new CmdSet(null, "Test");
  for (const c of cmds) s.add(c, true);
  return s;
}
const names = (line: string, set: CmdSet, caller?: Parameters<typeof parseCommand>[2]) =>
  parseCommand(line, set, caller).map((m) => [m.cmd.key, m.cmdname, m.args]);

describe("parseCommand", () => {
  const look = make("look", { aliases: ["l", "ls"] });
  const smile = make("smile");
  const smileAt = make("smile at");
  const reload = make("reload");
  const atOpen = make("@open");
  const open = make("open");
  const say = make("say", { aliases: ['"', "'"], argRegex: null });
  const set = setOf(look, smile, smileAt, reload, say);

  it("matches key and aliases case-insensitively and keeps the arguments", () => {
    expect(names("LOOK sword", set)).toEqual([["look", "look", " sword"]]);
    expect(names("l", set)).toEqual([["look", "l", ""]]);
  });
  it("prefers the longest name", () => {
    expect(names("smile at Anna", set)).toEqual([["smile at", "smile at", " Anna"]]);
    expect(names("smile", set)).toEqual([["smile", "smile", ""]]);
  });
  it("respects argRegex: `lookaround` is not `look`, `'hello` is `say`", () => {
    expect(names("lookaround", set)).toEqual([]);
    expect(names("look/switch", set)).toEqual([["look", "look", "/switch"]]);
    expect(names("'hello", set)).toEqual([["say", "'", "hello"]]);
  });
  it("ignores the prefixes @ & / + (`@reload` is `reload`) but a prefixed name matches exactly first", () => {
    expect(names("@reload", set)).toEqual([["reload", "reload", ""]]);
    expect(names("+reload", set)).toEqual([["reload", "reload", ""]]);
    expect(names("/reload", set)).toEqual([["reload", "reload", ""]]);
    expect(names("&reload", set)).toEqual([["reload", "reload", ""]]);
    const both = setOf(atOpen, open);
    expect(names("@open door", both)).toEqual([["@open", "@open", " door"]]);
    expect(names("open door", both)).toEqual([["open", "open", " door"]]);
    expect(names("@reload", set, { ignorePrefixes: "" })).toEqual([]);
  });
  it("a lone prefix character is not stripped", () => {
    expect(names("@", set)).toEqual([]);
  });
  it("drops commands the caller may not use", () => {
    const locked = setOf(make("shutdown", { locks: "cmd:perm(Developer)" }));
    expect(names("shutdown", locked, { caller: null })).toEqual([]);
    const open = setOf(make("shutdown", { locks: "cmd:all()" }));
    expect(names("shutdown", open, { caller: null })).toHaveLength(1);
  });
  it("returns every same-named command and picks one with `kick-2` or `2-kick`", () => {
    const ball = { key: "ball" };
    const box = { key: "box" };
    const kicks = setOf(make("kick", { obj: ball }), make("kick", { obj: box }));
    expect(parseCommand("kick", kicks).map((m) => (m.cmd.obj as { key: string }).key)).toEqual(["ball", "box"]);
    expect(parseCommand("kick-2", kicks).map((m) => (m.cmd.obj as { key: string }).key)).toEqual(["box"]);
    expect(parseCommand("kick-1 hard", kicks).map((m) => [(m.cmd.obj as { key: string }).key, m.args])).toEqual([["ball", " hard"]]);
    expect(parseCommand("2-kick", kicks).map((m) => (m.cmd.obj as { key: string }).key)).toEqual(["box"]);
    expect(parseCommand("kick-3", kicks)).toEqual([]);
  });
});

describe("quotes", () => {
  it("splits quoted words and spots an unmatched quote", () => {
    expect(splitQuoted(`"Anna Smith" secret`)).toEqual(["Anna Smith", "secret"]);
    expect(hasUnmatchedQuote(`"Anna secret`)).toBe(true);
    expect(hasUnmatchedQuote(`"Anna" secret`)).toBe(false);
  });
});

class CmdTest extends MuxCommand {
  override key = "test";
  override switchOptions = ["delete", "edit", "echo"];
}

function parseMux(args: string, cls: new () => MuxCommand = CmdTest): { cmd: MuxCommand; said: string[] } {
  const said: string[] = [];
  const cmd = new cls();
  cmd.args = args;
  cmd.cmdname = "test";
  cmd.session = { msg: (m: unknown) => said.push(String(m)) } as unknown as CommandSession;
  cmd.parse();
  return { cmd, said };
}

describe("MuxCommand", () => {
  it("splits switches, lhs and rhs and their comma lists", () => {
    const { cmd } = parseMux("/delete/edit sword, axe = north;n, south;s");
    expect(cmd.switches).toEqual(["delete", "edit"]);
    expect(cmd.lhs).toBe("sword, axe");
    expect(cmd.rhs).toBe("north;n, south;s");
    expect(cmd.lhslist).toEqual(["sword", "axe"]);
    expect(cmd.rhslist).toEqual(["north;n", "south;s"]);
    expect(cmd.args).toBe("sword, axe = north;n, south;s");
    expect(cmd.arglist).toEqual(["sword,", "axe", "=", "north;n,", "south;s"]);
  });
  it("has a null rhs without `=` and empty sides with a bare `=`", () => {
    expect(parseMux(" sword").cmd.rhs).toBeNull();
    expect(parseMux(" sword").cmd.rhslist).toEqual([]);
    const bare = parseMux(" =").cmd;
    expect([bare.lhs, bare.rhs, bare.emptySides]).toEqual(["", "", true]);
    expect(parseMux(" a = ").cmd.emptySides).toBe(false);
  });
  it("expands unambiguous abbreviations and names the valid switches for unknown ones", () => {
    const { cmd, said } = parseMux("/del/bogus sword");
    expect(cmd.switches).toEqual(["delete"]);
    expect(said.join("\n")).toContain('Extra switch "/|Cbogus|w" ignored.');
    expect(said.join("\n")).toContain("Valid switches: /delete, /edit, /echo.");
  });
  it("reports an ambiguous abbreviation", () => {
    const { cmd, said } = parseMux("/e sword");
    expect(cmd.switches).toEqual([]);
    expect(said.join("\n")).toContain("Ambiguous switch supplied: Did you mean /|Cedit |nor /|Cecho|w?");
  });
  it("keeps every switch when the command declares none", () => {
    class Free extends MuxCommand {
      override key = "free";
    }
    expect(parseMux("/anything/else x", Free).cmd.switches).toEqual(["anything", "else"]);
  });
});
