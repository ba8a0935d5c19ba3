import { afterEach, describe, expect, it } from "vitest";
import { parseEnvironList } from "../../../../evennia-ts/portal/telnet/options/new-environ.ts";
import { DO, IAC, SB, SE, WILL, bytes, openSession, subnegotiations, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const NEW_ENVIRON = 39;
const VAR = 0, VALUE = 1, ESC = 2, USERVAR = 3;
const IS = 0, INFO = 2;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("NEW-ENVIRON option (MNES)", () => {
  it("asks for the MNES variables and reports what the client tells", async () => {
    s = await openSession({ telnetOptions: { all: false, newEnviron: true } });
    await s.client.waitFor([[IAC, DO, NEW_ENVIRON]]);
    s.client.send([IAC, WILL, NEW_ENVIRON]);
    await waitUntil(() => subnegotiations(s.client.received, NEW_ENVIRON).length > 0, "SEND");
    const send = subnegotiations(s.client.received, NEW_ENVIRON)[0]!;
    expect(send[0]).toBe(1);
    const asked = send.subarray(1).toString("latin1").split("\0").filter(Boolean);
    expect(asked).toEqual(["CLIENT_NAME", "CLIENT_VERSION", "CHARSET", "MTTS", "TERMINAL_TYPE"]);
    s.client.send(
      bytes(
        [IAC, SB, NEW_ENVIRON, IS],
        [VAR], "CLIENT_NAME", [VALUE], "Mudlet",
        [VAR], "CLIENT_VERSION", [VALUE], "4.17",
        [VAR], "CHARSET", [VALUE], "UTF-8",
        [VAR], "MTTS", [VALUE], "265",
        [USERVAR], "IPADDRESS", [VALUE], "1.2.3.4",
        [IAC, SE],
      ),
    );
    await waitUntil(() => s.rec.merged.client_name === "Mudlet", "client name");
    expect(s.rec.merged).toMatchObject({ client_version: "4.17", "utf-8": true, mtts: 265, ansi: true, xterm256: true, truecolor: true, mnes: false });
    s.client.send(bytes([IAC, SB, NEW_ENVIRON, INFO], [VAR], "CLIENT_VERSION", [VALUE], "4.18", [IAC, SE]));
    await waitUntil(() => s.rec.merged.client_version === "4.18", "INFO update");
  });

  it("parses ESC-quoted bytes and variables without a value", () => {
    const vars = parseEnvironList(bytes([VAR], "A", [ESC, VAR], "B", [VALUE], "x", [ESC, ESC], "y", [VAR], "EMPTY", [USERVAR], "U", [VALUE], "v"));
    expect([...vars]).toEqual([
      ["A\0B", "x\x02y"],
      ["EMPTY", null],
      ["U", "v"],
    ]);
  });
});
