import { beforeEach, describe, expect, it } from "vitest";
import type { OobMessage } from "../../evennia-ts/protocol/message.ts";
import { PortalSession, PortalSessions, type PortalSessionEvents } from "../../evennia-ts/portal/portal-sessions.ts";
import type { SessionTransport } from "../../evennia-ts/portal/session-transport.ts";
import { setLogLevel } from "../../evennia-ts/utils/logger.ts";

/** A transport that records what the portal sends and closes. */
class RecordingTransport implements SessionTransport {
  readonly protocolKey = "telnet";
  sent: OobMessage[][] = [];
  closedWith: (string | undefined)[] = [];
  constructor(readonly address = "127.0.0.1") {}
  send(messages: OobMessage[]): void {
    this.sent.push(messages);
  }
  close(reason?: string): void {
    this.closedWith.push(reason);
  }
  texts(): string[] {
    return this.sent.flat().filter((m) => m[0] === "text").map((m) => String(m[1][0]));
  }
}

/** Events that record calls; `serverUp` decides whether input goes through. */
class RecordingEvents implements PortalSessionEvents {
  serverUp = true;
  log: string[] = [];
  forwarded: { sessid: number; msgs: OobMessage[] }[] = [];
  connected(s: PortalSession): void {
    this.log.push(`connected ${s.sessid}`);
  }
  input(s: PortalSession, msgs: OobMessage[]): boolean {
    if (!this.serverUp) return false;
    this.forwarded.push({ sessid: s.sessid, msgs });
    return true;
  }
  clientOptions(s: PortalSession, options: Record<string, unknown>): void {
    this.log.push(`options ${s.sessid} ${JSON.stringify(options)}`);
  }
  disconnected(s: PortalSession, reason: string): void {
    this.log.push(`disconnected ${s.sessid} ${reason}`);
  }
}

const line = (text: string): OobMessage[] => [["text", [text], {}]];

let events: RecordingEvents;
let sessions: PortalSessions;

function connect(address?: string): { transport: RecordingTransport; session: PortalSession } {
  const transport = new RecordingTransport(address);
  const session = sessions.connect(transport, { screenwidth: 80 }) as PortalSession;
  return { transport, session };
}

beforeEach(() => {
  setLogLevel("warn");
  events = new RecordingEvents();
  sessions = new PortalSessions(events, 3);
});

describe("PortalSessions", () => {
  it("gives each connection a new sessid and reports it", () => {
    const a = connect("10.0.0.1");
    const b = connect("10.0.0.2");
    expect(a.session.sessid).not.toBe(b.session.sessid);
    expect(events.log).toEqual([`connected ${a.session.sessid}`, `connected ${b.session.sessid}`]);
    expect(sessions.count).toBe(2);
    expect(sessions.get(b.session.sessid)).toBe(b.session);
    expect(b.session.snapshot()).toMatchObject({
      sessid: b.session.sessid,
      protocolKey: "telnet",
      address: "10.0.0.2",
      clientOptions: { screenwidth: 80 },
      data: {},
    });
  });

  it("forwards input while the server is up", () => {
    const { session } = connect();
    session.input(line("look"));
    expect(events.forwarded).toEqual([{ sessid: session.sessid, msgs: line("look") }]);
    expect(session.held).toEqual([]);
  });

  it("drops input messages the link would refuse and forwards the rest", () => {
    const { session } = connect();
    session.input([["x".repeat(129), [], {}], ["text", ["look"], {}], ["", [], {}]]);
    expect(events.forwarded).toEqual([{ sessid: session.sessid, msgs: line("look") }]);
    session.input([["y".repeat(200), [], {}]]);
    expect(events.forwarded).toHaveLength(1);
    expect(session.held).toEqual([]);
  });

  it("ignores empty input", () => {
    const { session } = connect();
    session.input([]);
    expect(events.forwarded).toEqual([]);
    expect(session.held).toEqual([]);
  });

  it("holds input while the server is away and releases it oldest first, per session", () => {
    const a = connect();
    const b = connect();
    events.serverUp = false;
    a.session.input(line("a1"));
    b.session.input(line("b1"));
    a.session.input(line("a2"));
    expect(events.forwarded).toEqual([]);
    events.serverUp = true;
    const released: string[] = [];
    sessions.releaseHeld((s, msgs) => released.push(`${s.sessid}:${String(msgs[0]![1][0])}`));
    expect(released).toEqual([`${a.session.sessid}:a1`, `${a.session.sessid}:a2`, `${b.session.sessid}:b1`]);
    expect(a.session.held).toEqual([]);
    // a second release has nothing left
    sessions.releaseHeld(() => released.push("again"));
    expect(released).not.toContain("again");
  });

  it("keeps order: once something is held, later input queues behind it even if the server is back", () => {
    const { session } = connect();
    events.serverUp = false;
    session.input(line("first"));
    events.serverUp = true;
    session.input(line("second"));
    expect(events.forwarded).toEqual([]);
    expect(session.held.map((m) => m[0]![1][0])).toEqual(["first", "second"]);
  });

  it("holds at most heldInputLimit lines per session and tells the player about the rest", () => {
    const { session, transport } = connect();
    const other = connect();
    events.serverUp = false;
    for (let i = 1; i <= 5; i++) session.input(line(`line ${i}`));
    other.session.input(line("other 1"));
    expect(session.held).toHaveLength(3);
    expect(transport.texts().filter((t) => /input was not kept/.test(t))).toHaveLength(2);
    expect(other.session.held).toHaveLength(1); // the limit is per session
    expect(other.transport.texts()).toEqual([]);
    const released: string[] = [];
    sessions.releaseHeld((_s, msgs) => released.push(String(msgs[0]![1][0])));
    expect(released).toEqual(["line 1", "line 2", "line 3", "other 1"]);
  });

  it("forgets a session when its connection goes, once, and ignores it afterwards", () => {
    const { session, transport } = connect();
    session.disconnected("client quit");
    session.disconnected("again");
    expect(events.log.filter((l) => l.startsWith("disconnected"))).toEqual([`disconnected ${session.sessid} client quit`]);
    expect(sessions.get(session.sessid)).toBeUndefined();
    expect(sessions.count).toBe(0);
    session.input(line("ghost"));
    session.send(line("to nobody"));
    session.updateClientOptions({ screenwidth: 1 });
    expect(events.forwarded).toEqual([]);
    expect(transport.sent).toEqual([]);
    expect(events.log.some((l) => l.startsWith("options"))).toBe(false);
  });

  it("close() closes the transport with the reason and reports the disconnect", () => {
    const { session, transport } = connect();
    session.close("Server shutting down");
    expect(transport.closedWith).toEqual(["Server shutting down"]);
    expect(events.log).toContain(`disconnected ${session.sessid} Server shutting down`);
    session.close("twice");
    expect(transport.closedWith).toHaveLength(1);
  });

  it("broadcasts text to every live session", () => {
    const a = connect();
    const b = connect();
    const c = connect();
    c.session.disconnected("gone");
    sessions.broadcast("Server restarting...");
    expect(a.transport.texts()).toEqual(["Server restarting..."]);
    expect(b.transport.texts()).toEqual(["Server restarting..."]);
    expect(c.transport.texts()).toEqual([]);
  });

  it("merges client options and reports the change", () => {
    const { session } = connect();
    session.updateClientOptions({ screenheight: 40 });
    expect(session.clientOptions).toEqual({ screenwidth: 80, screenheight: 40 });
    expect(events.log).toContain(`options ${session.sessid} {"screenheight":40}`);
  });
});
