import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cpuProfileNodeArgs } from "../../evennia-ts/utils/node-command.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "evennia-cpuprof-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cpuProfileNodeArgs", () => {
  it("is nothing without a folder", () => {
    expect(cpuProfileNodeArgs(undefined, "server")).toEqual([]);
    expect(cpuProfileNodeArgs("", "server")).toEqual([]);
  });

  it("makes node write a CPU profile named by role into the folder when the process exits", () => {
    const args = cpuProfileNodeArgs(dir, "probe");
    const again = cpuProfileNodeArgs(dir, "probe");
    expect(args.at(-1)).not.toBe(again.at(-1)); // each process its own file
    const done = spawnSync(process.execPath, [...args, "-e", "let n = 0; for (let i = 0; i < 1e5; i++) n += i; process.exit(0)"]);
    expect(done.status).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^probe-\d{8}T\d{6}-\d+\.cpuprofile$/);
    const profile = JSON.parse(readFileSync(path.join(dir, files[0]!), "utf8")) as { nodes: unknown[] };
    expect(profile.nodes.length).toBeGreaterThan(0);
  });
});
