import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHeapSnapshot } from "../../evennia-ts/tools/heap-snapshot.ts";
import { analyseRetainers, formatRetainerReport, parseRetainerTarget, retainerReport, runRetainersCli, type RetainerReport } from "../../evennia-ts/tools/retainers.ts";
import { findTypeclassedNodes } from "../../evennia-ts/tools/typeclassed-nodes.ts";
import { EvenniaError } from "../../evennia-ts/utils/errors.ts";
import { syntheticSnapshot, type SyntheticNode } from "./synthetic-snapshot.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");
const retainersScript = path.join(root, "evennia-ts", "tools", "retainers.ts");

/** A character #42 held in a Map, an account #42 held by a global, as V8 writes them with numeric values. */
function typeclassedNodes(numericValues: boolean): SyntheticNode[] {
  const value = (digits: number): [string, string, number][] => (numericValues ? [["internal", "value", digits]] : []);
  return [
    /* 0 */ { type: "synthetic", name: "", edges: [["element", 1, 1]] },
    /* 1 */ { type: "synthetic", name: "(GC roots)", edges: [["element", 0, 2]] },
    /* 2 */ { type: "object", name: "global", edges: [["property", "pins", 3], ["property", "acct", 13]] },
    /* 3 */ { type: "object", name: "Map", edges: [["internal", "table", 4]] },
    /* 4 */ { type: "array", name: "", edges: [["internal", "7", 5]] },
    /* 5 */ { type: "object", name: "Character", edges: [["property", "_row", 6], ["property", "_store", 7]] },
    /* 6 */ {
      type: "object",
      name: "Object",
      edges: [["property", "id", 8], ["property", "typeclass_path", 10], ["property", "key", 11], ["property", "location_id", 12]],
    },
    /* 7 */ { type: "object", name: "Store" },
    /* 8 */ { type: "number", name: "smi number", edges: value(9) },
    /* 9 */ { type: "string", name: "42" },
    /* 10 */ { type: "string", name: "typeclasses.characters.Character" },
    /* 11 */ { type: "string", name: "Anna" },
    /* 12 */ { type: "hidden", name: "system / Oddball" },
    /* 13 */ { type: "object", name: "DefaultAccount", edges: [["property", "_row", 14], ["property", "_store", 7]] },
    /* 14 */ { type: "object", name: "Object", edges: [["property", "id", 15], ["property", "typeclass_path", 17], ["property", "username", 18]] },
    /* 15 */ { type: "number", name: "smi number", edges: value(16) },
    /* 16 */ { type: "string", name: "42" },
    /* 17 */ { type: "string", name: "typeclasses.accounts.Account" },
    /* 18 */ { type: "string", name: "anna" },
  ];
}

describe("finding typeclassed objects and rendering their retainers (synthetic snapshot)", () => {
  const snap = parseHeapSnapshot(syntheticSnapshot(typeclassedNodes(true)));

  it("finds typeclassed instances with their row id, kind, typeclass path and key", () => {
    const found = findTypeclassedNodes(snap).map(({ className, rowId, kind, typeclassPath, key }) => ({ className, rowId, kind, typeclassPath, key }));
    expect(found).toEqual([
      { className: "Character", rowId: 42, kind: "object", typeclassPath: "typeclasses.characters.Character", key: "Anna" },
      { className: "DefaultAccount", rowId: 42, kind: "account", typeclassPath: "typeclasses.accounts.Account", key: "anna" },
    ]);
  });

  it("matches by id, id and kind, typeclass path, its last part, or class name", () => {
    expect(analyseRetainers(snap, { id: 42 }).matched).toBe(2);
    expect(analyseRetainers(snap, { id: 42, kind: "account" }).instances.map((i) => i.className)).toEqual(["DefaultAccount"]);
    expect(analyseRetainers(snap, { id: 7 }).matched).toBe(0);
    expect(analyseRetainers(snap, { typeclass: "typeclasses.characters.Character" }).matched).toBe(1);
    expect(analyseRetainers(snap, { typeclass: "Character" }).matched).toBe(1);
    expect(analyseRetainers(snap, { typeclass: "DefaultAccount" }).matched).toBe(1);
    expect(analyseRetainers(snap, { typeclass: "characters.Char" }).matched).toBe(0);
  });

  it("renders a path with readable steps, folding a Map's internal table into one entry step", () => {
    const report = analyseRetainers(snap, { id: 42, kind: "object" });
    expect(report.instances[0]!.paths).toEqual([
      [
        { via: null, node: "(root)" },
        { via: "[1]", node: "(GC roots)" },
        { via: "[0]", node: "global @5" },
        { via: ".pins", node: "Map @7" },
        { via: "(Map entry)", node: 'Character #42 "Anna" @11' },
      ],
    ]);
    const text = formatRetainerReport({ ...report, snapshot: "x.heapsnapshot", readMs: 1 }).join("\n");
    expect(text).toContain('Character #42 "Anna" @11 (object, typeclasses.characters.Character)');
    expect(text).toContain("→ (Map entry) Character #42");
  });

  it("without numeric values, refuses to look up by id but still finds by typeclass", () => {
    const bare = parseHeapSnapshot(syntheticSnapshot(typeclassedNodes(false)));
    expect(() => analyseRetainers(bare, { id: 42 })).toThrow(EvenniaError);
    const byType = analyseRetainers(bare, { typeclass: "Character" });
    expect(byType.numericValues).toBe(false);
    expect(byType.instances[0]!.rowId).toBeNull();
    expect(byType.instances[0]!.paths).toHaveLength(1);
  });

  it("parses the target of --retainers", () => {
    expect(parseRetainerTarget("#123")).toEqual({ id: 123 });
    expect(parseRetainerTarget("123")).toEqual({ id: 123 });
    expect(parseRetainerTarget("typeclasses.rooms.Room")).toEqual({ typeclass: "typeclasses.rooms.Room" });
    expect(() => parseRetainerTarget("  ")).toThrow(EvenniaError);
  });
});

describe("a deliberately leaked object (real process, real store, real snapshot)", () => {
  let dir: string;
  let leak: { snapshot: string; bytes: number; ms: number; leakedId: number; freedId: number; freedCollected: boolean };
  let leakedReport: RetainerReport;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "evts-leak-"));
    const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", path.join(import.meta.dirname, "fixtures", "leak-process.ts"), dir], {
      cwd: root,
      env: { ...process.env, EVENNIA_LOG_LEVEL: "warn" },
    });
    leak = JSON.parse(stdout.trim().split("\n").pop()!) as typeof leak;
    leakedReport = retainerReport(leak.snapshot, { id: leak.leakedId, kind: "object" });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the leaked object and a path to it through globalThis.__leak", () => {
    expect(leakedReport.numericValues).toBe(true);
    expect(leakedReport.matched).toBe(1);
    const inst = leakedReport.instances[0]!;
    expect(inst).toMatchObject({ className: "DefaultCharacter", rowId: leak.leakedId, kind: "object", key: "Leaky", reachable: true });
    const first = inst.paths[0]!;
    expect(first[0]!.node).toBe("(root)");
    expect(first.map((s) => s.via)).toContain(".__leak");
    expect(first.at(-1)!.node).toMatch(new RegExp(`^DefaultCharacter #${leak.leakedId} "Leaky" @\\d+$`));
    // the identity map's WeakRef is no path: only the leak holds it
    expect(inst.paths.every((p) => p.some((s) => s.via === ".__leak"))).toBe(true);
    expect(formatRetainerReport(leakedReport).join("\n")).toMatch(/→ \.__leak Array @\d+\n\s+→ \[0\] DefaultCharacter #\d+ "Leaky"/);
  });

  it("an object nothing holds is gone after flush and GC: not in the snapshot, no path", () => {
    expect(leak.freedCollected).toBe(true);
    const report = retainerReport(leak.snapshot, { id: leak.freedId, kind: "object" });
    expect(report.matched).toBe(0);
    expect(report.instances).toEqual([]);
    expect(formatRetainerReport(report).join("\n")).toContain(`No live instance of object #${leak.freedId}`);
  });

  it("runs as its own process from the command line", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", retainersScript, leak.snapshot, "--object", String(leak.leakedId)], { cwd: root });
    expect(stdout).toContain(".__leak");
    expect(stdout).toContain(`DefaultCharacter #${leak.leakedId} "Leaky"`);
  });

  it("prints JSON with --json", () => {
    const out: string[] = [];
    expect(runRetainersCli([leak.snapshot, "--typeclass", "DefaultCharacter", "--paths", "2", "--json"], (l) => out.push(l), () => undefined)).toBe(0);
    const report = JSON.parse(out.join("\n")) as RetainerReport;
    expect(report.matched).toBe(1);
    expect(report.instances[0]!.rowId).toBe(leak.leakedId);
    expect(report.instances[0]!.paths.length).toBeLessThanOrEqual(2);
  });

  it("refuses bad command lines with exit code 2, a missing file with 1", () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(runRetainersCli([leak.snapshot], (l) => out.push(l), (l) => err.push(l))).toBe(2);
    expect(runRetainersCli([leak.snapshot, "--object", "1", "--typeclass", "X"], (l) => out.push(l), (l) => err.push(l))).toBe(2);
    expect(runRetainersCli([leak.snapshot, "--bogus"], (l) => out.push(l), (l) => err.push(l))).toBe(2);
    expect(runRetainersCli([leak.snapshot, "--object", "abc"], (l) => out.push(l), (l) => err.push(l))).toBe(1);
    expect(runRetainersCli([path.join(dir, "missing.heapsnapshot"), "--object", "1"], (l) => out.push(l), (l) => err.push(l))).toBe(1);
    expect(err.join("\n")).toContain("Usage:");
    expect(err.join("\n")).toContain("missing.heapsnapshot");
  });
});
