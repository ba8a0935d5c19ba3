/**
 * Hostile and broken input to `batchcommand` / `batchcode`: huge files, #INSERT
 * fan-out, bad encodings, batch files that restart the processor or drive the
 * interactive mode themselves, commands that fail half-way, ask questions or take
 * the caller away, files deleted under a run, privileges lost during an
 * interactive run, and step counts out of range. Through the real command
 * handler, on both databases.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_BATCH_ENTRIES, MAX_BATCH_FILE_BYTES, parseBatchCommandFile, readBatchFile, resolveBatchFile } from "../../../evennia-ts/commands/default/batch/batch-files.ts";
import { batchState } from "../../../evennia-ts/commands/default/batch/batch-state.ts";
import { CmdSet } from "../../../evennia-ts/commands/cmdset.ts";
import { Command } from "../../../evennia-ts/commands/command.ts";
import { describeWithWorld, worldCommandHandler, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { EvenniaError, isEvenniaError } from "../../../evennia-ts/utils/errors.ts";

let gameDir = "";
let worldDir = "";

beforeEach(() => {
  gameDir = mkdtempSync(path.join(os.tmpdir(), "evts-batch-hostile-"));
  worldDir = path.join(gameDir, "world");
  mkdirSync(worldDir);
  writeFileSync(path.join(gameDir, "package.json"), '{"type":"module"}');
});
afterEach(() => rmSync(gameDir, { recursive: true, force: true }));

/** Write `world/<name>` of the test game. */
function file(name: string, text: string | Buffer): string {
  const full = path.join(worldDir, name);
  writeFileSync(full, text);
  return full;
}

/** Type `line` as char1 (a Developer) through the command handler; returns what session1 got. */
async function type(world: TestWorld, line: string): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(world.session1, line);
  return world.text(world.session1);
}

async function count(world: TestWorld, key: string): Promise<number> {
  const [row] = await world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects WHERE key = ?", [key]);
  return Number(row!.n);
}

/** `.ev` text of these commands, each ended by a comment line. */
function ev(...commands: string[]): string {
  return commands.map((c) => `${c}\n#\n`).join("");
}

const roots = () => ({ gameDir, folders: ["world"] });

describe("reading hostile batch files", () => {
  it("refuses a file over the size limit before reading it", () => {
    file("huge.ev", Buffer.alloc(MAX_BATCH_FILE_BYTES + 1, "a"));
    let caught: unknown;
    try {
      parseBatchCommandFile("huge", roots());
    } catch (err) {
      caught = err;
    }
    expect(isEvenniaError(caught, "EV_ERR_LIMIT")).toBe(true);
    expect((caught as Error).message).toMatch(/larger than/);
  });

  it("stops #INSERT fan-out (a file inserting another many times, nested) at the entry limit", () => {
    file("leaf.ev", ev(...Array.from({ length: 20 }, (_, i) => `say ${i}`)));
    file("mid.ev", "#INSERT leaf\n".repeat(30));
    file("top.ev", "#INSERT mid\n".repeat(30));
    expect(() => parseBatchCommandFile("top", roots())).toThrow(new RegExp(`more than ${MAX_BATCH_ENTRIES}`));
  });

  it("NUL bytes, Windows separators and an #INSERT cycle through a symbolic link stay refused", () => {
    file("build.ev", "say hi\n");
    expect(() => resolveBatchFile("world.build\0", ".ev", roots())).toThrow(/not a batch file path/);
    expect(() => resolveBatchFile("..\\..\\etc\\passwd", ".ev", roots())).toThrow(/not a batch file path/);
    expect(resolveBatchFile("world\\build", ".ev", roots())).toBe(path.join(worldDir, "build.ev"));
    file("loop.ev", "say once\n#\n#INSERT alias\n");
    symlinkSync(path.join(worldDir, "loop.ev"), path.join(worldDir, "alias.ev"));
    expect(() => parseBatchCommandFile("loop", roots())).toThrow(/inserts a file into itself/);
  });

  it("invalid UTF-8 is an EvenniaError that says so (not a bare TypeError)", () => {
    const bad = file("latin1.ev", Buffer.from([0x73, 0x61, 0x79, 0x20, 0xe9, 0x0a]));
    let caught: unknown;
    try {
      readBatchFile(bad);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EvenniaError);
    expect((caught as Error).message).toMatch(/not valid UTF-8/);
  });

  it("a byte-order mark at the start of any line (files joined together) does not hide a # line", () => {
    const joined = file("joined.ev", "\uFEFFsay one\n#\n\uFEFF# second file's comment\nsay two\n#\n");
    expect(parseBatchCommandFile("joined", roots())).toEqual(["say one", "say two"]);
    expect(readBatchFile(joined)).not.toContain("\uFEFF");
  });
});

/** A command that writes to its caller, then fails. */
class CmdHalfThenFail extends Command {
  override key = "halfthenfail";
  override locks = "cmd:all()";
  override async func(): Promise<void> {
    (this.caller as { db: Record<string, unknown> }).db.halfWritten = "yes";
    throw new Error("failed half-way");
  }
}
class HalfThenFailCmdSet extends CmdSet {
  override key = "half_then_fail";
  override atCmdsetCreation(): void {
    this.add(CmdHalfThenFail);
  }
}

describeWithWorld("batchcommand against hostile files", (w) => {
  const use = () => {
    w.world.settings.gameDir = gameDir;
  };

  it("a command that fails half-way is rolled back, as its 'nothing was changed' says", async () => {
    use();
    w.world.char1.cmdset.add(HalfThenFailCmdSet);
    file("half.ev", ev("halfthenfail", "create/drop apple"));
    const out = await type(w.world, "batchcommand half");
    expect(out).toMatch(/nothing was changed/);
    expect(out).toContain("applied");
    expect(w.world.char1.db.halfWritten).toBeUndefined();
    const rows = await w.world.fixture.db.query("SELECT key FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'halfWritten'", [w.world.char1.id]);
    expect(rows).toHaveLength(0);
    expect(await count(w.world, "apple")).toBe(1);
  });

  it("a batch file cannot start a batch run (no recursion into itself)", async () => {
    use();
    file("self.ev", ev("create/drop apple", "batchcommand self", "create/drop pear"));
    const out = await type(w.world, "batchcommand self");
    expect(out).toMatch(/cannot be used from inside a batch run/);
    expect(await count(w.world, "apple")).toBe(1);
    expect(await count(w.world, "pear")).toBe(1);
    expect(batchState(w.world.char1)).toBeUndefined();
  });

  it("a batch file cannot drive the interactive mode it runs in (cc skipping or looping)", async () => {
    use();
    file("steer.ev", ev("create/drop apple", "nn", "create/drop pear", "create/drop plum"));
    await type(w.world, "batchcommand/interactive steer");
    const out = await type(w.world, "cc");
    expect(out).toMatch(/cannot be used from inside a batch run/);
    expect(out).toContain("Finished processing batch file.");
    for (const fruit of ["apple", "pear", "plum"]) expect(await count(w.world, fruit)).toBe(1);
  });

  it("a question asked by a command of the file is not left for the builder's next line", async () => {
    use();
    file("ask.ev", ev("create/drop vase", "destroy vase", "create/drop cup"));
    const out = await type(w.world, "batchcommand ask");
    expect(out).toMatch(/asked a question/);
    expect(await count(w.world, "cup")).toBe(1);
    // just pressing return would have said yes
    await type(w.world, "");
    expect(await count(w.world, "vase")).toBe(1);
  });

  it("the run stops when the caller is no longer the one running it (went OOC)", async () => {
    use();
    file("leave.ev", ev("create/drop apple", "ooc", "create/drop pear"));
    const out = await type(w.world, "batchcommand leave");
    expect(out).toMatch(/batch run stopped/);
    expect(out).not.toMatch(/Command 'create\/drop pear' is not available/);
    expect(out).not.toContain("applied");
    expect(await count(w.world, "apple")).toBe(1);
  });

  it("the run stops when a command of the file deletes the caller", async () => {
    use();
    file("suicide.ev", ev("destroy/override/force me", "create/drop pear"));
    const out = await type(w.world, "batchcommand suicide");
    expect(w.world.char1.isDeleted).toBe(true);
    expect(out).toMatch(/batch run stopped: Char was deleted/);
    expect(await count(w.world, "pear")).toBe(0);
  });

  it("step counts that are negative, zero or out of range are refused, not guessed", async () => {
    use();
    file("steps.ev", ev("create/drop apple", "create/drop pear", "create/drop plum"));
    await type(w.world, "batchcommand/interactive steps");
    expect(await type(w.world, "nn")).toContain("02/03");
    let out = await type(w.world, "nn -1");
    expect(out).toMatch(/positive whole number/);
    expect(out).not.toContain("03/03");
    out = await type(w.world, "jj 0");
    expect(out).toMatch(/no entry 0/);
    out = await type(w.world, "jj 99999999999999999999999");
    expect(out).toMatch(/no entry 99999999999999999999999/);
    out = await type(w.world, "ss 1e9");
    expect(out).toMatch(/positive whole number/);
    expect(await count(w.world, "pear")).toBe(0);
    expect(await type(w.world, "ll")).toContain("02/03");
    await type(w.world, "qq");
  });
});

describeWithWorld("batchcode against hostile files", (w) => {
  const use = () => {
    w.world.settings.gameDir = gameDir;
    w.world.settings.batchCodeEnabled = true;
  };

  it("a block that deletes its own file does not break the blocks after it", async () => {
    use();
    const self = file("vanish.ts", "");
    file("vanish.ts", `#CODE\nimport { rmSync } from "node:fs";\nrmSync(${JSON.stringify(self)});\nprint("one");\n#CODE\nprint("two");\n`);
    const out = await type(w.world, "batchcode vanish");
    expect(out).toContain("one");
    expect(out).toContain("two");
    expect(out).toContain("applied");
  });

  it("a failing block is rolled back and says so", async () => {
    use();
    file("half.ts", '#CODE\nawait createObject(undefined, { key: "half statue", location: here });\nthrow new Error("boom");\n');
    const out = await type(w.world, "batchcode half");
    expect(out).toMatch(/Error: boom/);
    expect(out).toMatch(/rolled back/);
    expect(await count(w.world, "half statue")).toBe(0);
  });

  it("interactive blocks are refused once batchcode is disabled or the caller is no Developer", async () => {
    use();
    file("later.ts", '#CODE\nprint("ran one");\n#CODE\nprint("ran two");\n');
    await type(w.world, "batchcode/interactive later");
    w.world.settings.batchCodeEnabled = false;
    let out = await type(w.world, "pp");
    expect(out).toMatch(/batchcode command is disabled/);
    expect(out).not.toContain("ran one");
    expect(batchState(w.world.char1)).toBeUndefined();
    w.world.settings.batchCodeEnabled = true;
    await type(w.world, "batchcode/interactive later");
    await w.world.unit(() => {
      w.world.account1.permissions.add("batchcommands");
      w.world.account1.permissions.remove("Developer");
    });
    out = await type(w.world, "pp");
    expect(out).not.toContain("ran one");
    expect(out).toMatch(/only Developers/);
    expect(batchState(w.world.char1)).toBeUndefined();
  });
});
