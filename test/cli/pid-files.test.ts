import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectPidFile, isProcessAlive, readPidFile } from "../../evennia-ts/cli/pid-files.ts";
import { makeTempDir, removeTempDirs } from "./temp-dirs.ts";

/** The pid of a process that has already exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ["-e", ""]);
  return result.pid!;
}

afterAll(removeTempDirs);

describe("pid files", () => {
  it("reads a pid, and null for a missing or garbage file", () => {
    const dir = makeTempDir();
    const file = path.join(dir, "x.pid");
    expect(readPidFile(file)).toBeNull();
    writeFileSync(file, "1234\n");
    expect(readPidFile(file)).toBe(1234);
    writeFileSync(file, "12abc");
    expect(readPidFile(file)).toBeNull();
    writeFileSync(file, "0");
    expect(readPidFile(file)).toBeNull();
  });

  it("tells live processes from dead ones", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
  });

  it("inspects a pid file: missing, alive, stale", () => {
    const dir = makeTempDir();
    const file = path.join(dir, "portal.pid");
    expect(inspectPidFile(file)).toEqual({ kind: "missing" });
    writeFileSync(file, String(process.pid));
    expect(inspectPidFile(file)).toEqual({ kind: "alive", pid: process.pid });
    const dead = deadPid();
    writeFileSync(file, String(dead));
    expect(inspectPidFile(file)).toEqual({ kind: "stale", pid: dead });
    writeFileSync(file, "not a pid");
    expect(inspectPidFile(file)).toEqual({ kind: "stale", pid: null });
    expect(existsSync(file)).toBe(true);
  });
});
