import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gamePaths } from "../../evennia-ts/cli/paths.ts";
import { findRunningPortal } from "../../evennia-ts/cli/portal-state.ts";
import { makeFakeGameDir, removeTempDirs } from "./temp-dirs.ts";

afterAll(removeTempDirs);

const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("findRunningPortal", () => {
  it("returns the pid of a live portal and leaves its files alone", () => {
    const paths = gamePaths(makeFakeGameDir());
    writeFileSync(paths.portalPid, String(process.pid));
    writeFileSync(paths.status, "{}");
    const io = new CapturingIo();
    expect(findRunningPortal(paths, io, { cleanStale: true })).toBe(process.pid);
    expect(existsSync(paths.portalPid)).toBe(true);
    expect(existsSync(paths.status)).toBe(true);
    expect(io.text()).toBe("");
  });

  it("removes stale portal and server pid files and the status file, with notices", () => {
    const paths = gamePaths(makeFakeGameDir());
    const dead = deadPid();
    writeFileSync(paths.portalPid, String(dead));
    writeFileSync(paths.serverPid, String(dead));
    writeFileSync(paths.status, "{}");
    const io = new CapturingIo();
    expect(findRunningPortal(paths, io, { cleanStale: true })).toBeNull();
    expect(existsSync(paths.portalPid)).toBe(false);
    expect(existsSync(paths.serverPid)).toBe(false);
    expect(existsSync(paths.status)).toBe(false);
    expect(io.stderr.join("\n")).toContain(`removed a stale pid file (${paths.portalPid} names pid ${dead}`);
    expect(io.stderr.join("\n")).toContain(paths.serverPid);
  });

  it("only reports a stale pid file when not asked to clean", () => {
    const paths = gamePaths(makeFakeGameDir());
    writeFileSync(paths.portalPid, String(deadPid()));
    const io = new CapturingIo();
    expect(findRunningPortal(paths, io, { cleanStale: false })).toBeNull();
    expect(existsSync(paths.portalPid)).toBe(true);
    expect(io.stderr.join("\n")).toContain("stale pid file");
  });

  it("warns about a server left alive without its portal and keeps its pid file", () => {
    const paths = gamePaths(makeFakeGameDir());
    writeFileSync(paths.serverPid, String(process.pid));
    const io = new CapturingIo();
    expect(findRunningPortal(paths, io, { cleanStale: true })).toBeNull();
    expect(existsSync(paths.serverPid)).toBe(true);
    expect(io.stderr.join("\n")).toContain(`pid ${process.pid}) is still alive`);
  });
});
