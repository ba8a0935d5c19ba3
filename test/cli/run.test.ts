import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gamePaths } from "../../evennia-ts/cli/paths.ts";
import { runCli } from "../../evennia-ts/cli/run.ts";
import { makeFakeGameDir, makeTempDir, removeTempDirs } from "./temp-dirs.ts";

afterAll(removeTempDirs);

async function run(argv: string[], cwd = makeTempDir()): Promise<{ code: number; io: CapturingIo }> {
  const io = new CapturingIo();
  const code = await runCli(argv, io, cwd);
  return { code, io };
}

describe("runCli", () => {
  it("prints usage and exits 2 for an unknown command, no command, or a bad option", async () => {
    for (const argv of [["frobnicate"], [], ["start", "--nope"], ["createsuperuser-nope"], ["stop", "--foreground"], ["init"]]) {
      const { code, io } = await run(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(io.stderr.join("\n"), argv.join(" ")).toContain("Usage: npx evennia-ts");
    }
  });

  it("refuses --cpu-prof on a command other than start, by its name", async () => {
    const { code, io } = await run(["stop", "--cpu-prof", "x"]);
    expect(code).toBe(2);
    expect(io.stderr.join("\n")).toContain('"stop" does not take --cpu-prof.');
  });

  it("loadtest parses its own options: --help, bad values (exit 2), no game to test (exit 1)", async () => {
    const help = await run(["loadtest", "--help"]);
    expect(help.code).toBe(0);
    expect(help.io.stdout.join("\n")).toContain("--baseline-only");
    const bad = await run(["loadtest", "--telnet", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.io.stderr.join("\n")).toContain("Error: --telnet must be a number");
    const unknown = await run(["loadtest", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    const noGame = await run(["loadtest", "--duration", "1"]);
    expect(noGame.code).toBe(1);
    expect(noGame.io.stderr.join("\n")).toMatch(/is not a game folder: give --game DIR, or --telnet-port\/--web-port/);
  });

  it("prints usage on --help and exits 0", async () => {
    const { code, io } = await run(["--help"]);
    expect(code).toBe(0);
    for (const name of ["init", "start", "stop", "reload", "reset", "status", "demo"]) {
      expect(io.stdout.join("\n")).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    }
    const one = await run(["stop", "--help"]);
    expect(one.code).toBe(0);
    expect(one.io.stdout.join("\n")).toContain("npx evennia-ts stop [--game DIR]");
  });

  it("refuses a folder that is not a game folder, saying how to create one", async () => {
    const notGame = makeTempDir();
    for (const command of ["start", "stop", "reload", "reset", "status"]) {
      const { code, io } = await run([command], notGame);
      expect(code, command).toBe(1);
      expect(io.stderr.join("\n"), command).toContain(`${notGame} is not a game folder`);
      expect(io.stderr.join("\n"), command).toContain("evennia-ts init <dir>");
    }
  });

  it("honours --game relative to the current directory", async () => {
    const game = makeFakeGameDir();
    const { code, io } = await run(["status", "--game", game], makeTempDir());
    expect(code).toBe(0);
    expect(io.stdout).toContain(`Game: ${game}`);
    expect(io.stdout).toContain("Portal: not running");
  });

  it("says clearly that a stopped game is not running (stop, reload)", async () => {
    const game = makeFakeGameDir();
    const stop = await run(["stop"], game);
    expect(stop.code).toBe(0);
    expect(stop.io.stdout).toContain("The game is not running.");
    const reload = await run(["reload"], game);
    expect(reload.code).toBe(1);
    expect(reload.io.stderr.join("\n")).toContain("is not running");
  });

  it("refuses to start a game whose portal pid is alive, naming the pid", async () => {
    const game = makeFakeGameDir();
    writeFileSync(gamePaths(game).portalPid, String(process.pid));
    const { code, io } = await run(["start"], game);
    expect(code).toBe(1);
    expect(io.stderr.join("\n")).toContain(`already running (portal pid ${process.pid})`);
  });

  it("status reports a stale portal pid file", async () => {
    const game = makeFakeGameDir();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(gamePaths(game).portalPid, String(dead));
    const { code, io } = await run(["status"], game);
    expect(code).toBe(0);
    expect(io.stdout.join("\n")).toContain(`Portal: not running (stale pid file: ${gamePaths(game).portalPid} names pid ${dead}`);
  });
});
