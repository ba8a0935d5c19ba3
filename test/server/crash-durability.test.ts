/**
 * Crashes and durability, with real processes (`evennia-ts start` as users run it),
 * on both databases: what a player was told has happened survives `kill -9` of the
 * server, the portal brings the server back with the player still connected, the id
 * of a destroyed object is not handed out again, and when the portal itself dies the
 * server logs its players out (their characters do not stay in their rooms as if
 * they were still playing) and stops, and the game starts again. A server killed
 * while the game's atInitialSetup runs runs it again at the next start. An object
 * whose create never committed keeps its id if another row committed pointing at
 * it. A pid file whose pid now belongs to another process is stale.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGame } from "../../evennia-ts/cli/commands/start.ts";
import { stopGame } from "../../evennia-ts/cli/commands/stop.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { gamePaths } from "../../evennia-ts/cli/paths.ts";
import { inspectPidFile, isProcessAlive } from "../../evennia-ts/cli/pid-files.ts";
import { readStatusFile } from "../../evennia-ts/cli/status-file.ts";
import { Database, type Dialect } from "../../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { DefaultObject, Store } from "../../evennia-ts/typeclasses/index.ts";
import { createScratchDatabase, dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS, type ScratchDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { createTestGameFolder, type TestGameFolder } from "../../evennia-ts/testing/game-folder.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";

const CRASHED = "The server went down unexpectedly";
const BACK = "... done.";
const WAIT_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A game started as real processes on a scratch database of `dialect`. */
interface Game {
  folder: TestGameFolder;
  scratch: ScratchDatabase;
  clients: TelnetTestClient[];
}

const games: Game[] = [];

afterEach(async () => {
  for (const game of games.splice(0)) {
    for (const c of game.clients) c.close();
    await stopGame({ gameDir: game.folder.dir, io: new CapturingIo(), timeoutMs: 30_000 }).catch(() => 1);
    // whatever is still alive (a test that failed half way) goes too
    const paths = gamePaths(game.folder.dir);
    for (const file of [paths.serverPid, paths.portalPid]) {
      const state = inspectPidFile(file);
      if (state.kind === "alive") process.kill(state.pid, "SIGKILL");
    }
    game.folder.remove();
    await game.scratch.dispose();
  }
});

async function makeGame(dialect: Dialect, prepare?: (dir: string) => void): Promise<Game> {
  const scratch = await createScratchDatabase(dialect);
  const folder = createTestGameFolder({
    databaseUrl: scratch.url,
    connectionLimitExemptIps: ["127.0.0.1"],
    connectionsPerIpPerMinute: 0,
    maxConnectionsPerIp: 0,
    accountCreationsPerIp: 0,
    commandRatePerSecond: 0,
  });
  prepare?.(folder.dir);
  const game: Game = { folder, scratch, clients: [] };
  games.push(game);
  return game;
}

/** `evennia-ts start`; the telnet port. */
async function start(game: Game): Promise<number> {
  const io = new CapturingIo();
  const code = await startGame({ gameDir: game.folder.dir, foreground: false, io });
  expect(code, io.stderr.join("\n")).toBe(0);
  return readStatusFile(gamePaths(game.folder.dir).status)!.telnetPorts[0]!;
}

function pidOf(file: string): number {
  const state = inspectPidFile(file);
  if (state.kind !== "alive") throw new Error(`no live process in ${file}`);
  return state.pid;
}

async function untilDead(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms && isProcessAlive(pid); waited += 50) await sleep(50);
  return !isProcessAlive(pid);
}

/** Send `line` and wait for the text that says it was done. */
async function command(c: TelnetTestClient, line: string, answer: RegExp | string): Promise<string> {
  c.send(line);
  return c.waitFor(answer, WAIT_MS);
}

/** `examine <name>`: its dbref, or null when there is no such object. */
async function dbrefOf(c: TelnetTestClient, name: string): Promise<number | null> {
  const text = await command(c, `examine ${name}`, new RegExp(`Name/key: ${name} \\(#\\d+\\)|Could not find '${name}'`));
  const m = new RegExp(`Name/key: ${name} \\(#(\\d+)\\)`).exec(text);
  return m ? Number(m[1]) : null;
}

/** kill -9 the server; resolves once the portal has brought a new one up and the player saw it. */
async function crashServer(game: Game, c: TelnetTestClient): Promise<void> {
  const paths = gamePaths(game.folder.dir);
  const before = pidOf(paths.serverPid);
  process.kill(before, "SIGKILL");
  await c.waitFor(CRASHED, WAIT_MS);
  await c.waitFor(BACK, WAIT_MS);
  expect(pidOf(paths.serverPid)).not.toBe(before);
}

for (const dialect of TEST_DIALECTS) {
  const skip = !dialectAvailable(dialect);
  if (skip) printPostgresSkipNotice();
  describe.skipIf(skip)(`crashes and restarts [${dialect}]`, () => {
    it("what a player was answered survives kill -9 of the server; the player stays connected; a destroyed object's id is not reused", { timeout: 90_000 }, async () => {
      const game = await makeGame(dialect);
      const port = await start(game);
      const anna = await TelnetTestClient.newPlayer(port, "Anna");
      game.clients.push(anna);

      // killed the moment the answer arrives: the write it reports must already be on disk
      await command(anna, "create lantern", "You create a new Object: lantern.");
      await crashServer(game, anna);
      const lantern = await dbrefOf(anna, "lantern");
      expect(lantern).not.toBeNull();
      await command(anna, "create/drop crate", "You create a new Object: crate.");
      const crate = await dbrefOf(anna, "crate");
      expect(crate).toBeGreaterThan(lantern!);

      // the newest object destroyed, the server killed at once: it stays destroyed, its id unused
      await command(anna, `destroy #${crate}`, "Are you sure you want to destroy crate");
      await command(anna, "yes", "crate was destroyed.");
      await crashServer(game, anna);
      expect(await dbrefOf(anna, "crate")).toBeNull();
      await command(anna, "create barrel", "You create a new Object: barrel.");
      expect(await dbrefOf(anna, "barrel")).toBeGreaterThan(crate!);
      expect(anna.closed).toBe(false);
      await command(anna, "inventory", /lantern[\s\S]*barrel|barrel[\s\S]*lantern/);
    });

    it("kill -9 of the portal: the server logs its players out and stops; the game starts again", { timeout: 90_000 }, async () => {
      const game = await makeGame(dialect);
      let port = await start(game);
      const anna = await TelnetTestClient.newPlayer(port, "Anna");
      const bob = await TelnetTestClient.newPlayer(port, "Bob");
      game.clients.push(anna, bob);
      await command(anna, "create/drop apple", "You create a new Object: apple.");
      await command(bob, "look", /Characters: Anna[\s\S]*You see: an apple/);

      const paths = gamePaths(game.folder.dir);
      const server = pidOf(paths.serverPid);
      process.kill(pidOf(paths.portalPid), "SIGKILL");
      expect(await untilDead(server, WAIT_MS)).toBe(true);
      await anna.waitForClose(WAIT_MS);
      await bob.waitForClose(WAIT_MS);

      port = await start(game);
      const again = await TelnetTestClient.connect(port);
      game.clients.push(again);
      await again.waitFor("create <username> <password>", WAIT_MS);
      again.send("connect Anna secret123");
      await again.waitFor("You become Anna.", WAIT_MS);
      // Bob was logged out when the portal went: his character is not left standing in the room
      const room = await command(again, "look", "You see: an apple");
      expect(room).not.toMatch(/Characters:.*Bob/);
      const bobAgain = await TelnetTestClient.connect(port);
      game.clients.push(bobAgain);
      await bobAgain.waitFor("create <username> <password>", WAIT_MS);
      bobAgain.send("connect Bob secret123");
      await bobAgain.waitFor("You become Bob.", WAIT_MS);
      await command(bobAgain, "look", /Characters: Anna[\s\S]*You see: an apple/);
    });

    it("kill -9 while the game's atInitialSetup runs: the next start runs it again, once", { timeout: 90_000 }, async () => {
      let marker = "";
      const game = await makeGame(dialect, (dir) => {
        marker = path.join(dir, "server", "killed-once");
        // the hook builds a statue in Limbo; the first time, the server is killed before it commits
        writeFileSync(
          path.join(dir, "server", "conf", "at-initial-setup.ts"),
          `import { spawn } from "node:child_process";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { createObject, getById } from "evennia-ts";
export async function atInitialSetup(): Promise<void> {
  await createObject(undefined, { key: "statue", location: (await getById(1))! });
  if (!existsSync(${JSON.stringify(marker)})) {
    writeFileSync(${JSON.stringify(marker)}, "");
    process.kill(process.pid, "SIGKILL");
  }
}
`,
        );
      });
      // the first start fails (its server was killed while starting); the user starts the game again
      const io = new CapturingIo();
      expect(await startGame({ gameDir: game.folder.dir, foreground: false, io })).not.toBe(0);
      expect(existsSync(marker)).toBe(true);
      await stopGame({ gameDir: game.folder.dir, io: new CapturingIo(), timeoutMs: 30_000 }).catch(() => 1);
      const port = await start(game);
      const anna = await TelnetTestClient.newPlayer(port, "Anna");
      game.clients.push(anna);
      // exactly one statue: built by the hook's second run, nothing left of the first
      const room = await command(anna, "look", /You see: .*\r?\n/);
      expect(room).toMatch(/You see: a statue\r?\n/);
    });
  });
}

/** A server start on `url`: a new Database and Store on the same data. */
async function openStore(url: string): Promise<{ db: Database; store: Store }> {
  const db = await Database.open({ url });
  const store = new Store(db, { lruSize: 0 });
  await store.init();
  return { db, store };
}

for (const dialect of TEST_DIALECTS) {
  const skip = !dialectAvailable(dialect);
  describe.skipIf(skip)(`ids of objects whose create never committed [${dialect}]`, () => {
    it("a row committed pointing at one keeps its id from being handed out after a restart", { timeout: 30_000 }, async () => {
      const scratch = await createScratchDatabase(dialect);
      try {
        let { db, store } = await openStore(scratch.url);
        let boxId = 0;
        let coinId = 0;
        try {
          coinId = (await runInUnitOfWork(db, () => store.create(DefaultObject, { key: "coin" }))).id;
          const coin = (await store.get("object", coinId)) as DefaultObject;
          // a command creates a box and waits (for a question's answer, a background task) ...
          let crash!: () => void;
          const creating = runInUnitOfWork(db, async () => {
            const box = (await store.create(DefaultObject, { key: "box" })) as DefaultObject;
            boxId = box.id;
            await new Promise<void>((resolve) => (crash = resolve));
            throw new Error("the server died here");
          });
          await new Promise((r) => setImmediate(r));
          // ... meanwhile another player's command puts the coin in it, and commits
          await runInUnitOfWork(db, () => {
            coin.location = store.peek({ kind: "object", id: boxId }) as DefaultObject;
          });
          expect(Number((await db.query<{ location_id: unknown }>("SELECT location_id FROM objects WHERE id = ?", [coinId]))[0]?.location_id)).toBe(boxId);
          crash();
          await expect(creating).rejects.toThrow("the server died here");
        } finally {
          await db.close();
        }
        ({ db, store } = await openStore(scratch.url));
        try {
          const next = await runInUnitOfWork(db, () => store.create(DefaultObject, { key: "chest" }));
          // the box's id again would put the coin inside the chest
          expect(next.id).toBeGreaterThan(boxId);
        } finally {
          await db.close();
        }
      } finally {
        await scratch.dispose();
      }
    });
  });
}

describe("pid files left by kill -9", () => {
  it("a pid file naming a process that started after it (the pid was reused) is stale: stop signals nothing, start starts", { timeout: 60_000 }, async () => {
    const folder = createTestGameFolder({});
    const stranger = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const paths = gamePaths(folder.dir);
      // the game was killed an hour ago; its portal's pid now belongs to another program
      mkdirSync(path.dirname(paths.portalPid), { recursive: true });
      writeFileSync(paths.portalPid, `${stranger.pid}\n`);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(paths.portalPid, anHourAgo, anHourAgo);
      const io = new CapturingIo();
      expect(await stopGame({ gameDir: folder.dir, io, timeoutMs: 5_000 })).toBe(0);
      expect(io.stdout.join("\n")).toContain("The game is not running.");
      expect(stranger.exitCode).toBeNull();
      expect(stranger.signalCode).toBeNull();
      const startIo = new CapturingIo();
      expect(await startGame({ gameDir: folder.dir, foreground: false, io: startIo }), startIo.stderr.join("\n")).toBe(0);
      expect(pidOf(paths.portalPid)).not.toBe(stranger.pid);
    } finally {
      await stopGame({ gameDir: folder.dir, io: new CapturingIo(), timeoutMs: 30_000 }).catch(() => 1);
      stranger.kill("SIGKILL");
      folder.remove();
    }
  });
});
