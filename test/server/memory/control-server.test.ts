import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sendControlRequest } from "../../../evennia-ts/server/control/control-client.ts";
import { controlSocketPath, serverLogsDir } from "../../../evennia-ts/server/control/control-paths.ts";
import { LineSplitter, parseControlLine } from "../../../evennia-ts/server/control/control-protocol.ts";
import { ControlServer } from "../../../evennia-ts/server/control/control-server.ts";
import { EvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { setLogSink, type LogSink } from "../../../evennia-ts/utils/logger.ts";
import { RawControlClient } from "./control-helpers.ts";

let dir: string;
let file: string;
const servers: ControlServer[] = [];
const clients: RawControlClient[] = [];
let previousSink: LogSink;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "evts-ctl-"));
  file = path.join(dir, "logs", "server.sock");
  previousSink = setLogSink(() => undefined);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
  setLogSink(previousSink);
  rmSync(dir, { recursive: true, force: true });
});

async function start(handlers: Record<string, (args: Record<string, unknown>) => unknown>, maxLineBytes?: number): Promise<ControlServer> {
  const server = await ControlServer.start({ socketPath: file, handlers, maxLineBytes });
  servers.push(server);
  return server;
}

async function raw(): Promise<RawControlClient> {
  const c = await RawControlClient.connect(file);
  clients.push(c);
  return c;
}

describe.skipIf(process.platform === "win32")("ControlServer", () => {
  it("listens on an owner-only socket, replacing a stale file, and removes it on stop", async () => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "stale");
    const server = await start({ echo: (args) => args });
    const st = statSync(file);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await sendControlRequest(file, "echo", { a: [1, "x"] })).toEqual({ a: [1, "x"] });
    await server.stop();
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(path.dirname(file))).toEqual([]); // no temporary name left behind
    await server.stop(); // idempotent
  });

  it("does not remove the socket of a server that replaced it", async () => {
    const first = await start({ who: () => "first" });
    await start({ who: () => "second" });
    await first.stop();
    expect(existsSync(file)).toBe(true);
    expect(await sendControlRequest(file, "who")).toBe("second");
  });

  it("answers handler failures with error responses and keeps serving", async () => {
    await start({
      bad: () => {
        throw new EvenniaError("EV_ERR_NOT_FOUND", "no such thing");
      },
      broken: () => {
        throw new Error("boom");
      },
      rejects: async () => Promise.reject(new Error("async boom")),
      unserialisable: () => ({ big: 10n }),
      slow: async (args) => {
        await new Promise((r) => setTimeout(r, 30));
        return args.n;
      },
      nothing: () => undefined,
    });
    await expect(sendControlRequest(file, "bad")).rejects.toMatchObject({ code: "EV_ERR_NOT_FOUND", message: "no such thing" });
    await expect(sendControlRequest(file, "broken")).rejects.toMatchObject({ code: "EV_ERR_INTERNAL", message: "boom" });
    await expect(sendControlRequest(file, "rejects")).rejects.toMatchObject({ code: "EV_ERR_INTERNAL", message: "async boom" });
    await expect(sendControlRequest(file, "unserialisable")).rejects.toMatchObject({ code: "EV_ERR_INTERNAL" });
    await expect(sendControlRequest(file, "missing")).rejects.toMatchObject({ code: "EV_ERR_NOT_FOUND" });
    expect(await sendControlRequest(file, "nothing")).toBeNull();
    // requests on one connection are answered by id, in whatever order they finish
    const c = await raw();
    c.write('{"id":"a","cmd":"slow","args":{"n":1}}\n{"id":"b","cmd":"nothing"}\n');
    const lines = await c.waitForLines(2);
    expect(lines).toEqual([
      { id: "b", ok: true, result: null },
      { id: "a", ok: true, result: 1 },
    ]);
  });

  it("answers malformed requests with errors, on the same connection, without closing it", async () => {
    await start({ echo: (args) => args });
    const c = await raw();
    const bad = [
      "not json",
      "[1,2]",
      '"just a string"',
      '{"id":5}',
      '{"id":6,"cmd":""}',
      '{"id":7,"cmd":"echo","args":[1]}',
      '{"id":{"x":1},"cmd":"echo"}',
      '{"id":9,"cmd":"nope"}',
    ];
    c.write(bad.join("\n") + "\n\n\r\n" + '{"id":10,"cmd":"echo","args":{"ok":true}}\r\n');
    const lines = (await c.waitForLines(bad.length + 1)) as { id: unknown; ok: boolean; error?: { code: string } }[];
    expect(lines.map((l) => [l.id, l.ok, l.error?.code])).toEqual([
      [null, false, "EV_ERR_BAD_INPUT"],
      [null, false, "EV_ERR_BAD_INPUT"],
      [null, false, "EV_ERR_BAD_INPUT"],
      [5, false, "EV_ERR_BAD_INPUT"],
      [6, false, "EV_ERR_BAD_INPUT"],
      [7, false, "EV_ERR_BAD_INPUT"],
      [null, false, "EV_ERR_BAD_INPUT"],
      [9, false, "EV_ERR_NOT_FOUND"],
      [10, true, undefined],
    ]);
    expect(c.closed).toBe(false);
  });

  it("closes a connection whose line grows past the limit, after saying why", async () => {
    await start({ echo: (args) => args }, 1024);
    const c = await raw();
    c.write("x".repeat(600));
    c.write("y".repeat(600));
    const [line] = (await c.waitForLines(1)) as { ok: boolean; error: { code: string } }[];
    expect(line).toMatchObject({ id: null, ok: false, error: { code: "EV_ERR_LIMIT" } });
    await c.waitForClose();
    expect(await sendControlRequest(file, "echo", { still: "up" })).toEqual({ still: "up" });
  });

  it("tells the client when nothing listens", async () => {
    await expect(sendControlRequest(file, "memory")).rejects.toMatchObject({ code: "EV_ERR_NOT_RUNNING" });
  });

  it("times out when the server does not answer", async () => {
    await start({ hang: () => new Promise(() => undefined) });
    await expect(sendControlRequest(file, "hang", {}, { timeoutMs: 100 })).rejects.toMatchObject({ code: "EV_ERR_LIMIT" });
  });
});

describe("control protocol and paths", () => {
  it("reads request lines", () => {
    expect(parseControlLine('{"id":1,"cmd":"memory"}')).toEqual({ ok: true, request: { id: 1, cmd: "memory", args: {} } });
    expect(parseControlLine('{"cmd":"flush","args":{"gc":false}}')).toEqual({ ok: true, request: { id: null, cmd: "flush", args: { gc: false } } });
    expect(parseControlLine("{")).toMatchObject({ ok: false, id: null });
  });

  it("splits lines across chunks and refuses overlong ones", () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from("ab"))).toEqual([]);
    expect(s.push(Buffer.from("c\nde\n\nf"))).toEqual(["abc", "de"]);
    expect(s.push(Buffer.from("g\r\n"))).toEqual(["fg"]);
    expect(() => s.push(Buffer.from("0123456789abc"))).toThrow(EvenniaError);
  });

  it("puts the socket in <game>/server/logs, or in the temp folder when that path is too long for a socket", () => {
    expect(serverLogsDir("/games/mud")).toBe(path.join("/games/mud", "server", "logs"));
    expect(controlSocketPath("/games/mud", "linux")).toBe(path.join("/games/mud", "server", "logs", "server.sock"));
    const deep = "/" + "very-long-folder-name/".repeat(6) + "mud";
    const fallback = controlSocketPath(deep, "linux");
    expect(path.dirname(fallback)).toBe(tmpdir());
    expect(fallback).toMatch(/evennia-ts-[0-9a-f]{16}\.sock$/);
    expect(controlSocketPath(deep, "linux")).toBe(fallback); // server and launcher agree
    expect(controlSocketPath(deep + "2", "linux")).not.toBe(fallback);
    expect(controlSocketPath("C:\\games\\mud", "win32")).toMatch(/^\\\\\.\\pipe\\evennia-ts-[0-9a-f]{16}$/);
  });
});
