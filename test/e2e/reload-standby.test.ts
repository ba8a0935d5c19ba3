/**
 * A reload starts the next server as a standby, with real processes: it loads the
 * game's code while the current server still runs and is admitted once that one has
 * exited, so players wait only for the database and the link. A standby still loading
 * when the game stops is not left behind.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { restartServer } from "../../evennia-ts/cli/commands/server-restart.ts";
import { startGame } from "../../evennia-ts/cli/commands/start.ts";
import { stopGame } from "../../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gamePaths } from "../../evennia-ts/cli/paths.ts";
import { isProcessAlive } from "../../evennia-ts/cli/pid-files.ts";
import { readStatusFile } from "../../evennia-ts/cli/status-file.ts";
import { until } from "../web/portal-web-client.ts";
import { gameFoldersStoppedAfterEach } from "./stopped-game-folders.ts";

/**
 * Lifecycle hooks that note, in `marks.log` in the game folder (the server's working
 * directory), when each server process loaded the module and when it stopped; with a
 * file `slow-load` present, loading takes 30 s.
 */
const MARKING_HOOKS = `import { appendFileSync, existsSync } from "node:fs";
appendFileSync("marks.log", \`loading \${process.pid}\\n\`);
if (existsSync("slow-load")) await new Promise((resolve) => setTimeout(resolve, 30_000));
appendFileSync("marks.log", \`loaded \${process.pid}\\n\`);
export function atServerReloadStop(): void {
  appendFileSync("marks.log", \`reload-stop \${process.pid}\\n\`);
}
`;

const newGameFolder = gameFoldersStoppedAfterEach();

async function startMarkedGame(): Promise<{ dir: string; marks: () => string[] }> {
  const folder = newGameFolder();
  writeFileSync(path.join(folder.dir, "server", "conf", "at-server-startstop.ts"), MARKING_HOOKS);
  const io = new CapturingIo();
  expect(await startGame({ gameDir: folder.dir, foreground: false, io }), io.stderr.join("\n")).toBe(0);
  const file = path.join(folder.dir, "marks.log");
  return { dir: folder.dir, marks: () => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : []) };
}

const serverPidOf = (dir: string): number | null => readStatusFile(gamePaths(dir).status)?.serverPid ?? null;

/** Make loading slow and ask for a reload; resolves once the standby server has started loading. */
async function reloadIntoSlowStandby(game: { dir: string; marks: () => string[] }): Promise<{ running: number; standby: number; portalPid: number }> {
  const running = serverPidOf(game.dir)!;
  appendFileSync(path.join(game.dir, "slow-load"), "");
  const portalPid = readStatusFile(gamePaths(game.dir).status)!.portalPid;
  process.kill(portalPid, "SIGHUP"); // a reload
  let standby = 0;
  await until(() => {
    const line = game.marks().find((l) => l.startsWith("loading ") && l !== `loading ${running}`);
    standby = line ? Number(line.split(" ")[1]) : 0;
    return standby > 0;
  }, "the standby server starts loading", 30_000);
  return { running, standby, portalPid };
}

it("loads the next server's code before the running server stops", { timeout: 120_000 }, async () => {
  const game = await startMarkedGame();
  const before = serverPidOf(game.dir)!;
  const io = new CapturingIo();
  expect(await restartServer({ gameDir: game.dir, kind: "reload", io }), io.stderr.join("\n")).toBe(0);
  const after = serverPidOf(game.dir)!;
  expect(after).not.toBe(before);
  const marks = game.marks();
  // the new server process itself loaded the code (no separate check process), before the old one stopped
  expect(marks).toEqual([`loading ${before}`, `loaded ${before}`, `loading ${after}`, `loaded ${after}`, `reload-stop ${before}`]);
});

it("leaves no standby server behind when the game stops while it loads", { timeout: 120_000 }, async () => {
  const game = await startMarkedGame();
  const { running, standby } = await reloadIntoSlowStandby(game);
  expect(isProcessAlive(standby)).toBe(true);
  expect(await stopGame({ gameDir: game.dir, io: new CapturingIo(), timeoutMs: 30_000 })).toBe(0);
  await until(() => !isProcessAlive(standby), "the standby server is gone", 10_000);
  // the running server was never asked to stop for the reload, and the standby never finished loading
  expect(game.marks()).toEqual([`loading ${running}`, `loaded ${running}`, `loading ${standby}`]);
});

it("a standby server whose portal is killed while it loads exits at once", { timeout: 120_000 }, async () => {
  const game = await startMarkedGame();
  const { standby, portalPid } = await reloadIntoSlowStandby(game);
  process.kill(portalPid, "SIGKILL");
  rmSync(path.join(game.dir, "slow-load")); // the portal the supervisor starts again loads its server at normal speed
  // long before its 30 s load would have ended
  await until(() => !isProcessAlive(standby), "the orphaned standby server exits", 10_000);
  expect(game.marks()).not.toContain(`loaded ${standby}`);
});
