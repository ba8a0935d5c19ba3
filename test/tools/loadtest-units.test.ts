/**
 * The load tester's parts that need no game: percentiles, profiles and mixes,
 * answer classification, the report's ratios and warnings, the command line, the
 * settings checks and /proc sampling.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { checkSettingsForRun, parseLoadTestArgs, settingsWarnings } from "../../evennia-ts/cli/commands/loadtest.ts";
import { defaultSettings } from "../../evennia-ts/conf/default-settings.ts";
import type { Settings } from "../../evennia-ts/conf/settings.ts";
import { LatencySamples, percentile } from "../../evennia-ts/tools/loadtest/percentiles.ts";
import { readProcessSample } from "../../evennia-ts/tools/loadtest/process-stats.ts";
import {
  assignProfiles,
  DEFAULT_MIX,
  exitsFromText,
  parseProfileMix,
  PROFILES,
  BUILDER_KEEPS,
  seededRandom,
  type ClientMemory,
} from "../../evennia-ts/tools/loadtest/profiles.ts";
import { progressLine } from "../../evennia-ts/tools/loadtest/progress.ts";
import { compare, secondsSummary, type LoadReport } from "../../evennia-ts/tools/loadtest/report.ts";
import { classifyAnswer, RunStats, type AnswerRecord } from "../../evennia-ts/tools/loadtest/run-stats.ts";
import { ANSWER_LOG_HEADER, answerRow, openAnswerLog } from "../../evennia-ts/tools/loadtest/answer-log.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { checkLoadTestOptions, type LoadTestOptions } from "../../evennia-ts/tools/loadtest/runner.ts";

describe("percentiles", () => {
  it("takes the nearest rank, and 0 for nothing", () => {
    expect(percentile([], 0.5)).toBe(0);
    expect(percentile([7], 0.99)).toBe(7);
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.9)).toBe(90);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(() => percentile(sorted, 1.5)).toThrow(/./);
  });

  it("keeps every sample past its first buffer, in any order, and merges", () => {
    const samples = new LatencySamples();
    for (let i = 5000; i >= 1; i--) samples.add(i / 10);
    const s = samples.summary();
    expect(s.count).toBe(5000);
    expect(s.p50).toBe(250);
    expect(s.p99).toBe(495);
    expect(s.max).toBe(500);
    expect(s.mean).toBeCloseTo(250.05);
    const more = new LatencySamples();
    more.add(1000);
    samples.merge(more);
    expect(samples.summary().max).toBe(1000);
    expect(new LatencySamples().summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it("refuses a latency that is not one", () => {
    const samples = new LatencySamples();
    expect(() => samples.add(-1)).toThrow(/./);
    expect(() => samples.add(Number.NaN)).toThrow(/./);
    expect(samples.count).toBe(0);
  });
});

describe("profiles", () => {
  const memory = (name = "ltab1"): ClientMemory => ({ name, step: 0, exits: [], made: 0, things: [], rooms: 0, dug: false, inFlight: 0 });

  it("parses mixes: mixed, one name, weights; and says what is wrong", () => {
    expect(parseProfileMix("mixed")).toEqual(DEFAULT_MIX);
    expect(parseProfileMix("")).toEqual(DEFAULT_MIX);
    expect(parseProfileMix("looker")).toEqual({ looker: 1 });
    expect(parseProfileMix("looker=3, talker=1.5")).toEqual({ looker: 3, talker: 1.5 });
    expect(() => parseProfileMix("lurker=1")).toThrow(/unknown profile "lurker"/);
    expect(() => parseProfileMix("looker=-1")).toThrow(/weight of looker/);
    expect(() => parseProfileMix("looker=x")).toThrow(/weight of looker/);
    expect(() => parseProfileMix("looker=0")).toThrow(/every profile has weight 0/);
    expect(() => parseProfileMix("looker=1=2")).toThrow(/not name=weight/);
  });

  it("deals profiles in proportion to the weights, the same way for the same seed", () => {
    const dealt = assignProfiles({ looker: 3, talker: 1 }, 8, seededRandom(1));
    expect(dealt.filter((p) => p === "looker")).toHaveLength(6);
    expect(dealt.filter((p) => p === "talker")).toHaveLength(2);
    expect(assignProfiles(DEFAULT_MIX, 10, seededRandom(5))).toEqual(assignProfiles(DEFAULT_MIX, 10, seededRandom(5)));
    // largest remainder: 10 clients of a 10-weight mix get one of each weight-1 profile
    const mixed = assignProfiles(DEFAULT_MIX, 10, seededRandom(2));
    expect(mixed.filter((p) => p === "looker")).toHaveLength(3);
    expect(mixed.filter((p) => p === "idler")).toHaveLength(1);
    expect(assignProfiles({ looker: 1, talker: 1, walker: 1 }, 2, seededRandom(3))).toHaveLength(2);
  });

  it("gives each profile its commands", () => {
    const random = seededRandom(9);
    expect(PROFILES.idler.next(memory(), random)).toBe("");
    expect(["look", "look me", "inventory", "who"]).toContain(PROFILES.looker.next(memory(), random));
    expect(PROFILES.talker.next(memory(), random)).toMatch(/^(say|pose) /);
    expect(PROFILES.chatter.next(memory(), random)).toMatch(/^channel Public = ltab1 chats/);
    const walker = memory();
    expect(["look", "home"]).toContain(PROFILES.walker.next(walker, random));
    walker.exits = ["north", "back"];
    expect(["north", "back"]).toContain(PROFILES.walker.next(walker, random));
    // open loop: while its last move is under way, the exits it saw may be gone
    walker.inFlight = 1;
    expect(PROFILES.walker.next(walker, random)).toBe("look");
    // the builder: create, desc, set; every fourth thing is a room with exits there and back
    const builder = memory();
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      lines.push(PROFILES.builder.next(builder, random));
      builder.step++;
    }
    expect(lines.slice(0, 3)).toEqual(["create ltab1-thing1", "desc ltab1-thing1 = A thing the load tester made (step 1).", "set ltab1-thing1/made_at = 2"]);
    expect(lines[9]).toBe("dig ltab1-room4 = ltab1-way4, back");
    // after a dig there is no new thing to describe: it looks instead
    expect(lines.slice(10, 12)).toEqual(["look", "inventory"]);
    expect(PROFILES.builder.needsBuilder).toBe(true);
  });

  it("keeps the builder's world one size: the oldest thing is destroyed, no rooms past the cap", () => {
    const builder = memory();
    const lines: string[] = [];
    const random = seededRandom(4);
    for (let i = 0; i < 300; i++) {
      lines.push(PROFILES.builder.next(builder, random));
      builder.step++;
      expect(builder.things.length).toBeLessThanOrEqual(BUILDER_KEEPS.things);
    }
    const digs = lines.filter((l) => l.startsWith("dig "));
    expect(digs).toEqual(["dig ltab1-room4 = ltab1-way4, back", "dig ltab1-room8 = ltab1-way8, back", "dig ltab1-room12 = ltab1-way12, back"]);
    const created = lines.filter((l) => l.startsWith("create ")).map((l) => l.slice("create ".length));
    const destroyed = lines.filter((l) => l.startsWith("destroy/force ")).map((l) => l.slice("destroy/force ".length));
    // every destroy names the oldest thing still there, each thing once
    expect(destroyed).toEqual(created.slice(0, destroyed.length));
    expect(created.length - destroyed.length).toBe(builder.things.length);
    expect(builder.things).toEqual(created.slice(destroyed.length));
    // once full it still builds: a create and a destroy in every six commands
    expect(lines.slice(-60).filter((l) => l.startsWith("create ")).length).toBe(10);
    expect(lines.slice(-60).filter((l) => l.startsWith("destroy/force ")).length).toBe(10);
    // desc and set always name a thing that exists
    for (const line of lines.filter((l) => /^(desc|set) /.test(l))) {
      const name = /^(?:desc|set) (\S+?)(?:\/| =)/.exec(line)![1]!;
      const at = lines.indexOf(line);
      const before = lines.slice(0, at);
      expect(before).toContain(`create ${name}`);
      expect(before).not.toContain(`destroy/force ${name}`);
    }
  });

  it("reads exit names from a room's text", () => {
    expect(exitsFromText("Limbo\nExits: north, south, and west\nCharacters: Anna")).toEqual(["north", "south", "west"]);
    expect(exitsFromText("Exits: out(#12) and back(#3)")).toEqual(["out", "back"]);
    expect(exitsFromText("Exits: door")).toEqual(["door"]);
    expect(exitsFromText("Nothing here")).toBeNull();
  });
});

describe("answers, report and options", () => {
  it("classifies answers: throttled, error, refused, ok", () => {
    expect(classifyAnswer('You are sending commands too fast: "look" was not run (limit: 10 a second).')).toBe("throttled");
    expect(classifyAnswer("Too many connections from your address (at most 20 at a time).")).toBe("throttled");
    expect(classifyAnswer("Too many accounts were created from your address recently")).toBe("throttled");
    expect(classifyAnswer("An error occurred; nothing was changed (error id ab12). It has been logged.")).toBe("error");
    expect(classifyAnswer("Command 'dig' is not available. Type \"help\" for help.")).toBe("refused");
    expect(classifyAnswer("You say, \"too many cooks\"")).toBe("ok");
  });

  it("gives each figure as a ratio to the baseline", () => {
    const report = (perSecond: number, p50: number, cpu: Record<string, number>): LoadReport =>
      ({
        commands: { perSecond },
        latencyMs: { firstByte: { p50, p90: p50, p99: p50, max: p50 }, complete: { p50: p50 * 2, p90: p50 * 2, p99: p50 * 2, max: p50 * 2 } },
        processes: Object.entries(cpu).map(([role, cpuPercent]) => ({ role, pid: 1, cpuPercent, rssBytes: 0, maxRssBytes: 0 })),
      }) as unknown as LoadReport;
    const ratios = compare(report(50, 4, { portal: 20, server: 40 }), report(100, 1, { echo: 10 }));
    expect(ratios.perSecond).toBe(0.5);
    expect(ratios.firstByte.p50).toBe(4);
    expect(ratios.complete.p99).toBe(4);
    expect(ratios.cpu).toBe(6);
    expect(compare(report(1, 1, {}), report(0, 0, {})).perSecond).toBe(0);
  });

  it("draws a progress line", () => {
    expect(progressLine({ elapsedMs: 5000, totalMs: 10_000, clients: 3, wantedClients: 4, answered: 100, unanswered: 2 }, 10)).toBe(
      "[#####-----] 5.0/10 s  clients 3/4  answered 100 (20/s)  unanswered 2",
    );
  });

  it("parses the command line and refuses bad values with a clear message", () => {
    const o = parseLoadTestArgs(["--telnet", "2", "--websocket", "3", "--duration", "4", "--mix", "looker=2,talker=1", "--seed", "42", "--json", "out.json", "--baseline"], "/games/x")!;
    expect(o.run).toMatchObject({ telnetClients: 2, websocketClients: 3, durationMs: 4000, rampMs: 1000, mix: { looker: 2, talker: 1 }, seed: 42, thinkMs: 1000 });
    expect(o.run.namePrefix).toMatch(/^lt[0-9a-z]{4}$/);
    expect(o.jsonFile).toBe("/games/x/out.json");
    expect(o.baseline).toBe("also");
    expect(o.gameDir).toBe("/games/x");
    expect(parseLoadTestArgs(["--settle", "20"], "/")!.run.settleMs).toBe(20_000);
    expect(parseLoadTestArgs([], "/")!.run.settleMs).toBe(0);
    expect(parseLoadTestArgs(["--help"], "/")).toBeNull();
    expect(parseLoadTestArgs(["--baseline-only", "--rate", "50"], "/")!).toMatchObject({ baseline: "only", run: { rate: 50 } });
    expect(() => parseLoadTestArgs(["--telnet", "many"], "/")).toThrow(/--telnet must be a number/);
    expect(() => parseLoadTestArgs(["--mix", "lurker"], "/")).toThrow(/--mix: unknown profile/);
    expect(() => parseLoadTestArgs(["--pids", "portal=abc"], "/")).toThrow(/--pids takes role=pid/);
    expect(() => parseLoadTestArgs(["--frobnicate"], "/")).toThrow(/frobnicate/);
  });

  it("checks the run's options", () => {
    const base: LoadTestOptions = {
      host: "127.0.0.1", telnetPort: 4000, webPort: 4001, telnetClients: 1, websocketClients: 1, durationMs: 1000, rampMs: 0,
      mix: DEFAULT_MIX, thinkMs: 10, answerTimeoutMs: 1000, login: true, seed: 1, namePrefix: "lt", pids: {}, progress: null,
    };
    expect(() => checkLoadTestOptions(base)).not.toThrow();
    expect(() => checkLoadTestOptions({ ...base, telnetClients: 0, websocketClients: 0 })).toThrow(/at least one client/);
    expect(() => checkLoadTestOptions({ ...base, telnetPort: undefined })).toThrow(/telnet port/);
    expect(() => checkLoadTestOptions({ ...base, rampMs: -1 })).toThrow(/ramp/);
    expect(() => checkLoadTestOptions({ ...base, settleMs: -1 })).toThrow(/settling/);
    expect(() => checkLoadTestOptions({ ...base, rate: 0 })).toThrow(/rate/);
    expect(() => checkLoadTestOptions({ ...base, telnetClients: 1.5 })).toThrow(/whole number/);
    expect(() => checkLoadTestOptions({ ...base, rooms: 3 })).not.toThrow();
    expect(() => checkLoadTestOptions({ ...base, rooms: 0 })).toThrow(/the number of rooms must be a whole number >= 1, got 0/);
  });

  it("refuses --rooms when new accounts may not build (they could not be spread)", () => {
    const run = parseLoadTestArgs(["--rooms", "4", "--mix", "looker"], "/")!.run;
    expect(() => checkSettingsForRun(defaultSettings, run)).toThrow(
      expect.objectContaining({ code: "EV_ERR_CONFIG", message: expect.stringContaining(`--rooms needs the Builder permission`) }),
    );
    expect(() => checkSettingsForRun({ ...defaultSettings, permissionAccountDefault: "Builder" } as Settings, run)).not.toThrow();
    expect(() => checkSettingsForRun(defaultSettings, { ...run, rooms: 1 })).not.toThrow();
  });

  it("says which settings will distort the run", () => {
    const run = parseLoadTestArgs(["--telnet", "20", "--websocket", "20", "--think", "50"], "/")!.run;
    const warnings = settingsWarnings(defaultSettings, run);
    expect(warnings.join("\n")).toMatch(/maxConnectionsPerIp is 20: add "127.0.0.1" to connectionLimitExemptIps/);
    expect(warnings.join("\n")).toMatch(/connectionsPerIpPerMinute is 30/);
    expect(warnings.join("\n")).toMatch(/accountCreationsPerIp is 5: set it to 0/);
    expect(warnings.join("\n")).toMatch(/commandRatePerSecond is 10/);
    expect(warnings.join("\n")).toMatch(/permissionAccountDefault: "Builder"/);
    const ready = { ...defaultSettings, connectionLimitExemptIps: ["127.0.0.1"], accountCreationsPerIp: 0, commandRatePerSecond: 0, permissionAccountDefault: "Builder" } as Settings;
    expect(settingsWarnings(ready, run)).toEqual([]);
  });

  it("reads a process's CPU and memory from /proc, and nothing for a process that is not there", () => {
    const sample = readProcessSample(process.pid, 0);
    if (process.platform === "linux") {
      expect(sample!.cpuSeconds).toBeGreaterThan(0);
      expect(sample!.rssBytes).toBeGreaterThan(1024 * 1024);
      expect(sample!.peakRssBytes).toBeGreaterThanOrEqual(sample!.rssBytes);
    }
    expect(readProcessSample(2 ** 22 + 12345, 0)).toBeNull();
  });
});

describe("answers second by second, and the answer log", () => {
  it("counts an answer from the measured part only, in the second its command was sent", () => {
    const seen: AnswerRecord[] = [];
    const stats = new RunStats((a) => seen.push(a));
    // settling: counted for the progress bar, forgotten when the measured part starts, never logged
    stats.recordAnswer("looker", "look", performance.now() - 5, 0, performance.now());
    expect(stats.answered).toBe(1);
    stats.startMeasuring();
    expect([stats.answered, stats.bySecond.length, seen.length]).toEqual([0, 0, 0]);
    stats.measuringSince = 10_000;
    stats.recordAnswer("looker", "look", 9_999, 0, 10_005); // sent before the measured part: not counted
    stats.recordAnswer("looker", "look", 10_000, 10_001, 10_004);
    stats.recordAnswer("talker", "say hi, all", 10_500, 0, 10_600);
    stats.recordAnswer("talker", "pose waves", 12_200, 12_210, 12_230);
    expect(stats.answered).toBe(3);
    expect(stats.profile("talker").answered).toBe(2);
    expect(stats.bySecond.map((s) => s.count)).toEqual([2, 0, 1]);
    expect(seen.map((a) => [a.profile, a.command, a.firstByteMs, a.completeMs])).toEqual([
      ["looker", "look", 1, 4],
      ["talker", "say hi, all", 100, 100], // no output before the end: the first byte is the end
      ["talker", "pose waves", 10, 30],
    ]);
    // wall-clock times, for lining up with the game's logs
    expect(Math.abs(seen[0]!.sentAt - (performance.timeOrigin + 10_000))).toBeLessThan(1e-6);
    // the report: each second's p99, the median second and the worst one (empty seconds left out)
    expect(secondsSummary(stats.bySecond)).toEqual({ p99Ms: [100, 30], medianP99Ms: 30, worstP99Ms: 100, worstAt: 0, worstAtTime: null });
    expect(secondsSummary([])).toEqual({ p99Ms: [], medianP99Ms: 0, worstP99Ms: 0, worstAt: -1, worstAtTime: null });
    // dated from the measured part's start, to find the moment in the game's logs
    const worstLater = [new LatencySamples(), new LatencySamples(), new LatencySamples()];
    worstLater[0]!.add(5);
    worstLater[2]!.add(70);
    expect(secondsSummary(worstLater, Date.UTC(2026, 11, 3, 5, 0, 0))).toMatchObject({ worstAt: 2, worstAtTime: "2026-12-03T05:00:02.000Z" });
    stats.startMeasuring();
    expect(stats.bySecond).toEqual([]);
  });

  it("writes one CSV row an answer, quoting commands with commas or quotes, and refuses a file it cannot write", async () => {
    const row = (command: string) =>
      answerRow({ sentAt: Date.UTC(2026, 11, 3, 4, 5, 6, 789), profile: "talker", command, firstByteMs: 1.5, completeMs: 2.25 });
    expect(row("look")).toBe("2026-12-03T04:05:06.789Z,talker,look,1.500,2.250");
    expect(row('say "hi", you')).toBe('2026-12-03T04:05:06.789Z,talker,"say ""hi"", you",1.500,2.250');
    const dir = mkdtempSync(path.join(os.tmpdir(), "answers-"));
    try {
      const file = path.join(dir, "a.csv");
      const log = await openAnswerLog(file);
      log.write({ sentAt: 0, profile: "looker", command: "who", firstByteMs: 0, completeMs: 3 });
      await log.close();
      expect(readFileSync(file, "utf8")).toBe(`${ANSWER_LOG_HEADER}\n1970-01-01T00:00:00.000Z,looker,who,0.000,3.000\n`);
      const failed = await openAnswerLog(path.join(dir, "no-such-dir", "a.csv")).then(() => null, (err: unknown) => err);
      expect(isEvenniaError(failed, "EV_ERR_BAD_INPUT")).toBe(true);
      expect((failed as Error).message).toContain("--answers: cannot write");
      if (process.platform === "linux") {
        // a disk that fills up: the rows are dropped and closing says why (the run's report is not lost)
        const full = await openAnswerLog("/dev/full");
        for (let i = 0; i < 1000; i++) full.write({ sentAt: 0, profile: "looker", command: "look", firstByteMs: 0, completeMs: 1 });
        const closed = await full.close().then(() => null, (err: unknown) => err);
        expect(isEvenniaError(closed, "EV_ERR_BAD_INPUT")).toBe(true);
        expect((closed as Error).message).toMatch(/--answers: writing \/dev\/full failed: .*ENOSPC/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
