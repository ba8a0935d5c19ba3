import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isEvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { TelnetServer } from "../../../evennia-ts/portal/telnet/telnet-server.ts";
import type { TelnetSession } from "../../../evennia-ts/portal/telnet/telnet-session.ts";
import {
  DO,
  DONT,
  IAC,
  RawClient,
  RecordingRegistry,
  SB,
  SE,
  WILL,
  WONT,
  countOf,
  settle,
  startServer,
  waitUntil,
  type TestServer,
} from "./telnet-test-client.ts";

let ts: TestServer | null = null;
const clients: RawClient[] = [];

async function setup(options: Parameters<typeof startServer>[0] = {}) {
  ts = await startServer({ telnetOptions: { all: false }, ...options });
  const client = await RawClient.connect(ts.port);
  clients.push(client);
  const rec = await ts.registry.session();
  return { client, rec, session: rec.transport as TelnetSession, server: ts.server };
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await ts?.server.close();
  ts = null;
  vi.restoreAllMocks();
});

describe("TelnetServer listening", () => {
  it("binds port 0, registers each connection with the portal and counts it", async () => {
    const { rec, server } = await setup();
    expect(rec.transport.protocolKey).toBe("telnet");
    expect(rec.transport.address).toBe("127.0.0.1");
    expect(rec.initialOptions).toMatchObject({ ansi: true, screenreader: false, encoding: "utf-8" });
    expect(server.connectionCount).toBe(1);
  });

  it("rejects with EV_ERR_PORT_IN_USE when the port is taken", async () => {
    const { server } = await setup();
    const port = ts!.port;
    const other = new TelnetServer(new RecordingRegistry(), { maxLineLength: 100, maxOutputBuffer: 1000, serverName: "x" });
    const err = await other.listen(port, "127.0.0.1").catch((e: unknown) => e);
    expect(isEvenniaError(err, "EV_ERR_PORT_IN_USE")).toBe(true);
    await other.close();
    expect(server.connectionCount).toBe(1);
  });

  it("close() stops listening and closes every connection", async () => {
    const { client, rec, server } = await setup();
    await server.close();
    await waitUntil(() => client.closed, "client closed by server");
    expect(server.connectionCount).toBe(0);
    expect(rec.disconnects).toHaveLength(1);
    const err = await RawClient.connect(ts!.port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    ts = null;
  });
});

describe("telnet input", () => {
  it("turns lines into text messages whatever the line ending", async () => {
    const { client, rec } = await setup();
    client.send("look\r\n", "north\n", "say hi\r\0", "inv\r", "last\r\n");
    await waitUntil(() => rec.inputs.length >= 5, "5 lines");
    await client.roundTrip();
    expect(rec.inputs).toEqual([
      ["text", ["look"], {}],
      ["text", ["north"], {}],
      ["text", ["say hi"], {}],
      ["text", ["inv"], {}],
      ["text", ["last"], {}],
    ]);
  });

  it("gives one line, not an extra empty one, when CR LF is split across chunks", async () => {
    const { client, rec } = await setup();
    client.send("look\r");
    await waitUntil(() => rec.inputs.length >= 1, "first line");
    await settle();
    client.send("\nnorth\r\n");
    await waitUntil(() => rec.inputs.length >= 2, "second line");
    await client.roundTrip();
    expect(rec.inputs).toEqual([
      ["text", ["look"], {}],
      ["text", ["north"], {}],
    ]);
  });

  it("keeps empty lines the client really sent", async () => {
    const { client, rec } = await setup();
    client.send("\r\n\r\nx\r\n");
    await waitUntil(() => rec.inputs.length >= 3, "3 lines");
    expect(rec.inputs.map((m) => m[1][0])).toEqual(["", "", "x"]);
  });

  it("decodes UTF-8 split across chunks, and turns invalid bytes into U+FFFD", async () => {
    const { client, rec } = await setup();
    const euro = Buffer.from("€", "utf8"); // 3 bytes
    client.send("price ", euro.subarray(0, 1));
    await settle();
    client.send(euro.subarray(1), "\r\n");
    client.send([0x61, 0xc3, 0x28, 0xfe, 0x62], "\r\n");
    await waitUntil(() => rec.inputs.length >= 2, "2 lines");
    expect(rec.inputs[0]).toEqual(["text", ["price €"], {}]);
    expect(rec.inputs[1]![1][0]).toBe("a\uFFFD(\uFFFDb");
  });

  it("reads IAC IAC as a 0xFF data byte", async () => {
    const { client, rec } = await setup();
    client.send("a", [IAC, IAC], "b\r\n");
    await waitUntil(() => rec.inputs.length >= 1, "line");
    // 0xFF alone is not UTF-8, so it decodes to U+FFFD (with Latin-1 it would be ÿ)
    expect(rec.inputs[0]![1][0]).toBe("a\uFFFDb");
  });

  it("cuts lines longer than maxLineLength and tells the client", async () => {
    const { client, rec } = await setup({ maxLineLength: 10 });
    client.send("x".repeat(500), "\r\nok\r\n");
    await waitUntil(() => rec.inputs.length >= 2, "2 lines");
    expect(rec.inputs[0]).toEqual(["text", ["x".repeat(10)], {}]);
    expect(rec.inputs[1]).toEqual(["text", ["ok"], {}]);
    await client.waitFor("too long");
  });

  it("keeps working for a client sending one byte at a time", async () => {
    const { client, rec } = await setup();
    const data = Buffer.concat([
      Buffer.from("he"),
      Buffer.from([IAC, DO, 200]),
      Buffer.from("llo €"),
      Buffer.from([IAC, SB, 200, 1, 2, IAC, IAC, 3, IAC, SE]),
      Buffer.from("\r\nsecond\r\n"),
    ]);
    for (const byte of data) {
      client.send([byte]);
      await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => rec.inputs.length >= 2, "2 lines");
    expect(rec.inputs).toEqual([
      ["text", ["hello €"], {}],
      ["text", ["second"], {}],
    ]);
    await client.waitFor([[IAC, WONT, 200]]);
  });

  it("survives an unterminated sub-negotiation and reads what follows", async () => {
    const { client, rec } = await setup();
    client.send([IAC, SB, 200, 1, 2, 3], [IAC, WILL, 201], "after\r\n");
    await client.waitFor([[IAC, DONT, 201]]);
    await waitUntil(() => rec.inputs.length >= 1, "line");
    expect(rec.inputs[0]).toEqual(["text", ["after"], {}]);
    expect(rec.disconnects).toEqual([]);
  });

  it("discards a sub-negotiation over the bound and stays connected", async () => {
    const { client, rec } = await setup({ maxSubnegotiation: 100 });
    client.send([IAC, SB, 200], Buffer.alloc(5000, 65), [IAC, SE], "still here\r\n");
    await waitUntil(() => rec.inputs.length >= 1, "line");
    expect(rec.inputs[0]).toEqual(["text", ["still here"], {}]);
    expect(client.closed).toBe(false);
  });
});

describe("telnet negotiation of unsupported options", () => {
  it("refuses DO with WONT and WILL with DONT, and never answers a refusal", async () => {
    const { client } = await setup();
    client.send([IAC, DO, 200], [IAC, WILL, 201], [IAC, WONT, 202], [IAC, DONT, 203]);
    await client.waitFor([[IAC, WONT, 200]]);
    await client.waitFor([[IAC, DONT, 201]]);
    await client.roundTrip();
    expect(client.has([IAC, DONT, 202])).toBe(false);
    expect(client.has([IAC, WONT, 203])).toBe(false);
    expect(client.has([IAC, WONT, 202])).toBe(false);
  });
});

describe("telnet output", () => {
  it("sends text with CR LF line endings and a final newline", async () => {
    const { client, session } = await setup();
    session.send([["text", ["line one\nline two"], {}]]);
    await client.waitFor("line one\r\nline two\r\n");
  });

  it("sends a prompt without a newline", async () => {
    const { client, session } = await setup({ telnetOptions: { all: false, sga: true } });
    client.send([IAC, DO, 3]); // SGA: no GA after prompts
    await client.waitFor([[IAC, WILL, 3]]);
    client.clear();
    session.send([["prompt", ["HP 10> "], {}]]);
    await client.waitFor("HP 10> ");
    await client.roundTrip();
    expect(client.received.toString()).toBe("HP 10> ");
  });

  it("drops unknown out-of-band messages quietly when no OOB protocol is on", async () => {
    const { client, session, rec } = await setup();
    session.send([["char_vitals", [], { hp: 10 }], ["text", ["after"], {}]]);
    await client.waitFor("after\r\n");
    expect(client.received.toString()).toBe("after\r\n");
    expect(rec.disconnects).toEqual([]);
  });

  it("coalesces everything sent in one event-loop turn into one socket write", async () => {
    const { client, session } = await setup();
    await client.roundTrip();
    const writes: Buffer[] = [];
    const original = net.Socket.prototype.write;
    vi.spyOn(net.Socket.prototype, "write").mockImplementation(function (this: net.Socket, ...args: any[]) {
      if (this.remotePort === client.socket.localPort) writes.push(Buffer.from(args[0] as Buffer));
      return (original as any).apply(this, args);
    });
    session.send([["text", ["one"], {}]]);
    session.send([["text", ["two"], {}]]);
    session.send([["prompt", ["> "], {}], ["text", ["three"], {}]]);
    await client.waitFor("three\r\n");
    expect(writes).toHaveLength(1);
    expect(writes[0]!.toString()).toContain("one\r\ntwo\r\n> ");
  });

  it("drops the connection when unsent output exceeds maxOutputBuffer", async () => {
    const { client, session, rec } = await setup({ maxOutputBuffer: 1000 });
    session.send([["text", ["x".repeat(2000)], {}]]);
    await waitUntil(() => client.closed, "client dropped");
    expect(rec.disconnects).toEqual(["output buffer overflow"]);
  });

  it("close(reason) sends the reason, ends the connection and reports one disconnection", async () => {
    const { client, session, rec } = await setup();
    session.close("Goodbye!");
    await waitUntil(() => client.closed, "closed");
    expect(client.received.toString()).toContain("Goodbye!\r\n");
    await waitUntil(() => rec.disconnects.length > 0, "disconnected");
    session.close("again");
    // close() on a finished session returns at once: nothing can be reported later
    expect(rec.disconnects).toEqual(["Goodbye!"]);
  });

  it("reports a client hang-up exactly once and ignores sends after it", async () => {
    const { client, session, rec } = await setup();
    await client.close();
    await waitUntil(() => rec.disconnects.length > 0, "disconnected");
    session.send([["text", ["too late"], {}]]);
    session.close("bye");
    // send() and close() on a finished session return at once: nothing can be reported later
    expect(rec.disconnects).toEqual(["connection closed by client"]);
  });

  it("turns on TCP_NODELAY (each write leaves at once)", async () => {
    const spy = vi.spyOn(net.Socket.prototype, "setNoDelay");
    await setup();
    expect(spy).toHaveBeenCalledWith(true);
  });

  it("hides and shows input with WILL/WONT ECHO", async () => {
    const { client, session } = await setup();
    session.setEcho(true);
    await client.waitFor([[IAC, WILL, 1]]);
    client.send([IAC, DO, 1]);
    await waitUntil(() => session.isOptionEnabled(1, "local"), "echo on");
    session.send([["echo", [], { hidden: false }]]);
    await client.waitFor([[IAC, WONT, 1]]);
    client.send([IAC, DONT, 1]);
    await client.roundTrip();
    expect(session.isOptionEnabled(1, "local")).toBe(false);
    expect(countOf(client.received, [IAC, WILL, 1])).toBe(1);
    expect(countOf(client.received, [IAC, WONT, 1])).toBe(1);
  });
});

describe("telnet colour rendering", () => {
  it("renders Evennia markup as ANSI by default, and raw text as given", async () => {
    const { client, session } = await setup();
    session.send([["text", ["|rred|n plain"], {}]]);
    await client.waitFor("\x1b[1;31mred\x1b[0m plain\r\n");
    session.send([["text", ["|rraw"], { options: { raw: true } }]]);
    await client.waitFor("|rraw\r\n");
    session.send([["text", ["|gno colour"], { options: { nocolor: true } }]]);
    await client.waitFor("no colour\r\n");
  });

  it("removes escape sequences smuggled into text", async () => {
    const { client, session } = await setup();
    session.send([["text", ["a\x1b[2Jb"], {}]]);
    await client.waitFor("ab\r\n");
  });
});
