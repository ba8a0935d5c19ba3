/**
 * CI smoke test of `evennia-ts loadtest`: a few seconds of 5 telnet + 5 websocket
 * clients of the mixed profile against an in-process game, plus the echo baseline,
 * checked for a sane report (everyone logged in, commands answered, no errors, the
 * JSON's shape) — a check that the tool works, not a timed assertion. Also the
 * server's side of it: the COMMANDEND marker, and the live figures over the
 * control socket.
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
import type { LoadTestDocument } from "../../evennia-ts/tools/loadtest/report.ts";

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
    const options = parseLoadTestArgs(
      [
        "--game", game.folder.dir,
        "--telnet-port", String(game.telnetPort),
        "--web-port", String(game.status.webPort),
        "--telnet", "5", "--websocket", "5",
        "--duration", "3", "--ramp", "0.5", "--think", "100",
        "--seed", "3", "--pids", `server=${process.pid}`,
        "--json", jsonFile, "--baseline",
      ],
      scratch,
    )!;
    const io = new CapturingIo();
    const code = await runLoadTestCommand(options, io, null);
    expect(code).toBe(0);
    // the settings are right for a load test: no warnings about them
    expect(io.stderr.filter((l) => l.startsWith("Warning"))).toEqual([]);

    const doc = JSON.parse(readFileSync(jsonFile, "utf8")) as LoadTestDocument;
    expect(doc.tool).toBe("evennia-ts loadtest");
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
    const status = new CapturingIo();
    await showLiveStats(game.folder.dir, status);
    expect(status.stdout.join("\n")).toMatch(/Command latency: p50\/p90\/p99\/max [\d./]+ ms \(last \d+\)/);
    expect(status.stdout.join("\n")).toMatch(/Identity map: \d+ objects/);
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
});
