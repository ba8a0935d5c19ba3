/**
 * Client options set by the game (`option`, `encoding`, `screenreader`) change what
 * the portal renders: the link message, the portal session (kept for the re-sync),
 * the telnet session (colour depth, screen reader, raw, encoding of output and
 * input, NAWS ignored when autoresize is off) and the websocket frames.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PortalSessions } from "../../evennia-ts/portal/portal-sessions.ts";
import type { ClientOptions, SessionTransport } from "../../evennia-ts/portal/session-transport.ts";
import { renderForWebSocket } from "../../evennia-ts/portal/websocket/websocket-frames.ts";
import { parseServerMessage } from "../../evennia-ts/protocol/link-messages.ts";
import type { OobMessage } from "../../evennia-ts/protocol/message.ts";
import { normalizeTextEncoding } from "../../evennia-ts/protocol/text-encodings.ts";
import { IAC, SB, SE, WILL, openSession, waitUntil, type OpenSession } from "./telnet/telnet-test-client.ts";

const NAWS = 31;
const ESC = "\x1b[";

let s: OpenSession | null = null;
afterEach(async () => {
  await s?.cleanup();
  s = null;
});

/** Send `text` on the session and return the bytes the client got for it. */
async function rendered(open: OpenSession, text: string, marker: string): Promise<Buffer> {
  open.client.received = Buffer.alloc(0);
  open.session.send([["text", [`${text}${marker}`], {}]]);
  await waitUntil(() => open.client.received.includes(Buffer.from(marker)), `"${marker}" on the client`);
  return open.client.received;
}

describe("the link message", () => {
  it("client-options from the server is valid with an options object, and only then", () => {
    expect(parseServerMessage({ t: "client-options", sessid: 3, options: { nocolor: true } })).toEqual({ t: "client-options", sessid: 3, options: { nocolor: true } });
    expect(parseServerMessage({ t: "client-options", sessid: 3, options: [true] })).toBeUndefined();
    expect(parseServerMessage({ t: "client-options", sessid: 0, options: {} })).toBeUndefined();
  });
});

describe("the portal session", () => {
  it("keeps game-set options for the next re-sync and hands them to the transport", () => {
    const applied: ClientOptions[] = [];
    const transport: SessionTransport = {
      protocolKey: "telnet",
      address: "127.0.0.1",
      send: () => {},
      close: () => {},
      applyClientOptions: (options) => applied.push(options),
    };
    const reported: ClientOptions[] = [];
    const sessions = new PortalSessions(
      { connected: () => {}, input: () => true, clientOptions: (_s, o) => reported.push(o), disconnected: () => {} },
      10,
    );
    sessions.connect(transport, { ansi: true, screenwidth: 80 });
    const session = sessions.all()[0]!;
    session.applyClientOptions({ screenreader: true });
    expect(applied).toEqual([{ screenreader: true }]);
    expect(session.snapshot().clientOptions).toEqual({ ansi: true, screenwidth: 80, screenreader: true });
    // the server set them: nothing is reported back to it
    expect(reported).toEqual([]);
  });

  it("keeps a window size the player fixed (autoresize off) when a webclient reports its own", () => {
    const transport: SessionTransport = { protocolKey: "websocket", address: "127.0.0.1", send: () => {}, close: () => {} };
    const reported: ClientOptions[] = [];
    const sessions = new PortalSessions({ connected: () => {}, input: () => true, clientOptions: (_s, o) => reported.push(o), disconnected: () => {} }, 10);
    sessions.connect(transport, { screenwidth: 80 });
    const session = sessions.all()[0]!;
    session.updateClientOptions({ screenwidth: 100 });
    expect(session.clientOptions.screenwidth).toBe(100);
    session.applyClientOptions({ screenwidth: 60, autoresize: false });
    // the browser window resized: the width stays 60, the rest of what it said is kept
    session.updateClientOptions({ screenwidth: 140, screenheight: 50, screenreader: true });
    session.updateClientOptions({ screenwidth: 150 });
    expect(session.clientOptions.screenwidth).toBe(60);
    expect(session.clientOptions.screenheight).toBeUndefined();
    expect(session.clientOptions.screenreader).toBe(true);
    expect(reported).toEqual([{ screenwidth: 100 }, { screenreader: true }]);
    // autoresize on again (the player's choice): the client's size counts
    session.applyClientOptions({ autoresize: true });
    session.updateClientOptions({ screenwidth: 140 });
    expect(session.clientOptions.screenwidth).toBe(140);
  });
});

describe("a telnet session rendering by game-set options", () => {
  it("screenreader and nocolor take the colour codes out; not reported back to the server", async () => {
    s = await openSession();
    const before = await rendered(s, "|rRed|n text", "<1>");
    expect(before.toString("latin1")).toContain(ESC);
    s.session.applyClientOptions({ screenreader: true });
    const after = await rendered(s, "|rRed|n text", "<2>");
    expect(after.toString("latin1")).not.toContain(ESC);
    expect(after.toString("latin1")).toContain("Red text");
    s.session.applyClientOptions({ screenreader: false, nocolor: true });
    expect((await rendered(s, "|gGreen|n", "<3>")).toString("latin1")).not.toContain(ESC);
    s.session.applyClientOptions({ nocolor: false });
    expect((await rendered(s, "|gGreen|n", "<4>")).toString("latin1")).toContain(ESC);
    expect(s.rec.options.some((o) => "screenreader" in o || "nocolor" in o)).toBe(false);
  });

  it("xterm256 switches from the nearest ANSI colour to the 256-colour code", async () => {
    s = await openSession();
    expect((await rendered(s, "|502orange", "<1>")).toString("latin1")).not.toContain("38;5;");
    s.session.applyClientOptions({ xterm256: true });
    expect((await rendered(s, "|502orange", "<2>")).toString("latin1")).toContain("38;5;");
  });

  it("raw sends markup as written", async () => {
    s = await openSession();
    s.session.applyClientOptions({ raw: true });
    expect((await rendered(s, "|rnot red|n", "<1>")).toString("latin1")).toContain("|rnot red|n<1>");
  });

  it("encoding latin-1 changes the bytes sent and how input is read", async () => {
    s = await openSession();
    expect([...(await rendered(s, "café", "<1>"))]).toEqual(expect.arrayContaining([0xc3, 0xa9]));
    s.session.applyClientOptions({ encoding: "latin-1" });
    const latin = await rendered(s, "café", "<2>");
    expect(latin.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe(true);
    expect(latin.includes(Buffer.from([0xc3, 0xa9]))).toBe(false);
    s.client.send(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]));
    await waitUntil(() => s!.rec.inputs.length > 0, "input");
    expect(s.rec.inputs).toContainEqual(["text", ["café"], {}]);
  });

  it("a window size the player fixed (autoresize off) is not overwritten by NAWS", async () => {
    s = await openSession({ telnetOptions: { all: false, naws: true } });
    s.client.send([IAC, WILL, NAWS], [IAC, SB, NAWS, 0, 90, 0, 30, IAC, SE]);
    await waitUntil(() => s!.rec.merged.screenwidth === 90, "width 90");
    s.session.applyClientOptions({ screenwidth: 120, autoresize: false });
    s.client.send([IAC, SB, NAWS, 0, 60, 0, 30, IAC, SE]);
    await s.client.roundTrip();
    await new Promise((r) => setImmediate(r));
    expect(s.rec.merged.screenwidth).toBe(90);
    expect(s.session.clientOptions.screenwidth).toBe(120);
  });
});

describe("websocket frames rendering by game-set options", () => {
  const message: OobMessage = ["text", ["|rRed|n"], {}];

  it("nocolor gives plain HTML, raw escapes the markup as text; a message's own options win", () => {
    expect(String(renderForWebSocket(message)[1][0])).toContain("<span");
    expect(renderForWebSocket(message, { nocolor: true })[1][0]).toBe("Red");
    expect(renderForWebSocket(message, { raw: true })[1][0]).toBe("|rRed|n");
    expect(String(renderForWebSocket(["text", ["|rRed|n"], { options: { nocolor: false } }], { nocolor: true })[1][0])).toContain("<span");
  });
});

describe("encoding names", () => {
  it("knows UTF-8 and Latin-1 by their usual names, nothing else", () => {
    expect(["UTF-8", "utf8", "u8"].map(normalizeTextEncoding)).toEqual(["utf-8", "utf-8", "utf-8"]);
    expect(["latin-1", "ISO-8859-1", "latin1", "cp819"].map(normalizeTextEncoding)).toEqual(["latin-1", "latin-1", "latin-1", "latin-1"]);
    expect(normalizeTextEncoding("klingon")).toBeNull();
    expect(normalizeTextEncoding(42)).toBeNull();
  });
});
