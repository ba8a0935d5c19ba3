import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MAX_COOKIE_VALUE, readCookie } from "../../../evennia-ts/portal/web/web-session-cookie.ts";
import { startInProcessGame, type InProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";

describe("readCookie", () => {
  it("finds the named cookie among others, as it arrived", () => {
    expect(readCookie("a=1; evennia_ts.sid=s%3Aabc.def; b=2", "evennia_ts.sid")).toBe("s%3Aabc.def");
    expect(readCookie(["a=1", "evennia_ts.sid=v"], "evennia_ts.sid")).toBe("v");
    expect(readCookie('evennia_ts.sid="quoted"', "evennia_ts.sid")).toBe("quoted");
    expect(readCookie("xevennia_ts.sid=no; evennia_ts.sidx=no", "evennia_ts.sid")).toBeUndefined();
  });

  it("ignores absent, empty, malformed and oversized values", () => {
    expect(readCookie(undefined, "s")).toBeUndefined();
    expect(readCookie("s=", "s")).toBeUndefined();
    expect(readCookie("s=a b", "s")).toBeUndefined();
    expect(readCookie("s=a\u0000b", "s")).toBeUndefined();
    expect(readCookie("s=\u00e9", "s")).toBeUndefined();
    expect(readCookie(`s=${"x".repeat(MAX_COOKIE_VALUE + 1)}`, "s")).toBeUndefined();
    expect(readCookie(`s=${"x".repeat(MAX_COOKIE_VALUE)}`, "s")).toHaveLength(MAX_COOKIE_VALUE);
  });

  it("reads a bounded part of a hostile header", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `c${i}=1`).join("; ");
    expect(readCookie(`${many}; s=late`, "s")).toBeUndefined();
    expect(readCookie(`${"x".repeat(1_000_000)}; s=late`, "s")).toBeUndefined();
  });
});

describe("the websocket passes the website session on connect", () => {
  let game: InProcessGame | null = null;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await game?.stop();
    game = null;
  });

  function open(port: number, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
      sockets.push(ws);
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
  }

  it("from the upgrade request's Cookie header, unless another site's page opened it", async () => {
    game = await startInProcessGame({ webSessionCookie: "site.sid" });
    const port = game.status.webPort!;
    await open(port, { cookie: "site.sid=s%3Agood.sig" });
    await open(port, { cookie: "site.sid=s%3Aevil.sig", origin: "http://evil.example" });
    await open(port, { cookie: "site.sid=s%3Asame.sig", origin: `http://127.0.0.1:${port}` });
    await open(port, { cookie: "evennia_ts.sid=s%3Awrongname" });
    const deadline = Date.now() + 5000;
    while (game.portal.sessions.count < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seen = game.portal.sessions.all().map((s) => s.snapshot().webSession);
    expect(seen).toEqual(["s%3Agood.sig", undefined, "s%3Asame.sig", undefined]);
  });
});
