import { afterEach, describe, expect, it } from "vitest";
import { DO, DONT, IAC, WILL, openSession, subnegotiations, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const MSSP = 70;
let s: OpenSession;
afterEach(() => s.cleanup());

/** Parse an MSSP payload into name → values. */
function parseMssp(payload: Buffer): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let name = "";
  // eslint-disable-next-line no-control-regex -- MSSP_VAR and MSSP_VAL are control bytes
  for (const token of payload.toString("utf8").split(/(?=[\x01\x02])/)) {
    if (token[0] === "\x01") {
      name = token.slice(1);
      out[name] = [];
    } else if (token[0] === "\x02") {
      out[name]!.push(token.slice(1));
    }
  }
  return out;
}

describe("MSSP option", () => {
  it("offers WILL MSSP and sends the game's variables with defaults on DO", async () => {
    s = await openSession({
      telnetOptions: { all: false, mssp: true },
      msspData: () => ({ PLAYERS: "7", GENRE: "Fantasy", "GAMEPLAY": ["Adventure", "Roleplaying"] }),
    });
    await s.client.waitFor([[IAC, WILL, MSSP]]);
    s.client.send([IAC, DO, MSSP]);
    await waitUntil(() => subnegotiations(s.client.received, MSSP).length > 0, "MSSP data");
    const vars = parseMssp(subnegotiations(s.client.received, MSSP)[0]!);
    expect(vars.NAME).toEqual(["TestMUD"]);
    expect(vars.CODEBASE).toEqual(["evennia-ts"]);
    expect(vars.PLAYERS).toEqual(["7"]);
    expect(vars.PORT).toEqual([String(s.ts.port)]);
    expect(vars["CRAWL DELAY"]).toEqual(["-1"]);
    expect(Number(vars.UPTIME![0])).toBeGreaterThan(1_600_000_000);
    expect(vars.GAMEPLAY).toEqual(["Adventure", "Roleplaying"]);
    expect(vars.GENRE).toEqual(["Fantasy"]);
  });

  it("sends nothing to a client that refuses", async () => {
    s = await openSession({ telnetOptions: { all: false, mssp: true } });
    await s.client.waitFor([[IAC, WILL, MSSP]]);
    s.client.send([IAC, DONT, MSSP]);
    await s.client.roundTrip();
    expect(subnegotiations(s.client.received, MSSP)).toEqual([]);
  });
});
