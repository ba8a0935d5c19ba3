/**
 * The control channel of a running server (portal and server in this process, real
 * sockets, a real game folder), and the launcher's `memory` / `heapdump` functions
 * that talk to it.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heapdump } from "../../../evennia-ts/cli/commands/heapdump.ts";
import { showMemory } from "../../../evennia-ts/cli/commands/memory.ts";
import { CapturingIo } from "../../../evennia-ts/cli/io.ts";
import type { FlushReport, MemoryReport } from "../../../evennia-ts/commands/default/memory.ts";
import { sendControlRequest } from "../../../evennia-ts/server/control/control-client.ts";
import type { PingResult } from "../../../evennia-ts/server/memory/memory-control.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import { RawControlClient } from "./control-helpers.ts";

let game: InProcessGame;
let socket: string;
let logs: string;
let anna: TelnetTestClient;

beforeAll(async () => {
  game = await startInProcessGame();
  logs = path.join(game.folder.dir, "server", "logs");
  socket = path.join(logs, "server.sock");
  anna = await TelnetTestClient.connect(game.telnetPort);
  await anna.waitFor("create <username> <password>");
  anna.send("create Anna secret123");
  await anna.waitFor("A new account 'Anna' was created");
  anna.send("connect Anna secret123");
  await anna.waitFor(/Limbo/);
});

afterAll(async () => {
  anna?.close();
  await game?.stop();
});

const characterTypeclass = "typeclasses.characters.Character";

describe.skipIf(process.platform === "win32")("the server's control channel", () => {
  it("listens on <game>/server/logs/server.sock, owner only", async () => {
    const st = statSync(socket);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    const ping = (await sendControlRequest(socket, "ping")) as PingResult;
    expect(ping).toMatchObject({ pid: process.pid, serverName: "TestGame", gameDir: game.folder.dir });
  });

  it("memory: heap figures and identity-map counts per kind and typeclass", async () => {
    const report = (await sendControlRequest(socket, "memory")) as MemoryReport;
    expect(report.heap.heapUsed).toBeGreaterThan(1024 * 1024);
    expect(report.heap.heapTotal).toBeGreaterThanOrEqual(report.heap.heapUsed);
    expect(report.heap.rss).toBeGreaterThan(0);
    expect(report.heap.heapLimit).toBeGreaterThan(report.heap.heapTotal);
    // Anna's character is puppeted, hence pinned
    const character = report.identityMap.object.byType[characterTypeclass];
    expect(character).toMatchObject({ live: 1, pinned: 1 });
    expect(report.identityMap.account.live).toBeGreaterThanOrEqual(1);
    const kinds = Object.values(report.identityMap);
    expect(report.totals.live).toBe(kinds.reduce((n, k) => n + k.live, 0));
    expect(report.totals.pinned).toBeGreaterThanOrEqual(1);
    expect(report.autoFlushHeapMb).toBeNull();
    // the counts are the store's own
    const server = game.server()!;
    expect(report.identityMap.object.live).toBe(server.store.stats().object.live);
  });

  it("flush: drops the cached objects, keeps pinned ones, reports before and after", async () => {
    const before = (await sendControlRequest(socket, "memory")) as MemoryReport;
    expect(before.totals.strong).toBeGreaterThan(0); // the LRU holds Limbo, the account ...
    const flushed = (await sendControlRequest(socket, "flush")) as FlushReport;
    expect(flushed.dropped).toBe(flushed.before.totals.strong);
    expect(flushed.after.totals.strong).toBe(0);
    expect(flushed.after.totals.pinned).toBe(flushed.before.totals.pinned);
    expect(flushed.after.identityMap.object.byType[characterTypeclass]).toMatchObject({ live: 1, pinned: 1 });
    expect(flushed.gcRan).toBe(typeof (globalThis as { gc?: unknown }).gc === "function");
    // the game goes on
    anna.send("look");
    await anna.waitFor(/Limbo/);
  });

  it("survives malformed requests and answers the next one", async () => {
    const c = await RawControlClient.connect(socket);
    try {
      c.write('garbage\n{"id":1}\n{"id":2,"cmd":"memory","args":"x"}\n{"id":3,"cmd":"rm -rf"}\n{"id":4,"cmd":"ping"}\n');
      const lines = (await c.waitForLines(5)) as { id: unknown; ok: boolean; error?: { code: string } }[];
      expect(lines.map((l) => [l.id, l.ok, l.error?.code])).toEqual([
        [null, false, "EV_ERR_BAD_INPUT"],
        [1, false, "EV_ERR_BAD_INPUT"],
        [2, false, "EV_ERR_BAD_INPUT"],
        [3, false, "EV_ERR_NOT_FOUND"],
        [4, true, undefined],
      ]);
      c.write("z".repeat(70 * 1024));
      await c.waitForClose();
    } finally {
      c.close();
    }
    expect(game.server()).not.toBeNull();
    expect(await sendControlRequest(socket, "ping")).toMatchObject({ pid: process.pid });
  });

  it("evennia-ts memory [--flush] prints the figures", async () => {
    const io = new CapturingIo();
    expect(await showMemory({ gameDir: game.folder.dir, io })).toBe(0);
    const text = io.text();
    expect(text).toMatch(/Heap used\s+[\d.]+ MiB of [\d.]+ MiB/);
    expect(text).toMatch(/Identity map\s+live\s+pinned\s+strong/);
    expect(text).toMatch(new RegExp(`${characterTypeclass.replace(/\./g, "\\.")}\\s+1\\s+1\\s+0`));
    const flushIo = new CapturingIo();
    expect(await showMemory({ gameDir: game.folder.dir, io: flushIo, flush: true })).toBe(0);
    expect(flushIo.text()).toMatch(/Flushed: dropped \d+ cached reference/);
    expect(flushIo.text()).toMatch(/Strong \(LRU\)\s+\d+\s+0/);
  });

  it("evennia-ts heapdump --retainers #id writes a snapshot in server/logs and shows what keeps the character alive", async () => {
    const characterId = game.server()!.allSessions().find((s) => s.puppet)!.puppet!.id;
    const io = new CapturingIo();
    expect(await heapdump({ gameDir: game.folder.dir, io, retainers: `#${characterId}` })).toBe(0);
    const text = io.text();
    if (process.env.SHOW_RETAINERS) console.log(text);
    const file = /Wrote (\S+\.heapsnapshot)/.exec(text)?.[1];
    expect(file).toBeDefined();
    try {
      expect(path.dirname(file!)).toBe(logs);
      expect(statSync(file!).mode & 0o777).toBe(0o600);
      expect(text).toContain(`Character #${characterId} "Anna"`);
      // a puppet is pinned by the identity map and held by its session
      expect(text).toMatch(/held by \d+ object\(s\)/);
      expect(text).toMatch(/1\. \(root\)\n(\s+→ .+\n)+\s+→ .+Character #\d+ "Anna"/);
      expect(text).toContain(`npx evennia-ts heapdump ${file} --retainers`);
      // the same snapshot again, by typeclass, without asking the server
      const again = new CapturingIo();
      expect(await heapdump({ gameDir: "/nonexistent", file, io: again, retainers: characterTypeclass, maxPaths: 1 })).toBe(0);
      expect(again.text()).toMatch(/^Snapshot /);
      expect(again.text()).toContain(`Character #${characterId} "Anna"`);
      expect(again.text()).not.toContain("  2. (root)");
      await expect(heapdump({ gameDir: game.folder.dir, file, io: again })).rejects.toMatchObject({ code: "EV_ERR_BAD_INPUT" });
    } finally {
      rmSync(file!, { force: true });
    }
  });

  it("refuses a bad --retainers target before writing anything", async () => {
    const io = new CapturingIo();
    await expect(heapdump({ gameDir: game.folder.dir, io, retainers: " " })).rejects.toMatchObject({ code: "EV_ERR_BAD_INPUT" });
    expect(readdirSync(logs).filter((f) => f.endsWith(".heapsnapshot"))).toEqual([]);
  });
});

describe.skipIf(process.platform === "win32")("when the server stops", () => {
  it("the socket is removed and the launcher says the server is not running", async () => {
    await game.portal.stop();
    expect(existsSync(socket)).toBe(false);
    const io = new CapturingIo();
    expect(await showMemory({ gameDir: game.folder.dir, io })).toBe(1);
    expect(io.text()).toContain("The server is not running");
  });
});
