/**
 * CI smoke test of `evennia-ts loadtest`: a few seconds of 5 telnet + 5 websocket
 * clients of the mixed profile against an in-process game, plus the echo baseline,
 * checked for a sane report (everyone logged in, commands answered, no errors, the
 * JSON's shape) — a check that the tool works, not a timed assertion. Also the
 * server's side of it: the COMMANDEND marker, and the live figures over the
 * control socket. And `--rooms`: the clients spread over rooms built for the run,
 * and refused clearly by a game whose new accounts may not build.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLoadTestArgs, runLoadTestCommand } from "../../evennia-ts/cli/commands/loadtest.ts";
import { showLiveStats } from "../../evennia-ts/cli/commands/status.ts";
import { CapturingIo } from "../../evennia-ts/cli/io.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/index.ts";
import type { LiveStats } from "../../evennia-ts/server/live-stats.ts";
import type { LoadTestDocument } from "../../evennia-ts/tools/loadtest/report.ts";
import { telnetTransport } from "../../evennia-ts/tools/loadtest/client-telnet.ts";
import { BUILDER_KEEPS } from "../../evennia-ts/tools/loadtest/profiles.ts";
import { runLoadTest } from "../../evennia-ts/tools/loadtest/runner.ts";
import { RunStats } from "../../evennia-ts/tools/loadtest/run-stats.ts";
import { VirtualPlayer } from "../../evennia-ts/tools/loadtest/virtual-player.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";

let game: InProcessGame;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), "evennia-loadtest-"));
  game = await startInProcessGame({
    connectionLimitExemptIps: ["127.0.0.1"],
    accountCreationsPerIp: 0,
    commandRatePerSecond: 0,
    permissionAccountDefault: "Builder",
  });
}, 60_000);

afterAll(async () => {
  await game?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("evennia-ts loadtest against a running game", () => {
  it("runs 5 telnet + 5 websocket clients of the mixed profile and the echo baseline, and reports sanely", async () => {
    const jsonFile = path.join(scratch, "report.json");
    const answersFile = path.join(scratch, "answers.csv");
    const options = parseLoadTestArgs(
      [
        "--game", game.folder.dir,
        "--telnet-port", String(game.telnetPort),
        "--web-port", String(game.status.webPort),
        "--telnet", "5", "--websocket", "5",
        "--duration", "3", "--ramp", "0.5", "--think", "100",
        "--seed", "3", "--pids", `server=${process.pid}`,
        "--json", jsonFile, "--baseline", "--answers", answersFile,
      ],
      scratch,
    )!;
    const io = new CapturingIo();
    const code = await runLoadTestCommand(options, io, null);
    expect(code).toBe(0);
    // the settings are right for a load test: no warnings about them
    expect(io.stderr.filter((l) => l.startsWith("Warning"))).toEqual([]);

    const doc = JSON.parse(readFileSync(jsonFile, "utf8")) as LoadTestDocument & { server?: LiveStats };
    expect(doc.tool).toBe("evennia-ts loadtest");
    // the server's own view as the run ended: its command latency, event loop and collector
    const out = io.stdout.join("\n");
    expect(out).toContain("The server at the end of the run (as `evennia-ts status` shows it):");
    expect(out).toMatch(/\n {2}Command latency: p50\/p90\/p99\/max /);
    expect(out).toMatch(/\n {2}Event loop: .*GC pauses since start: /);
    expect(doc.server?.commands.total).toBeGreaterThan(0);
    expect(doc.server?.loop?.gc).toBeDefined();
    expect(doc.machine.cpus).toBeGreaterThan(0);
    const run = doc.game!;
    expect(run.target).toBe("game");
    expect(run.config).toMatchObject({ telnetClients: 5, websocketClients: 5, durationSeconds: 3, loop: "closed", seed: 3 });
    expect(run.clients).toEqual({ wanted: 10, loggedIn: 10, connectFailures: 0, loginFailures: 0 });
    const c = run.commands;
    expect(c.answered).toBeGreaterThan(0);
    expect(c.answered + c.unanswered).toBe(c.sent);
    expect({ errors: c.errors, throttled: c.throttled, refused: c.refused, disconnects: c.disconnects }).toEqual({ errors: 0, throttled: 0, refused: 0, disconnects: 0 });
    expect(c.perSecond).toBeCloseTo(c.answered / 3);
    for (const kind of ["firstByte", "complete"] as const) {
      const l = run.latencyMs[kind];
      expect(l.count).toBe(c.answered);
      expect(l.p50).toBeLessThanOrEqual(l.p90);
      expect(l.p90).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
    }
    // the first byte of an answer never comes after its end
    expect(run.latencyMs.firstByte.p50).toBeLessThanOrEqual(run.latencyMs.complete.p50);
    // second by second: 3 seconds measured (a command sent in the last moment may be answered after them)
    expect(run.seconds.p99Ms.length).toBeGreaterThanOrEqual(3);
    expect(run.seconds.p99Ms.length).toBeLessThanOrEqual(4);
    expect(run.seconds.worstP99Ms).toBe(Math.max(...run.seconds.p99Ms));
    expect(run.seconds.worstP99Ms).toBeLessThanOrEqual(run.latencyMs.complete.max);
    expect(run.seconds.medianP99Ms).toBeLessThanOrEqual(run.seconds.worstP99Ms);
    expect(Math.abs(Date.parse(run.seconds.worstAtTime!) - Date.now())).toBeLessThan(60_000);
    expect(io.stdout.join("\n")).toMatch(/answered p99 by second \(ms\) +median [\d.]+, worst [\d.]+ \(s \d+, \d\d:\d\d:\d\d UTC\)/);
    // --answers: one CSV row per measured answer of the game (not the baseline's), in the run's time
    const rows = readFileSync(answersFile, "utf8").trimEnd().split("\n");
    expect(rows[0]).toBe("sent_at,profile,command,first_byte_ms,answered_ms");
    expect(rows).toHaveLength(c.answered + 1);
    const profileNames = new Set(Object.keys(run.profiles));
    for (const row of rows.slice(1)) {
      const m = /^(\S+?),(\w+),(.*),([\d.]+),([\d.]+)$/.exec(row)!;
      expect(m, row).not.toBeNull();
      expect(Math.abs(Date.parse(m[1]!) - Date.now())).toBeLessThan(60_000);
      expect(profileNames.has(m[2]!)).toBe(true);
      expect(Number(m[4])).toBeLessThanOrEqual(Number(m[5]));
    }
    expect(io.stdout.join("\n")).toContain(`Answers written to ${answersFile}`);
    expect(run.latencyMs.login.count).toBe(10);
    // the default mix of 10: one idler, builder and chatter, three lookers, two talkers and walkers
    expect(Object.fromEntries(Object.entries(run.profiles).map(([name, p]) => [name, p.clients]))).toEqual({
      idler: 1, looker: 3, talker: 2, walker: 2, builder: 1, chatter: 1,
    });
    expect(run.processes).toHaveLength(process.platform === "linux" ? 1 : 0);
    if (process.platform === "linux") expect(run.processes[0]).toMatchObject({ role: "server", pid: process.pid });
    expect(run.processes[0]?.rssBytes ?? 1).toBeGreaterThan(0);
    expect(typeof run.generator.saturated).toBe("boolean");

    const baseline = doc.baseline!;
    expect(baseline.target).toBe("baseline");
    expect(baseline.clients.loggedIn).toBe(10);
    expect(baseline.commands.answered).toBeGreaterThan(0);
    expect(baseline.commands.errors).toBe(0);
    expect(doc.ratios!.perSecond).toBeGreaterThan(0);
    expect(doc.ratios!.complete.p50).toBeGreaterThan(0);
    const table = io.stdout.join("\n");
    expect(table).toMatch(/game\s+baseline\s+game\/baseline/);
    expect(table).toMatch(/throughput \(commands\/s\)\s+[\d.]+\s+[\d.]+\s+x[\d.]+/);
    expect(table).toContain(`Report written to ${jsonFile}`);

    // the server timed those commands: its live figures say so, over the control socket too
    const live = game.server()!.liveStats();
    expect(live.commands.total).toBeGreaterThanOrEqual(c.answered);
    expect(live.latency.samples).toBeGreaterThan(0);
    // every command merged its cmdsets through the cache: a lookup each, and most of them hits
    expect(live.mergeCache!.hits + live.mergeCache!.misses).toBeGreaterThanOrEqual(c.answered);
    expect(live.mergeCache!.hits).toBeGreaterThan(live.mergeCache!.misses);
    const status = new CapturingIo();
    await showLiveStats(game.folder.dir, status);
    expect(status.stdout.join("\n")).toMatch(/Command latency: p50\/p90\/p99\/max [\d./]+ ms \(last \d+\)/);
    expect(status.stdout.join("\n")).toMatch(/Identity map: \d+ objects/);
    expect(status.stdout.join("\n")).toMatch(/Cmdset merge cache: [\d.]+% hits of \d+, \d+ merged sets held/);
  }, 60_000);

  it("COMMANDEND: a session that asks gets an empty prompt after each command, logged in or not; others get none", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${game.status.webPort}/ws`);
    const got: unknown[][] = [];
    let wake: (() => void) | null = null;
    ws.on("message", (data) => {
      got.push(JSON.parse(data.toString()) as unknown[]);
      wake?.();
    });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const waitFor = (test: () => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(got)}`)), 10_000);
        wake = () => {
          if (test()) {
            clearTimeout(timer);
            resolve();
          }
        };
        wake();
      });
    const texts = (): string[] => got.filter((m) => m[0] === "text").map((m) => String((m[2] as { raw_text?: string }).raw_text));
    try {
      await waitFor(() => texts().some((t) => t.includes("connect <username>")));
      ws.send(JSON.stringify(["text", ["frobnicate"], {}]));
      await waitFor(() => texts().some((t) => t.includes("Command 'frobnicate' is not available")));
      ws.send(JSON.stringify(["client_options", [], { commandend: true }]));
      ws.send(JSON.stringify(["text", ["wibble"], {}]));
      await waitFor(() => got.some((m) => m[0] === "prompt"));
      const prompts = got.filter((m) => m[0] === "prompt");
      expect(prompts).toEqual([["prompt", [""], { raw_text: "" }]]);
      // it came after the second command's answer, not the first's
      const promptAt = got.indexOf(prompts[0]!);
      const wibbleAt = got.findIndex((m) => m[0] === "text" && String((m[2] as { raw_text?: string }).raw_text).includes("'wibble'"));
      expect(wibbleAt).toBeGreaterThan(-1);
      expect(promptAt).toBeGreaterThan(wibbleAt);
    } finally {
      ws.terminate();
    }
  }, 30_000);

  it("--rooms 3: builds three rooms in a ring and spreads the clients over them; their commands are answered", async () => {
    const jsonFile = path.join(scratch, "rooms.json");
    const options = parseLoadTestArgs(
      [
        "--game", game.folder.dir,
        "--telnet-port", String(game.telnetPort),
        "--web-port", String(game.status.webPort),
        "--telnet", "3", "--websocket", "3", "--rooms", "3",
        "--mix", "walker=1,looker=1", "--duration", "1.5", "--ramp", "0.3", "--think", "50",
        "--seed", "5", "--pids", `server=${process.pid}`, "--json", jsonFile,
      ],
      scratch,
    )!;
    const io = new CapturingIo();
    expect(await runLoadTestCommand(options, io, null)).toBe(0);
    const run = (JSON.parse(readFileSync(jsonFile, "utf8")) as LoadTestDocument).game!;
    const prefix = options.run.namePrefix;
    expect(run.config.rooms).toBe(3);
    expect(run.clients.loggedIn).toBe(6);
    // clients 1..6 went to rooms 1, 2, 3, 1, 2, 3: the game showed each its room as it walked in
    expect(run.rooms).toEqual({
      rooms: [1, 2, 3].map((k) => ({ name: `${prefix}-room${k}`, dbref: expect.stringMatching(/^#\d+$/), clients: 2 })),
      unplaced: 0,
    });
    expect(run.warnings.filter((w) => w.includes("not moved"))).toEqual([]);
    const c = run.commands;
    expect(c.answered).toBeGreaterThan(0);
    expect(c.answered + c.unanswered).toBe(c.sent);
    expect({ errors: c.errors, refused: c.refused, disconnects: c.disconnects }).toEqual({ errors: 0, refused: 0, disconnects: 0 });
    // the walkers walked the ring (the setting-up commands are not counted)
    expect(run.profiles.walker!.answered).toBeGreaterThan(0);
    expect(io.stdout.join("\n")).toContain(`Rooms (game): 3 made for the run, in a ring; clients in each at the start: 2 to 2`);
    expect(io.stdout.join("\n")).toContain(`${prefix}-room1 2, ${prefix}-room2 2, ${prefix}-room3 2`);

    // in the game: the three rooms, each with "east" to the next and "west" to the one before,
    // and no exits left from the start room to them
    const db = game.server()!.db;
    const exits = await db.query<{ exit: string; source: string; target: string }>(
      `SELECT e.key AS exit, s.key AS source, t.key AS target FROM objects e JOIN objects s ON s.id = e.location_id
       JOIN objects t ON t.id = e.destination_id WHERE s.key LIKE ? AND t.key LIKE ? ORDER BY s.key, e.key`,
      [`${prefix}-room%`, `${prefix}-room%`],
    );
    const room = (k: number): string => `${prefix}-room${k}`;
    expect(exits.map((e) => `${e.source} ${e.exit} ${e.target}`)).toEqual([
      `${room(1)} east ${room(2)}`, `${room(1)} west ${room(3)}`,
      `${room(2)} east ${room(3)}`, `${room(2)} west ${room(1)}`,
      `${room(3)} east ${room(1)}`, `${room(3)} west ${room(2)}`,
    ]);
  }, 60_000);

  it("builders keep their world one size: in the game each holds at most BUILDER_KEEPS things and rooms", async () => {
    const options = parseLoadTestArgs(
      [
        "--game", game.folder.dir,
        "--telnet-port", String(game.telnetPort),
        "--web-port", String(game.status.webPort),
        "--telnet", "2", "--websocket", "1", "--mix", "builder",
        "--duration", "2.5", "--ramp", "0.2", "--think", "0",
        "--seed", "11", "--pids", `server=${process.pid}`,
      ],
      scratch,
    )!;
    const io = new CapturingIo();
    expect(await runLoadTestCommand(options, io, null)).toBe(0);
    const prefix = options.run.namePrefix;
    const db = game.server()!.db;
    const count = async (like: string): Promise<Map<string, number>> => {
      const rows = await db.query<{ key: string }>(`SELECT key FROM objects WHERE key LIKE ?`, [like]);
      const byBuilder = new Map<string, number>();
      for (const { key } of rows) byBuilder.set(key.split("-")[0]!, (byBuilder.get(key.split("-")[0]!) ?? 0) + 1);
      return byBuilder;
    };
    const things = await count(`${prefix}%-thing%`);
    const rooms = await count(`${prefix}%-room%`);
    // each of the three made and destroyed many: far more commands than it keeps things
    const out = io.stdout.join("\n");
    const sent = Number(/\n {2}builder +3 +(\d+)/.exec(out)?.[1]);
    expect(sent).toBeGreaterThan(3 * 3 * (BUILDER_KEEPS.things + 4));
    expect(things.size).toBe(3);
    for (const n of things.values()) expect(n).toBeLessThanOrEqual(BUILDER_KEEPS.things);
    for (const n of rooms.values()) expect(n).toBeLessThanOrEqual(BUILDER_KEEPS.rooms);
    // the destroys were answered as such, not refused or failed
    expect(out).toMatch(/\n\s*refused\s+0\n/);
    expect(out).toMatch(/\n\s*errors\s+0\n/);
  }, 60_000);

  it("--rooms refuses bad values with a clear EvenniaError", () => {
    expect(parseLoadTestArgs(["--rooms", "20"], "/")!.run.rooms).toBe(20);
    expect(parseLoadTestArgs([], "/")!.run.rooms).toBe(1);
    for (const bad of ["0", "-2", "1.5"]) {
      expect(() => parseLoadTestArgs([`--rooms=${bad}`], "/")).toThrow(expect.objectContaining({ code: "EV_ERR_BAD_INPUT", message: `--rooms must be a whole number >= 1, got ${bad}` }));
    }
    expect(() => parseLoadTestArgs(["--rooms", "many"], "/")).toThrow(expect.objectContaining({ code: "EV_ERR_BAD_INPUT", message: '--rooms must be a number, got "many"' }));
    expect(() => parseLoadTestArgs(["--rooms", "2", "--baseline-only"], "/")).toThrow(/--baseline-only runs no game/);
  });
});

describe("evennia-ts loadtest --rooms against a game whose new accounts may not build", () => {
  let plain: InProcessGame;
  beforeAll(async () => {
    plain = await startInProcessGame({ connectionLimitExemptIps: ["127.0.0.1"], accountCreationsPerIp: 0, commandRatePerSecond: 0 });
    // the game's first account is its superuser, who may build: make it someone else
    const first = new VirtualPlayer({
      name: "firstone", password: "first-Pw-1", protocol: "telnet", connect: telnetTransport("127.0.0.1", plain.telnetPort),
      profile: "idler", stats: new RunStats(), random: Math.random, answerTimeoutMs: 10_000, login: true,
    });
    expect(await first.start()).toBe(true);
    first.stop();
  }, 60_000);
  afterAll(async () => {
    await plain?.stop();
  });

  it("fails before any client connects: from the game's settings, and from the game's answer when the settings are not at hand", async () => {
    const options = parseLoadTestArgs(
      ["--game", plain.folder.dir, "--telnet-port", String(plain.telnetPort), "--telnet", "2", "--websocket", "0", "--rooms", "2", "--mix", "looker", "--seed", "7"],
      scratch,
    )!;
    const io = new CapturingIo();
    await expect(runLoadTestCommand(options, io, null)).rejects.toThrow(
      expect.objectContaining({ code: "EV_ERR_CONFIG", message: expect.stringMatching(/^--rooms needs the Builder permission .* new accounts get "Player"/) }),
    );
    expect(io.stderr.join("\n")).not.toContain("Load test of the game");

    // without the settings (a game elsewhere): the game refuses "dig", and the run stops there
    const attempt = runLoadTest({ ...options.run, telnetPort: plain.telnetPort, pids: {}, login: true, progress: null });
    const err = await attempt.then(() => null, (e: unknown) => e);
    expect(isEvenniaError(err, "EV_ERR_LOCK_DENIED")).toBe(true);
    expect((err as Error).message).toMatch(/^--rooms needs the Builder permission .* refused "dig (lt[0-9a-z]{4}-room1) = \1": Command 'dig \1 = \1' is not available\. Type "help" for help\. Set permissionAccountDefault: "Builder"/);
    // only the one that tried to build logged in: no measured client got an account
    const accounts = await plain.server()!.db.query<{ username: string }>("SELECT username FROM accounts WHERE username LIKE ?", [`${options.run.namePrefix}%`]);
    expect(accounts.map((a) => a.username)).toEqual([`${options.run.namePrefix}0`]);
  }, 60_000);
});
