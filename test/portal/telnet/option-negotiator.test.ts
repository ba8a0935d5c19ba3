import { describe, expect, it } from "vitest";
import { OptionNegotiator, type OptionSide } from "../../../evennia-ts/portal/telnet/option-negotiator.ts";

const WILL = 251;
const WONT = 252;
const DO = 253;
const DONT = 254;

function setup(accept: (option: number, side: OptionSide) => boolean = () => true) {
  const sent: Array<[number, number]> = [];
  const changes: Array<[number, OptionSide, boolean]> = [];
  const errors: string[] = [];
  const n = new OptionNegotiator({
    send: (v, o) => sent.push([v, o]),
    accept,
    changed: (o, s, e) => changes.push([o, s, e]),
    protocolError: (m) => errors.push(m),
  });
  return { n, sent, changes, errors };
}

describe("OptionNegotiator (RFC 1143 Q method)", () => {
  it("accepts a client DO once and ignores the repeat", () => {
    const { n, sent, changes } = setup();
    n.receive(DO, 1);
    n.receive(DO, 1);
    expect(sent).toEqual([[WILL, 1]]);
    expect(changes).toEqual([[1, "local", true]]);
    expect(n.isLocalEnabled(1)).toBe(true);
  });

  it("refuses what the policy refuses and never answers a refusal", () => {
    const { n, sent, changes } = setup(() => false);
    n.receive(DO, 5);
    n.receive(WILL, 6);
    n.receive(WONT, 7);
    n.receive(DONT, 8);
    expect(sent).toEqual([
      [WONT, 5],
      [DONT, 6],
    ]);
    expect(changes).toEqual([]);
  });

  it("does not answer the client's agreement to our own request", () => {
    const { n, sent, changes } = setup();
    n.enableRemote(24);
    n.enableRemote(24); // already asked: nothing more
    n.receive(WILL, 24);
    expect(sent).toEqual([[DO, 24]]);
    expect(changes).toEqual([[24, "remote", true]]);
  });

  it("reports a refused request without answering it", () => {
    const { n, sent, changes } = setup();
    n.enableLocal(86);
    n.receive(DONT, 86);
    expect(sent).toEqual([[WILL, 86]]);
    expect(changes).toEqual([[86, "local", false]]);
    expect(n.state(86, "local")).toBe("no");
  });

  it("acknowledges a client turning an enabled option off, once", () => {
    const { n, sent, changes } = setup();
    n.receive(WILL, 31);
    n.receive(WONT, 31);
    n.receive(WONT, 31);
    expect(sent).toEqual([
      [DO, 31],
      [DONT, 31],
    ]);
    expect(changes).toEqual([
      [31, "remote", true],
      [31, "remote", false],
    ]);
  });

  it("queues the opposite request while one is in flight", () => {
    const { n, sent } = setup();
    n.enableLocal(1); // WILL
    n.disableLocal(1); // queued
    n.receive(DO, 1); // agreement arrives: now ask to turn it off
    expect(sent).toEqual([
      [WILL, 1],
      [WONT, 1],
    ]);
    expect(n.state(1, "local")).toBe("wantno");
    n.receive(DONT, 1);
    expect(n.state(1, "local")).toBe("no");
  });

  it("re-enables after a disable when asked again meanwhile", () => {
    const { n, sent, changes } = setup();
    n.receive(DO, 1);
    n.disableLocal(1);
    n.enableLocal(1); // queued behind the WONT
    n.receive(DONT, 1);
    expect(sent).toEqual([
      [WILL, 1],
      [WONT, 1],
      [WILL, 1],
    ]);
    n.receive(DO, 1);
    expect(n.isLocalEnabled(1)).toBe(true);
    expect(changes).toEqual([
      [1, "local", true],
      [1, "local", false],
      [1, "local", true],
    ]);
  });

  it("survives a client answering a refusal with an acceptance", () => {
    const { n, sent, errors } = setup();
    n.receive(DO, 1);
    n.disableLocal(1);
    n.receive(DO, 1); // wrong answer to WONT
    expect(n.state(1, "local")).toBe("no");
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([
      [WILL, 1],
      [WONT, 1],
    ]);
  });

  it("moves its version with every negotiation, before and after the changed callback", () => {
    const seen: number[] = [];
    const n: OptionNegotiator = new OptionNegotiator({ send: () => {}, accept: () => true, changed: () => seen.push(n.version) });
    const start = n.version;
    n.receive(DO, 201);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(start);
    expect(n.version).toBeGreaterThan(seen[0]!); // what the callback read is not taken for the end state
    const afterReceive = n.version;
    n.disableLocal(201);
    expect(n.version).toBeGreaterThan(afterReceive);
    expect(n.isLocalEnabled(201)).toBe(false);
  });
});
