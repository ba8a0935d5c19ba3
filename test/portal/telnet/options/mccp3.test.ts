import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, IAC, SB, SE, WILL, bytes, openSession, settle, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const MCCP3 = 87;
const START = [IAC, SB, MCCP3, IAC, SE];
let s: OpenSession;
afterEach(() => s.cleanup());

/** A client-side deflate stream whose output goes to the socket, flushed per write. */
function compressor(s: OpenSession) {
  const deflate = zlib.createDeflate();
  deflate.on("data", (d: Buffer) => s.client.socket.write(d));
  return {
    write(data: Buffer | string) {
      deflate.write(data);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    },
    end: () => new Promise<void>((r) => deflate.end(r)),
  };
}

describe("MCCP3 option", () => {
  it("inflates client input after IAC SB MCCP3 IAC SE, including telnet commands", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp3: true } });
    await s.client.waitFor([[IAC, WILL, MCCP3]]);
    s.client.send([IAC, DO, MCCP3]);
    await waitUntil(() => s.rec.merged.mccp3 === true, "mccp3 flag");
    // the start marker and the first compressed bytes in ONE chunk
    const first = zlib.deflateSync(Buffer.from("look\r\n"), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    s.client.send(bytes("before\r\n", START), first);
    await waitUntil(() => s.rec.inputs.length >= 2, "two lines");
    expect(s.rec.inputs.slice(0, 2)).toEqual([
      ["text", ["before"], {}],
      ["text", ["look"], {}],
    ]);
  });

  it("keeps reading a long compressed stream, then plain input once it ends", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp3: true } });
    s.client.send([IAC, DO, MCCP3]);
    await waitUntil(() => s.rec.merged.mccp3 === true, "mccp3 flag");
    s.client.send(START);
    const z = compressor(s);
    z.write("north\r\n");
    z.write(bytes([IAC, WILL, 200], "south\r\n"));
    await waitUntil(() => s.rec.inputs.length >= 2, "two compressed lines");
    await s.client.waitFor([[IAC, DONT, 200]]);
    await z.end();
    await settle(50);
    s.client.send("plain\r\n");
    await waitUntil(() => s.rec.inputs.length >= 3, "plain line");
    expect(s.rec.inputs.map((m) => m[1][0])).toEqual(["north", "south", "plain"]);
  });

  it("reads plain input that follows the end of the compressed stream in the same chunk", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp3: true } });
    s.client.send([IAC, DO, MCCP3]);
    await waitUntil(() => s.rec.merged.mccp3 === true, "mccp3 flag");
    s.client.send(bytes(START, zlib.deflateSync("zipped\r\n"), "plain\r\n"));
    await waitUntil(() => s.rec.inputs.length >= 2, "two lines");
    expect(s.rec.inputs.map((m) => m[1][0])).toEqual(["zipped", "plain"]);
  });

  it("ignores a start marker the server did not agree to", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp3: true } });
    s.client.send(bytes(START, "clear\r\n"));
    await waitUntil(() => s.rec.inputs.length >= 1, "line");
    expect(s.rec.inputs[0]).toEqual(["text", ["clear"], {}]);
  });

  it("drops the connection on a corrupt compressed stream", async () => {
    s = await openSession({ telnetOptions: { all: false, mccp3: true } });
    s.client.send([IAC, DO, MCCP3]);
    await waitUntil(() => s.rec.merged.mccp3 === true, "mccp3 flag");
    s.client.send(START, Buffer.from("this is not zlib at all"));
    await waitUntil(() => s.rec.disconnects.length > 0, "dropped");
    expect(s.rec.disconnects[0]).toMatch(/decompression/);
  });

  it("is refused when turned off", async () => {
    s = await openSession({ telnetOptions: { all: false } });
    s.client.send([IAC, DO, MCCP3]);
    await s.client.waitFor([[IAC, 252, MCCP3]]);
    s.client.send(bytes(START, "x\r\n"));
    await waitUntil(() => s.rec.inputs.length >= 1, "line");
    expect(s.rec.inputs[0]).toEqual(["text", ["x"], {}]);
    expect(s.client.has([IAC, DONT, MCCP3])).toBe(false);
  });
});
