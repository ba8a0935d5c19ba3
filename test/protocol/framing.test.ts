import { describe, expect, it } from "vitest";
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from "../../evennia-ts/protocol/framing.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";
import { prng } from "../seeded-random.ts";

const values: unknown[] = [
  [{ t: "msg", sessid: 1, msgs: [["text", ["héllo wörld ☃ 😀"], {}]] }],
  [],
  { nested: { a: [1, 2, { b: null }] }, s: "x".repeat(300) },
  "plain string",
  0,
];

function allFrames(): Buffer {
  return Buffer.concat(values.map((v) => encodeFrame(v)));
}

/** Call `fn` and return the thrown error (fails when nothing is thrown). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error to be thrown");
}

function header(length: number): Buffer {
  const b = Buffer.alloc(FRAME_HEADER_BYTES);
  b.writeUInt32BE(length, 0);
  return b;
}

describe("encodeFrame", () => {
  it("prefixes the UTF-8 JSON body with its byte length, big-endian", () => {
    const value = { text: "ünïcödé ☃" };
    const frame = encodeFrame(value);
    const body = Buffer.from(JSON.stringify(value), "utf8");
    expect(frame.readUInt32BE(0)).toBe(body.length);
    expect(body.length).toBeGreaterThan(JSON.stringify(value).length); // multi-byte characters count as bytes
    expect(frame.subarray(FRAME_HEADER_BYTES).equals(body)).toBe(true);
  });
});

describe("FrameDecoder", () => {
  it("decodes several frames arriving in one chunk, in order", () => {
    const decoder = new FrameDecoder(1 << 20);
    expect(decoder.push(allFrames())).toEqual(values);
  });

  it("decodes the same frames split at every byte boundary", () => {
    const bytes = allFrames();
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new FrameDecoder(1 << 20);
      const got = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(got, `split at byte ${cut}`).toEqual(values);
    }
  });

  it("decodes the same frames fed one byte at a time, each value as soon as its last byte arrives", () => {
    const bytes = allFrames();
    const ends: number[] = [];
    let offset = 0;
    for (const v of values) {
      offset += encodeFrame(v).length;
      ends.push(offset);
    }
    const decoder = new FrameDecoder(1 << 20);
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const out = decoder.push(bytes.subarray(i, i + 1));
      if (ends.includes(i + 1)) expect(out, `byte ${i + 1} completes a frame`).toHaveLength(1);
      else expect(out, `byte ${i + 1} completes nothing`).toEqual([]);
      got.push(...out);
    }
    expect(got).toEqual(values);
  });

  it("splits a multi-byte UTF-8 character across chunks without corrupting it", () => {
    const frame = encodeFrame("☃😀");
    const decoder = new FrameDecoder(1024);
    // cut inside the 4-byte emoji
    expect(decoder.push(frame.subarray(0, frame.length - 3))).toEqual([]);
    expect(decoder.push(frame.subarray(frame.length - 3))).toEqual(["☃😀"]);
  });

  it("accepts a frame exactly at the limit", () => {
    const frame = encodeFrame("a".repeat(98)); // "aaa…" with quotes: 100 bytes
    expect(frame.length - FRAME_HEADER_BYTES).toBe(100);
    expect(new FrameDecoder(100).push(frame)).toEqual(["a".repeat(98)]);
  });

  it("refuses an oversized frame as soon as its header arrives, naming the setting", () => {
    const decoder = new FrameDecoder(100);
    const err = thrown(() => decoder.push(header(101)));
    expect(isEvenniaError(err, "EV_ERR_LINK_FRAME")).toBe(true);
    expect(err.message).toContain("101");
    expect(err.message).toContain("linkMaxFrameBytes");
  });

  it("refuses a huge length prefix split across chunks without buffering the body", () => {
    const decoder = new FrameDecoder(1 << 20);
    const head = header(0xffffffff);
    expect(decoder.push(head.subarray(0, 2))).toEqual([]);
    const err = thrown(() => decoder.push(head.subarray(2)));
    expect(isEvenniaError(err, "EV_ERR_LINK_FRAME")).toBe(true);
    expect(err.message).toContain("linkMaxFrameBytes");
  });

  it("refuses a frame that is not JSON, and is unusable afterwards", () => {
    const decoder = new FrameDecoder(1024);
    const body = Buffer.from("{not json", "utf8");
    const err = thrown(() => decoder.push(Buffer.concat([header(body.length), body])));
    expect(isEvenniaError(err, "EV_ERR_LINK_FRAME")).toBe(true);
    expect(err.message).toMatch(/malformed link frame/);
    const again = thrown(() => decoder.push(encodeFrame(["fine"])));
    expect(isEvenniaError(again, "EV_ERR_LINK_FRAME")).toBe(true);
  });

  it("refuses an empty frame (zero bytes is not JSON)", () => {
    const decoder = new FrameDecoder(1024);
    expect(isEvenniaError(thrown(() => decoder.push(header(0))), "EV_ERR_LINK_FRAME")).toBe(true);
  });

  it("returns nothing for an empty chunk and keeps partial data", () => {
    const decoder = new FrameDecoder(1024);
    const frame = encodeFrame({ a: 1 });
    expect(decoder.push(frame.subarray(0, 3))).toEqual([]);
    expect(decoder.push(Buffer.alloc(0))).toEqual([]);
    expect(decoder.push(frame.subarray(3))).toEqual([{ a: 1 }]);
  });
});

describe("FrameDecoder on random chunk splits (fuzz)", () => {
  /** Frames of assorted sizes, some larger than a typical socket chunk. */
  function randomValues(random: () => number, count: number): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const size = random() < 0.1 ? Math.floor(random() * 200_000) : Math.floor(random() * 300);
      out.push({ t: "msg", sessid: i + 1, msgs: [["text", ["é☃".repeat(size % 50) + "x".repeat(size)], { n: i }]] });
    }
    return out;
  }

  it("gives back every value, in order, however the bytes are cut (500 seeded cases)", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const random = prng(seed);
      const sent = randomValues(random, 1 + Math.floor(random() * 12));
      const bytes = Buffer.concat(sent.map((v) => encodeFrame(v)));
      const decoder = new FrameDecoder(1 << 20);
      const got: unknown[] = [];
      let at = 0;
      while (at < bytes.length) {
        // mostly small cuts (down to one byte, splitting headers), sometimes large ones
        const step = random() < 0.7 ? 1 + Math.floor(random() * 8) : 1 + Math.floor(random() * 70_000);
        got.push(...decoder.push(bytes.subarray(at, at + step)));
        at += step;
      }
      expect(got, `seed ${seed}`).toEqual(sent);
    }
  });

  it("copies only frames that span chunks, each once, and never the bytes after a frame", () => {
    const small = [1, 2, 3].map((n) => ({ n, s: "y".repeat(100) }));
    const one = Buffer.concat(small.map((v) => encodeFrame(v)));
    const decoder = new FrameDecoder(1 << 20);
    expect(decoder.push(one)).toEqual(small);
    expect(decoder.copiedBytes).toBe(0);

    // one big frame arriving in 1,000 chunks, followed in the last chunk by the start of the next frame
    const big = { s: "z".repeat(100_000) };
    const bigFrame = encodeFrame(big);
    const next = encodeFrame({ after: true });
    const stream = Buffer.concat([bigFrame, next.subarray(0, 10)]);
    const step = Math.ceil(stream.length / 1000);
    const got: unknown[] = [];
    for (let at = 0; at < stream.length; at += step) got.push(...decoder.push(stream.subarray(at, at + step)));
    expect(got).toEqual([big]);
    expect(decoder.copiedBytes).toBe(bigFrame.length - FRAME_HEADER_BYTES);
    expect(decoder.push(next.subarray(10))).toEqual([{ after: true }]);
    expect(decoder.copiedBytes).toBe(bigFrame.length - FRAME_HEADER_BYTES + next.length - FRAME_HEADER_BYTES);
  });
});
