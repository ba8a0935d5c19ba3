/**
 * End to end through the real portal's web port: the server web app's protections
 * hold when the portal proxies to it. Helmet's headers reach the browser, CSRF is
 * still checked, the address the app sees is the browser's real one (the portal's
 * X-Forwarded-For is trusted, one the client sent is replaced), and the login
 * throttle counts that address, not the portal's 127.0.0.1 for everybody.
 * Clients connect from different loopback addresses (127.0.0.2, ...), which the
 * portal sees as different people.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { findAccount } from "../../evennia-ts/typeclasses/search.ts";
import { loggedInAs, PortalWebClient, until } from "./portal-web-client.ts";

/** Failed logins one address may make (lowered so the test is short). */
const ATTEMPTS_PER_IP = 3;

let game: InProcessGame;
let port: number;

beforeAll(async () => {
  game = await startInProcessGame({ loginAttemptsPerIp: ATTEMPTS_PER_IP, loginAttemptsPerAccount: 50 });
  port = game.status.webPort!;
  const probe = new PortalWebClient(port);
  await until(async () => (await probe.get("/")).status === 200, "the website through the portal");
  await (await game.server()!.web!.app()).context.services.createAccount("Tove", "right-password");
}, 30_000);

afterAll(async () => {
  await game?.stop();
});

it("helmet's security headers reach the browser through the proxy", async () => {
  const page = await new PortalWebClient(port).get("/");
  expect(page.status).toBe(200);
  expect(page.headers["content-type"]).toMatch(/^text\/html/);
  const csp = String(page.headers["content-security-policy"]);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(page.headers["x-frame-options"]).toBe("DENY");
  expect(page.headers["x-content-type-options"]).toBe("nosniff");
  expect(page.headers["referrer-policy"]).toBe("same-origin");
  expect(page.headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(page.headers["x-powered-by"]).toBeUndefined();
  // the session cookie keeps its flags through the proxy
  const login = new PortalWebClient(port);
  await login.get("/auth/login");
  const answer = await login.post("/auth/login", { username: "Tove", password: "right-password" });
  expect(answer.status).toBe(303);
  const cookie = answer.headers["set-cookie"]!.find((c) => c.startsWith("evennia_ts.sid="))!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
});

it("the webclient, which the portal serves itself, has a content-security policy and may not be framed", async () => {
  const page = await new PortalWebClient(port).get("/webclient/");
  expect(page.status).toBe(200);
  expect(page.body).toContain('id="output"');
  const csp = String(page.headers["content-security-policy"]);
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(page.headers["x-frame-options"]).toBe("DENY");
  expect(page.headers["x-content-type-options"]).toBe("nosniff");
  expect(page.headers["referrer-policy"]).toBe("same-origin");
});

it("CSRF holds through the proxy: a form without the token, or with another browser's, is refused and changes nothing", async () => {
  const browser = new PortalWebClient(port, "127.0.0.4");
  await browser.get("/auth/login");
  const noToken = await browser.post("/auth/login", { username: "Tove", password: "right-password" }, { withToken: false });
  expect(noToken.status).toBe(403);
  const other = new PortalWebClient(port, "127.0.0.4");
  await other.get("/auth/login");
  const stolen = await browser.request("POST", "/auth/login", {
    body: new URLSearchParams({ username: "Tove", password: "right-password", _csrf: other.csrfToken }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  expect(stolen.status).toBe(403);
  expect(loggedInAs((await browser.get("/")).body)).toBeNull();
  // with its own token it works
  await browser.get("/auth/login");
  expect((await browser.post("/auth/login", { username: "Tove", password: "right-password" })).status).toBe(303);
  expect(loggedInAs((await browser.get("/")).body)).toBe("Tove");
});

it("the app sees the browser's real address: the portal's X-Forwarded-For is trusted, one the client sent is replaced", async () => {
  const browser = new PortalWebClient(port, "127.0.0.5");
  await browser.get("/auth/register");
  const answer = await browser.post(
    "/auth/register",
    { username: "Ines", password: "secret-pass-1", password2: "secret-pass-1" },
    { headers: { "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9", forwarded: "for=203.0.113.9" } },
  );
  expect(answer.status, answer.body.slice(0, 300)).toBe(303);
  const creatorIp = await runInUnitOfWork(game.server()!.db, async () => (await findAccount("Ines"))!.db.creator_ip);
  expect(creatorIp).toBe("127.0.0.5");
});

it("the login throttle counts each browser's own address through the proxy, and a forged X-Forwarded-For does not escape it", async () => {
  const attacker = new PortalWebClient(port, "127.0.0.2");
  for (let i = 0; i < ATTEMPTS_PER_IP; i++) {
    await attacker.get("/auth/login");
    const failed = await attacker.post("/auth/login", { username: "Tove", password: `wrong-${i}` });
    expect(failed.status).toBe(400);
  }
  await attacker.get("/auth/login");
  const refused = await attacker.post("/auth/login", { username: "Tove", password: "right-password" });
  expect(refused.status).toBe(429);
  // pretending to be someone else does not help: the portal replaces the header
  await attacker.get("/auth/login");
  const spoofed = await attacker.post("/auth/login", { username: "Tove", password: "right-password" }, { headers: { "x-forwarded-for": "198.51.100.7" } });
  expect(spoofed.status).toBe(429);
  // another address is not affected (were everyone 127.0.0.1 to the app, this would be refused too)
  const neighbour = new PortalWebClient(port, "127.0.0.3");
  await neighbour.get("/auth/login");
  expect((await neighbour.post("/auth/login", { username: "Tove", password: "right-password" })).status).toBe(303);
  expect(loggedInAs((await neighbour.get("/")).body)).toBe("Tove");
});
