/**
 * `batchcommand` and `batchcode` on the test world, on both databases, through the
 * real command handler (each command of a batch file runs as the builder typed
 * it): the shipped world/build.ev builds three rooms and can be run twice without
 * duplicating them; interactive stepping; path escapes refused; batchcode off by
 * default, Developer-only, and running TypeScript blocks with headers when on.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BATCHCODE_DISABLED_MESSAGE, CmdBatchCode, CmdBatchCommands } from "../../../evennia-ts/commands/default/batch/batchprocess.ts";
import { parseBatchCode, parseBatchCommands, resolveBatchFile } from "../../../evennia-ts/commands/default/batch/batch-files.ts";
import { callCommand, describeWithWorld, worldCommandHandler, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { packageRoot } from "../../../evennia-ts/testing/game-folder.ts";

let gameDir = "";

beforeEach(() => {
  gameDir = mkdtempSync(path.join(os.tmpdir(), "evts-batch-"));
  mkdirSync(path.join(gameDir, "world"));
  writeFileSync(path.join(gameDir, "package.json"), '{"type":"module"}');
  copyFileSync(path.join(packageRoot, "game_template", "world", "build.ev"), path.join(gameDir, "world", "build.ev"));
  writeFileSync(path.join(gameDir, "secret.ev"), "say the secret is out\n");
});
afterEach(() => rmSync(gameDir, { recursive: true, force: true }));

/** Point the world's game folder at this test's folder. */
function useGame(world: TestWorld): void {
  world.settings.gameDir = gameDir;
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

const ROOMS = ["Sunny Garden", "Quiet Pond", "Garden Shed"];

describe("batch file parsing", () => {
  it("splits commands at # lines, joins continued lines and keeps empty lines as line breaks", () => {
    const text = "# comment\nlook\n#\ndesc here =\n  A room.\n  Still the same line.\n\n  New paragraph.\n# end\n  # indented is not a comment\n";
    expect(parseBatchCommands(text)).toEqual(["look", "desc here = A room. Still the same line.\nNew paragraph.", "# indented is not a comment"]);
  });

  it("#INSERT puts another file's commands in place", () => {
    expect(parseBatchCommands("look\n#INSERT world.other\nsay hi\n", (name) => [`inserted ${name}`])).toEqual(["look", "inserted world.other", "say hi"]);
  });

  it("batch code: #HEADER goes in front of every #CODE block", () => {
    const blocks = parseBatchCode("#HEADER\nconst GOLD = 10;\n#CODE\nprint(GOLD);\n#CODE\nprint(GOLD * 2);\n");
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain("const GOLD = 10;");
    expect(blocks[1]).toMatch(/const GOLD = 10;[\s\S]*print\(GOLD \* 2\);/);
    expect(parseBatchCode("print(1);\nprint(2);\n")).toHaveLength(1);
    // markers as line comments keep the file valid TypeScript
    const commented = parseBatchCode("// #HEADER\nconst A = 1;\n// #CODE\nprint(A);\n// #INSERT world.more\n", (name) => [`inserted ${name}`]);
    expect(commented).toEqual([expect.stringMatching(/const A = 1;[\s\S]*print\(A\);/), "inserted world.more"]);
  });

  it("resolves dotted paths inside the batch folders only", () => {
    const roots = { gameDir, folders: ["world"] };
    expect(resolveBatchFile("world.build", ".ev", roots)).toBe(path.join(gameDir, "world", "build.ev"));
    expect(resolveBatchFile("build", ".ev", roots)).toBe(path.join(gameDir, "world", "build.ev"));
    expect(() => resolveBatchFile("secret", ".ev", roots)).toThrow(/outside the batch-file folders/);
    expect(() => resolveBatchFile("../secret", ".ev", roots)).toThrow(/not a batch file path/);
    expect(() => resolveBatchFile("/etc/passwd", ".ev", roots)).toThrow(/not a batch file path/);
    symlinkSync(path.join(gameDir, "secret.ev"), path.join(gameDir, "world", "link.ev"));
    expect(() => resolveBatchFile("world.link", ".ev", roots)).toThrow(/outside the batch-file folders/);
  });
});

describeWithWorld("batchcommand", (w) => {
  it("runs the shipped world/build.ev: three rooms with exits and descriptions", async () => {
    useGame(w.world);
    const out = await type(w.world, "batchcommand world.build");
    expect(out).toContain("Running Batch-command processor - Automatic mode for world.build");
    expect(out).toContain("Batchfile 'world.build' applied.");
    for (const room of ROOMS) expect(await count(w.world, room)).toBe(1);
    const [pond] = await w.world.fixture.db.query<{ id: number }>("SELECT id FROM objects WHERE key = 'Quiet Pond'");
    const desc = await w.world.fixture.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'desc'", [pond!.id]);
    expect(JSON.parse(desc[0]!.value)).toMatch(/^Reeds ring a still, dark pond/);
    expect(await count(w.world, "garden")).toBe(1); // the exit from home
    expect(w.world.char1.location).toBe(w.world.room1);
  });

  it("can be run twice without duplicating anything", async () => {
    useGame(w.world);
    await type(w.world, "batchcommand world.build");
    const [{ n: after1 }] = (await w.world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects")) as [{ n: number }];
    const out = await type(w.world, "batchcommand world.build");
    expect(out).toContain("Batchfile 'world.build' applied.");
    const [{ n: after2 }] = (await w.world.fixture.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM objects")) as [{ n: number }];
    expect(Number(after2)).toBe(Number(after1));
    for (const room of ROOMS) expect(await count(w.world, room)).toBe(1);
    for (const exit of ["garden", "east", "west", "north", "south"]) expect(await count(w.world, exit)).toBe(1);
    expect(await count(w.world, "back")).toBe(2); // the world's own "back" exit, and the garden's
    // the home room was never touched
    expect(w.world.room1.isDeleted).toBe(false);
  });

  it("interactive mode steps through the file with the state commands", async () => {
    useGame(w.world);
    writeFileSync(path.join(gameDir, "world", "steps.ev"), "create/drop apple\n#\ncreate/drop pear\n#\ncreate/drop plum\n");
    let out = await type(w.world, "batchcommand/interactive steps");
    expect(out).toContain("Batch-command processor - Interactive mode for steps");
    expect(out).toContain("01/03: create/drop apple");
    out = await type(w.world, "nn");
    expect(out).toContain("02/03: create/drop pear");
    out = await type(w.world, "bb");
    expect(out).toContain("01/03");
    expect(await count(w.world, "apple")).toBe(0);
    out = await type(w.world, "pp");
    expect(out).toContain("You create a new");
    expect(await count(w.world, "apple")).toBe(1);
    out = await type(w.world, "ll");
    // the whole entry, under its header
    expect(out.split("\n").some((line) => !line.includes("01/03") && line.trim().endsWith("create/drop apple"))).toBe(true);
    out = await type(w.world, "jj 3");
    expect(out).toContain("03/03: create/drop plum");
    out = await type(w.world, "hh");
    expect(out).toContain("nn [steps] - next command (no processing)");
    out = await type(w.world, "ss");
    expect(out).toContain("End of batch file.");
    expect(await count(w.world, "plum")).toBe(1);
    // the file changed on disk: rr reads it again, staying on the same entry
    writeFileSync(path.join(gameDir, "world", "steps.ev"), "create/drop apple\n#\ncreate/drop pear\n#\ncreate/drop fig\n");
    out = await type(w.world, "rr");
    expect(out).toContain("File reloaded. Staying on same command.");
    expect(out).toContain("03/03: create/drop fig");
    out = await type(w.world, "rrr");
    expect(out).toContain("01/03: create/drop apple");
    out = await type(w.world, "jj 2");
    out = await type(w.world, "cc");
    expect(out).toContain("Finished processing batch file.");
    expect(await count(w.world, "pear")).toBe(1);
    expect(await count(w.world, "fig")).toBe(1);
    expect(await count(w.world, "apple")).toBe(1);
    // the state commands are gone with the processor
    out = await type(w.world, "nn");
    expect(out).toContain("Command 'nn' is not available");
  });

  it("qq and abort leave interactive mode without running anything more", async () => {
    useGame(w.world);
    await type(w.world, "batchcommand/interactive world.build");
    expect(await type(w.world, "qq")).toContain("Aborted interactive batch mode.");
    await type(w.world, "batchcommand/interactive world.build");
    expect(await type(w.world, "abort")).toContain("Exited processor");
    expect(await count(w.world, "Sunny Garden")).toBe(0);
    expect(await type(w.world, "pp")).toContain("Command 'pp' is not available");
  });

  it("refuses paths out of the world folder, missing files and empty files", async () => {
    useGame(w.world);
    await callCommand(w.world, CmdBatchCommands, "../secret", /not a batch file path/);
    await callCommand(w.world, CmdBatchCommands, "secret", /outside the batch-file folders/);
    await callCommand(w.world, CmdBatchCommands, "world.nothing", /could not be found/);
    writeFileSync(path.join(gameDir, "world", "empty.ev"), "# only comments\n#\n");
    await callCommand(w.world, CmdBatchCommands, "empty", "File empty seems empty of valid commands.");
    await callCommand(w.world, CmdBatchCommands, "", "Usage: batchcommands[/interactive] <path.to.file>");
    expect(await type(w.world, "say hi")).not.toContain("secret is out");
  });

  it("is locked to Developers (or the batchcommands permission)", async () => {
    useGame(w.world);
    expect(new CmdBatchCommands().access(w.world.char2, "cmd")).toBe(false);
    w.world.clearOutput();
    await worldCommandHandler(w.world).execute(w.world.session2, "batchcommand world.build");
    expect(w.world.text(w.world.session2)).toContain("Command 'batchcommand world.build' is not available");
    expect(await count(w.world, "Sunny Garden")).toBe(0);
  });
});

describeWithWorld("batchcode", (w) => {
  it("is disabled by default", async () => {
    useGame(w.world);
    await callCommand(w.world, CmdBatchCode, "world.code", BATCHCODE_DISABLED_MESSAGE);
  });

  it("is for Developers only", () => {
    expect(new CmdBatchCode().access(w.world.char2, "cmd")).toBe(false);
    expect(new CmdBatchCode().access(w.world.char1, "cmd")).toBe(true);
  });

  it("when enabled, runs each #CODE block with the #HEADER in front, as the caller", async () => {
    useGame(w.world);
    w.world.settings.batchCodeEnabled = true;
    writeFileSync(
      path.join(gameDir, "world", "code.ts"),
      [
        "// #HEADER",
        "declare const caller: { key: string }; // for the editor: given at run time",
        'const NAME: string = "golden statue";',
        "// #CODE",
        "const statue = await createObject(undefined, { key: NAME, location: here });",
        "statue.db.value = 100;",
        'print(`made ${statue.key} in ${here.key}`);',
        "#CODE",
        "const found = await search({ key: NAME });",
        'print(`found ${found.length}, DEBUG is ${DEBUG}`);',
      ].join("\n"),
    );
    const out = await type(w.world, "batchcode world.code");
    expect(out).toContain("Running Batch-code processor - Automatic mode for world.code");
    expect(out).toContain("made golden statue in Room");
    expect(out).toContain("found 1, DEBUG is false");
    expect(out).toContain("Batchfile 'world.code' applied.");
    expect(await count(w.world, "golden statue")).toBe(1);
  });

  it("a failing block stops the run and shows the error with the code around it; interactive mode steps blocks", async () => {
    useGame(w.world);
    w.world.settings.batchCodeEnabled = true;
    writeFileSync(path.join(gameDir, "world", "broken.ts"), '#CODE\nprint("one");\n#CODE\nconst x = 1;\nthrow new Error("boom");\n#CODE\nprint("three");\n');
    let out = await type(w.world, "batchcode broken");
    expect(out).toContain("one");
    expect(out).toMatch(/Error: boom/);
    expect(out).toMatch(/throw new Error\("boom"\)/);
    expect(out).not.toContain("three");
    out = await type(w.world, "batchcode/interactive/debug broken");
    expect(out).toContain("Batch-code processor - Interactive mode for broken");
    expect(out).toContain('01/03: print("one");');
    out = await type(w.world, "jj 3");
    out = await type(w.world, "pp");
    expect(out).toContain("three");
    await type(w.world, "qq");
  });
});
