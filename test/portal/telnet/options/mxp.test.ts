import { afterEach, describe, expect, it } from "vitest";
import { mxpAfterRender, mxpBeforeRender } from "../../../../evennia-ts/portal/telnet/options/mxp.ts";
import { DO, IAC, SB, SE, WILL, WONT, bytes, openSession, waitUntil, type OpenSession } from "../telnet-test-client.ts";

const MXP = 91;
let s: OpenSession;
afterEach(() => s.cleanup());

describe("MXP option", () => {
  it("is off by default: not offered, and refused", async () => {
    s = await openSession({});
    await s.client.roundTrip();
    expect(s.client.has([IAC, WILL, MXP])).toBe(false);
    s.client.send([IAC, DO, MXP]);
    await s.client.waitFor([[IAC, WONT, MXP]]);
    s.client.clear();
    s.session.send([["text", ["a <b> |lclook|ltLook|le"], {}]]);
    await s.client.waitFor("a <b>");
  });

  it("when enabled, starts MXP and converts links and special characters", async () => {
    s = await openSession({ telnetOptions: { all: false, mxp: true } });
    await s.client.waitFor([[IAC, WILL, MXP]]);
    s.client.send([IAC, DO, MXP]);
    await s.client.waitFor([[IAC, SB, MXP, IAC, SE]]);
    await waitUntil(() => s.rec.merged.mxp === true, "mxp flag");
    s.session.send([["text", ["Exits: |lcnorth|ltNorth|le & <more>"], {}]]);
    await s.client.waitFor(bytes('Exits: \x1b[4z<SEND HREF="north">North\x1b[4z</SEND> &amp; &lt;more&gt;\r\n'));
  });

  it("converts URL links and quotes in attributes, and keeps colour inside labels", async () => {
    expect(mxpAfterRender(mxpBeforeRender('|luhttps://x.org/?a="b"|ltsite|le'))).toBe(
      '\x1b[4z<A HREF="https://x.org/?a=&quot;b&quot;">site\x1b[4z</A>',
    );
    s = await openSession({ telnetOptions: { all: false, mxp: true } });
    s.client.send([IAC, DO, MXP]);
    await waitUntil(() => s.rec.merged.mxp === true, "mxp flag");
    s.session.send([["text", ["|lcsay a|b|lt|rRed|n|le\x1b[2J"], {}]]);
    await s.client.waitFor(bytes('\x1b[4z<SEND HREF="say a|b">\x1b[1;31mRed\x1b[0m\x1b[4z</SEND>\r\n'));
  });
});
