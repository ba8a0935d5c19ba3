/**
 * The server's web app over real HTTP (a portal-less server on SQLite; the session
 * store on both databases is in session-store.test.ts and web-session-restart.test.ts):
 * security headers, CSRF, session cookies, Basic auth through the shared throttle,
 * body limits, static files (ETag once, 304, overrides, traversal), templates
 * (override, extending the framework's, auto-escaping), the game's web/urls.ts,
 * error pages.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatabaseSessionStore } from "../../evennia-ts/web/session-store.ts";
import { setLogLevel, setLogSink, type LogLevel } from "../../evennia-ts/utils/logger.ts";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import type { WebServices } from "../../evennia-ts/web/web-context.ts";
import { addProbeWebFiles } from "./probe-game.ts";
import { basicAuth, csrfTokenIn, rawRequest, WebTestClient } from "./web-test-client.ts";

let t: WebTestServer;
let services: WebServices;

beforeAll(async () => {
  t = await startWebTestServer("sqlite", { prepare: addProbeWebFiles, settings: { webMaxBodyBytes: 2048 } });
  services = (await t.server.web!.app()).context.services;
  await services.createAccount("Root", "root-password"); // the first account: superuser
  await services.createAccount("Anna", "anna-password");
  await services.createAccount("Bob", "bob-password");
  await services.createAccount("Carl", "carl-password");
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

/** A client logged in as `name` through the probe login route (CSRF token from the probe form). */
async function loggedIn(name: string, password: string): Promise<WebTestClient> {
  const client = new WebTestClient(t.url);
  const token = csrfTokenIn((await client.get("/probe/form")).body);
  const answer = await client.postForm("/probe/login", { _csrf: token, username: name, password });
  expect(answer.status).toBe(200);
  return client;
}

describe("security headers", () => {
  it("sends a content-security policy without inline scripts or other origins, nosniff and no framing", async () => {
    const answer = await new WebTestClient(t.url).get("/probe/form");
    const csp = answer.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/https?:\/\//);
    // plain HTTP: no upgrade of every request to https (it would break the site)
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
    expect(answer.headers.get("x-powered-by")).toBeNull();
    // the same on an API answer and an error page
    for (const path of ["/api/nothing-here", "/nothing-here"]) {
      const other = await new WebTestClient(t.url).get(path);
      expect(other.headers.get("content-security-policy")).toBe(csp);
    }
  });

  it("pages carry no inline script or style", async () => {
    const client = await loggedIn("Root", "root-password");
    for (const path of ["/probe/form", "/nothing-here", "/probe/boom"]) {
      const { body } = await client.get(path);
      expect(body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
      expect(body).not.toMatch(/\sstyle=|<style/i);
      expect(body).not.toMatch(/\son[a-z]+=/i);
    }
  });
});

describe("sessions and CSRF", () => {
  it("sets the session cookie HttpOnly, SameSite=Lax, not Secure over plain HTTP, under the configured name", async () => {
    const client = new WebTestClient(t.url);
    const { setCookies } = await client.get("/probe/form");
    const cookie = setCookies.find((c) => c.startsWith(`${t.server.settings.webSessionCookie}=`));
    expect(cookie, setCookies.join("\n")).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
  });

  it("does not start a session for a visitor on a page without a form", async () => {
    const { setCookies } = await new WebTestClient(t.url).get("/nothing-here");
    expect(setCookies).toEqual([]);
  });

  it("refuses a form POST without a token, with a wrong token, and with another browser's token", async () => {
    const client = new WebTestClient(t.url);
    const token = csrfTokenIn((await client.get("/probe/form")).body);
    const missing = await client.postForm("/probe/form", { value: "x" });
    expect(missing.status).toBe(403);
    expect(missing.body).toContain("security token");
    const wrong = await client.postForm("/probe/form", { value: "x", _csrf: `${token.slice(0, -2)}zz` });
    expect(wrong.status).toBe(403);
    const other = new WebTestClient(t.url);
    const otherToken = csrfTokenIn((await other.get("/probe/form")).body);
    expect(otherToken).not.toBe(token);
    expect((await client.postForm("/probe/form", { value: "x", _csrf: otherToken })).status).toBe(403);
    // and an API caller gets JSON
    const apiStyle = await client.postForm("/probe/form", { value: "x" }, { accept: "application/json" });
    expect(apiStyle.status).toBe(403);
    expect(JSON.parse(apiStyle.body)).toEqual({ error: expect.stringContaining("security token") });
  });

  it("accepts the form with its token (field or X-CSRF-Token header)", async () => {
    const client = new WebTestClient(t.url);
    const token = csrfTokenIn((await client.get("/probe/form")).body);
    const ok = await client.postForm("/probe/form", { value: "hello", _csrf: token });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: "hello" });
    const byHeader = await client.postForm("/probe/form", { value: "again" }, { "x-csrf-token": token });
    expect(JSON.parse(byHeader.body)).toEqual({ ok: true, value: "again" });
  });

  it("logs in with a new session id (no fixation), knows the account, and logs out", async () => {
    const client = new WebTestClient(t.url);
    const cookieName = t.server.settings.webSessionCookie;
    const token = csrfTokenIn((await client.get("/probe/form")).body);
    const before = client.cookies.get(cookieName);
    expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: null });
    const login = await client.postForm("/probe/login", { _csrf: token, username: "Anna", password: "anna-password" });
    expect(login.status).toBe(200);
    expect(client.cookies.get(cookieName)).not.toBe(before);
    expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: "Anna" });
    // the page shows who is logged in, and the logout form carries a token
    const page = await client.get("/probe/form");
    expect(page.body).toContain("Anna");
    const newToken = csrfTokenIn(page.body);
    const logout = await client.postForm("/probe/logout", { _csrf: newToken });
    expect(logout.status).toBe(200);
    expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: null });
    // the old cookie no longer names a logged-in session
    const replay = new WebTestClient(t.url);
    replay.cookies.set(cookieName, before!);
    expect(JSON.parse((await replay.get("/probe/whoami")).body)).toEqual({ account: null });
  });

  it("stores the session before a redirect goes out, so a fast browser never loses the flash message", async () => {
    const client = new WebTestClient(t.url);
    const token = csrfTokenIn((await client.get("/probe/form")).body);
    // a slow store: without waiting for it, the 303 would reach the browser before the flash is stored
    let stored = false;
    const original = DatabaseSessionStore.prototype.set;
    const spy = vi.spyOn(DatabaseSessionStore.prototype, "set").mockImplementation(function (this: DatabaseSessionStore, sid, data, callback) {
      setTimeout(() => original.call(this, sid, data, (err?: unknown) => ((stored = true), callback?.(err))), 300);
    });
    try {
      // fetch resolves as soon as the status line and headers arrive
      const answer = await fetch(t.url + "/probe/flash", {
        method: "POST",
        redirect: "manual",
        headers: { cookie: client.cookieHeader(), "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
        body: new URLSearchParams({ _csrf: token, value: "hello" }).toString(),
      });
      expect(answer.status).toBe(303);
      expect(stored).toBe(true);
      await answer.text();
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse((await client.get("/probe/flashed")).body)).toEqual({ flash: ["flashed hello"] });
  });

  it("ignores a forged or tampered session cookie", async () => {
    const client = await loggedIn("Anna", "anna-password");
    const cookieName = t.server.settings.webSessionCookie;
    const real = client.cookies.get(cookieName)!;
    const forged = new WebTestClient(t.url);
    forged.cookies.set(cookieName, real.replace(/.(%2E|\.)/i, (m) => (m[0] === "a" ? "b" : "a") + m.slice(1)));
    expect(JSON.parse((await forged.get("/probe/whoami")).body)).toEqual({ account: null });
    forged.cookies.set(cookieName, "s%3Anot-a-session.bad-signature");
    expect(JSON.parse((await forged.get("/probe/whoami")).body)).toEqual({ account: null });
  });

  it("sends visitors to the login page from a members-only page, and refuses non-admins an admin page", async () => {
    const visitor = await new WebTestClient(t.url).get("/probe/members");
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toBe("/auth/login?next=%2Fprobe%2Fmembers");
    const anna = await loggedIn("Anna", "anna-password");
    expect((await anna.get("/probe/members")).status).toBe(200);
    const refused = await anna.get("/probe/admin-only");
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("Admin permission");
    const root = await loggedIn("Root", "root-password");
    expect((await root.get("/probe/admin-only")).status).toBe(200);
    // the Admin link is in the nav for the superuser only
    expect((await root.get("/probe/form")).body).toContain(`href="/admin"`);
    expect((await anna.get("/probe/form")).body).not.toContain(`href="/admin"`);
  });
});

describe("who did what", () => {
  it("logs a change made through the web with the account that made it and its address", async () => {
    const lines: string[] = [];
    const previous = setLogSink((_level, line) => lines.push(line));
    setLogLevel("info");
    try {
      const client = await loggedIn("Anna", "anna-password");
      const token = csrfTokenIn((await client.get("/probe/form")).body);
      expect((await client.postForm("/probe/form", { _csrf: token, value: "x" })).status).toBe(200);
    } finally {
      setLogSink(previous);
      setLogLevel((process.env.EVENNIA_LOG_LEVEL as LogLevel | undefined) ?? "info");
    }
    expect(lines.some((l) => l.includes("[web-audit]") && l.includes(`Anna(#`) && l.includes("127.0.0.1") && l.includes("posted the probe form"))).toBe(true);
  });

  it("treats a banned account's website session as logged out, and refuses its Basic login", async () => {
    const client = await loggedIn("Carl", "carl-password");
    expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: "Carl" });
    await services.runInUnit(() => services.bans.add({ name: "Carl" }, "testing"));
    try {
      expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: null });
      expect((await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Carl", "carl-password") })).status).toBe(403);
    } finally {
      const bans = await services.bans.list();
      await services.runInUnit(() => services.bans.remove(bans.findIndex((b) => b.name === "carl") + 1));
    }
    expect(JSON.parse((await client.get("/probe/whoami")).body)).toEqual({ account: "Carl" });
  });
});

describe("HTTP Basic authentication", () => {
  it("authenticates an API request with the right password", async () => {
    const answer = await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Anna", "anna-password"), accept: "application/json" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ account: "Anna" });
    // Basic sets no session
    expect(answer.setCookies).toEqual([]);
  });

  it("refuses a wrong password with 401 and counts it in the shared login throttle, then refuses with 429", async () => {
    const wrong = await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Bob", "nope"), accept: "application/json" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    // the throttle telnet logins use (the same object: its admin view lists the failure)
    const rows = services.throttles.admin.list();
    expect(rows.some((r) => r.key.toLowerCase().includes("bob") && r.count === 1)).toBe(true);
    const perAccount = t.server.settings.loginAttemptsPerAccount;
    for (let i = 1; i < perAccount; i++) {
      expect((await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Bob", `nope${i}`) })).status).toBe(401);
    }
    // now even the right password is refused for this account from this address
    const throttled = await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Bob", "bob-password"), accept: "application/json" });
    expect(throttled.status).toBe(429);
    expect(JSON.parse(throttled.body).error).toEqual({ code: "too_many_requests", message: expect.any(String) });
    // another account from the same address is not refused
    expect((await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Anna", "anna-password") })).status).toBe(200);
  });

  it("answers 401 to an unknown account and a malformed header is treated as no credentials", async () => {
    expect((await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: basicAuth("Nobody", "x") })).status).toBe(401);
    const malformed = await new WebTestClient(t.url).get("/api/probe/whoami", { authorization: "Basic !!!" });
    expect(malformed.status).toBe(200);
    expect(JSON.parse(malformed.body)).toEqual({ account: null });
  });
});

describe("request bodies", () => {
  it("refuses an oversized body with 413 (JSON under /api, HTML elsewhere) and keeps serving", async () => {
    const client = new WebTestClient(t.url);
    const big = JSON.stringify({ text: "x".repeat(4096) });
    const api = await client.request("POST", "/api/probe/echo", { body: big, headers: { "content-type": "application/json", accept: "application/json" } });
    expect(api.status).toBe(413);
    expect(JSON.parse(api.body).error).toEqual({ code: "payload_too_large", message: expect.stringContaining("2048 bytes") });
    const form = await client.postForm("/probe/big", { text: "y".repeat(4096) });
    expect(form.status).toBe(413);
    expect(form.headers.get("content-type")).toMatch(/text\/html/);
    expect(form.body).toContain("2048 bytes");
    const small = await client.request("POST", "/api/probe/echo", { body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json" } });
    expect(JSON.parse(small.body)).toEqual({ got: { a: 1 } });
  });

  it("a game's API route changed with the login cookie needs a same-site Origin or the CSRF token, as the framework's do", async () => {
    const client = await loggedIn("Bob", "bob-password");
    const post = (headers: Record<string, string>) =>
      client.request("POST", "/api/probe/echo", { body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json", ...headers } });
    // a page on another site posting with the visitor's cookie
    const crossSite = await post({ origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).error.code).toBe("forbidden");
    // no Origin and no token (an old browser, a form on another site)
    expect((await post({})).status).toBe(403);
    const sameSite = await post({ origin: new URL(t.url).origin });
    expect(JSON.parse(sameSite.body)).toEqual({ got: { a: 1 } });
    const token = csrfTokenIn((await client.get("/probe/form")).body);
    expect(JSON.parse((await post({ "x-csrf-token": token })).body)).toEqual({ got: { a: 1 } });
    // reading needs nothing; HTTP Basic is not a browser's to add on its own
    expect(JSON.parse((await client.get("/api/probe/whoami")).body)).toEqual({ account: "Bob" });
    const basic = await new WebTestClient(t.url).request("POST", "/api/probe/echo", {
      body: JSON.stringify({ b: 2 }),
      headers: { "content-type": "application/json", authorization: basicAuth("Carl", "carl-password") },
    });
    expect(JSON.parse(basic.body)).toEqual({ got: { b: 2 } });
  });

  it("answers malformed JSON with 400", async () => {
    const bad = await new WebTestClient(t.url).request("POST", "/api/probe/echo", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe("bad_json");
  });
});

describe("static files", () => {
  it("computes a file's ETag once, then answers 304 to If-None-Match and If-Modified-Since", async () => {
    const files = (await t.server.web!.app()).staticFiles;
    const client = new WebTestClient(t.url);
    const hashesBefore = files.hashes;
    const first = await client.get("/static/game/logo.svg");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/svg+xml");
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(lastModified).toMatch(/GMT$/);
    const hashesAfterFirst = files.hashes;
    expect(hashesAfterFirst).toBe(hashesBefore + 1);
    const again = await client.get("/static/game/logo.svg");
    expect(again.status).toBe(200);
    expect(again.headers.get("etag")).toBe(etag);
    expect((await client.get("/static/game/logo.svg", { "if-none-match": etag })).status).toBe(304);
    expect((await client.get("/static/game/logo.svg", { "if-modified-since": lastModified })).status).toBe(304);
    expect((await client.get("/static/game/logo.svg", { "if-none-match": '"something-else"' })).status).toBe(200);
    expect(files.hashes).toBe(hashesAfterFirst);
  });

  it("serves the game's file in place of the framework's, and the framework's where the game has none", async () => {
    const client = new WebTestClient(t.url);
    const css = await client.get("/static/website/site.css");
    expect(css.status).toBe(200);
    expect(css.body).toContain("the probe game's own stylesheet");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  });

  it.each([
    "/static/../package.json",
    "/static/%2e%2e/package.json",
    "/static/%2E%2E%2Fpackage.json",
    "/static/website/..%2F..%2F..%2Fpackage.json",
    "/static//etc/passwd",
    "/static/%2Fetc%2Fpasswd",
    "/static/..%5C..%5Cpackage.json",
    "/static/website/site.css%00.png",
    "/static/%E0%A4%A",
  ])("refuses the traversal attempt %s", async (path) => {
    const cached = (await t.server.web!.app()).staticFiles.cachedFiles;
    const answer = await rawRequest(t.url, path);
    // a miss is not remembered (made-up paths must not grow the cache)
    expect((await t.server.web!.app()).staticFiles.cachedFiles).toBe(cached);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('"name": "evennia-ts"');
    expect(answer.body).not.toContain("root:x:0:0");
  });
});

describe("templates and the game's web module", () => {
  it("serves the game's route, renders its template inside the (game-extended) layout, escaping what it shows", async () => {
    const page = await new WebTestClient(t.url).get(`/probe/form?shout=${encodeURIComponent("<script>alert(1)</script>")}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.body).not.toContain("<script>alert(1)");
    expect(page.body).toContain("<title>Probe form</title>");
    // the framework's layout (nav) with the game's footer block
    expect(page.body).toContain(`href="/webclient"`);
    expect(page.body).toContain("Probe game footer");
    expect(page.body).toContain("TestGame");
  });

  it("uses the game's 404 template, which extends the framework's and changes its title only", async () => {
    const page = await new WebTestClient(t.url).get("/no/such/page");
    expect(page.status).toBe(404);
    expect(page.body).toContain("<title>Lost in the probe game</title>");
    expect(page.body).toContain("There is no page at <code>/no/such/page</code>");
    expect(page.body).toContain("Probe game footer");
  });

  it("answers 404 in JSON under /api", async () => {
    const answer = await new WebTestClient(t.url).get("/api/no/such/thing", { accept: "application/json" });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "not_found", message: "no API resource at /api/no/such/thing" } });
  });

  it("answers a failing page with the 500 page and an error id, without the error's text", async () => {
    const page = await new WebTestClient(t.url).get("/probe/boom");
    expect(page.status).toBe(500);
    expect(page.body).toMatch(/logged as <code>[0-9a-f]{8}<\/code>/);
    expect(page.body).not.toContain("the probe page broke");
  });

  it("refuses template names that leave the template folders", async () => {
    const templates = (await t.server.web!.app()).templates;
    for (const name of ["../package.json", "/etc/passwd", "evennia:../../package.json", "..\\..\\package.json"]) {
      await expect(templates.render(name, {})).rejects.toThrow(/ENOENT|Failed to lookup/);
    }
  });
});
