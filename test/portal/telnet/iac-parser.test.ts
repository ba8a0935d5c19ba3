import { describe, expect, it } from "vitest";
import { IacParser } from "../../../evennia-ts/portal/telnet/iac-parser.ts";

type Event = [string, ...unknown[]];

function collect(max = 64 * 1024) {
  const events: Event[] = [];
  const parser = new IacParser(
    {
      data: (b) => events.push(["data", b.toString("latin1")]),
      command: (c) => events.push(["cmd", c]),
      negotiation: (v, o) => events.push(["neg", v, o]),
      subnegotiation: (o, p) => events.push(["sb", o, [...p]]),
      subnegotiationDiscarded: (o, size, why) => events.push(["discard", o, size, why]),
    },
    max,
  );
  return { parser, events };
}

/** Merge consecutive data events (chunking may split them). */
function merged(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (e[0] === "data" && prev?.[0] === "data") prev[1] = (prev[1] as string) + (e[1] as string);
    else out.push([...e]);
  }
  return out;
}

const STREAM = Buffer.from([
  0x61, 255, 255, 0x62, // a IAC IAC b
  255, 253, 24, // DO TTYPE
  255, 250, 31, 0, 80, 255, 255, 0, 24, 255, 240, // SB NAWS 80 x (255 escaped) ... SE
  255, 241, // NOP
  0x63,
]);

const EXPECTED: Event[] = [
  ["data", "a\xffb"],
  ["neg", 253, 24],
  ["sb", 31, [0, 80, 255, 0, 24]],
  ["cmd", 241],
  ["data", "c"],
];

describe("IacParser", () => {
  it("splits data, commands, negotiations and sub-negotiations", () => {
    const { parser, events } = collect();
    parser.feed(STREAM);
    expect(merged(events)).toEqual(EXPECTED);
  });

  it("gives the same events whatever the chunk boundaries", () => {
    for (let size = 1; size <= STREAM.length; size++) {
      const { parser, events } = collect();
      for (let i = 0; i < STREAM.length; i += size) parser.feed(STREAM.subarray(i, i + size));
      expect(merged(events), `chunk size ${size}`).toEqual(EXPECTED);
    }
  });

  it("copies sub-negotiation bytes (the caller may reuse its buffer)", () => {
    const { parser, events } = collect();
    const chunk = Buffer.from([255, 250, 201, 65, 66]);
    parser.feed(chunk);
    chunk.fill(0);
    parser.feed(Buffer.from([67, 255, 240]));
    expect(events).toEqual([["sb", 201, [65, 66, 67]]]);
  });

  it("discards a sub-negotiation over the bound and keeps parsing", () => {
    const { parser, events } = collect(4);
    parser.feed(Buffer.from([255, 250, 201, 1, 2, 3, 4, 5, 6, 255, 240, 0x7a]));
    expect(events).toEqual([
      ["discard", 201, 6, "too-large"],
      ["data", "z"],
    ]);
  });

  it("drops an unterminated sub-negotiation when another command starts", () => {
    const { parser, events } = collect();
    parser.feed(Buffer.from([255, 250, 24, 0, 65, 255, 251, 1, 0x78]));
    expect(events).toEqual([
      ["discard", 24, 2, "unterminated"],
      ["neg", 251, 1],
      ["data", "x"],
    ]);
  });

  it("returns the unparsed rest when a handler suspends it", () => {
    const events: Event[] = [];
    const parser: IacParser = new IacParser({
      data: (b) => events.push(["data", b.toString()]),
      command: () => {},
      negotiation: () => {},
      subnegotiation: (o) => {
        events.push(["sb", o]);
        parser.suspend();
      },
      subnegotiationDiscarded: () => {},
    });
    const rest = parser.feed(Buffer.from([0x61, 255, 250, 87, 255, 240, 1, 2, 3]));
    expect(events).toEqual([["data", "a"], ["sb", 87]]);
    expect([...rest!]).toEqual([1, 2, 3]);
    expect(parser.feed(Buffer.from("b"))).toBeNull();
  });
});
