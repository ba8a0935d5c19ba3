/**
 * The web side under a hostile visitor: a malformed path on the REST API, other
 * spellings of a static file's path, session rows for visitors who get no cookie,
 * logins that outlive a password change (website, admin, in game, the webclient's
 * auto-login), HTTP Basic names with spaces around them or given by an alias of a
 * banned account, an admin rename past the name rules, and webclients (websocket
 * and comet) flooding `client_options` with new names.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PortalWebServer } from "../../evennia-ts/portal/websocket/portal-web-server.ts";
import { WEBSOCKET_INITIAL_CLIENT_OPTIONS } from "../../evennia-ts/portal/websocket/websocket-session.ts";
import { findAccount } from "../../evennia-ts/typeclasses/search.ts";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { PASSWORD, startAdminWorld, type AdminWorld } from "./admin-fixture.ts";
import { basicAuth, csrfTokenIn, rawRequest, WebTestClient } from "./web-test-client.ts";
import { WebsiteClient } from "./website-client.ts";
import { RecordingRegistry, settle, waitUntil } from "../portal/telnet/telnet-test-client.ts";
import { cometPost } from "../portal/web/comet-test-client.ts";
import { WsTestClient } from "../portal/websocket/ws-test-client.ts";

if (!dialectAvailable("postgres")) printPostgresSkipNotice();

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`web app against hostile requests [${dialect}]`, () => {
    let w: AdminWorld;
    let nextAddress = 1;
    /** A browser from an address of its own (the login throttle counts per address). */
    const browser = () => new WebsiteClient(w.web.url, `10.9.0.${nextAddress++}`);

    /** A browser logged in to account `name` on the website. */
    async function loggedIn(name: string, password = PASSWORD): Promise<WebsiteClient> {
      const b = browser();
      const res = await b.submit("/auth/login", { username: name, password });
      expect(res.status, res.body).toBe(303);
      expect((await b.get("/characters/")).status).toBe(200);
      return b;
    }

    beforeAll(async () => {
      w = await startAdminWorld(dialect);
    });
    afterAll(async () => {
      await w?.stop();
    });

    it("answers an API path with a malformed %-escape 400 in the API's JSON, not 500", async () => {
      const res = await fetch(`${w.web.url}/api/objects/%ZZ`, { headers: { authorization: basicAuth("root", PASSWORD) } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("bad_request");
      expect(body.error.message).toContain("%ZZ");
      // the website answers the same mistake 400 too
      expect((await rawRequest(w.web.url, "/characters/%E0%A4%A/")).status).toBe(400);
    });

    it("spellings of a static file's path (doubled or trailing slashes) are 404, and do not grow the file cache", async () => {
      const staticFiles = (await w.web.server.web!.app()).staticFiles;
      expect((await rawRequest(w.web.url, "/static/website/site.css")).status).toBe(200);
      const known = staticFiles.cachedFiles;
      for (let n = 2; n < 40; n++) {
        expect((await rawRequest(w.web.url, `/static/website${"/".repeat(n)}site.css`)).status).toBe(404);
      }
      for (const path of ["/static/website/site.css/", "/static//website/site.css", "/static/website/site.css%2F", "/static/website%2F%2Fsite.css"]) {
        expect((await rawRequest(w.web.url, path)).status, path).toBe(404);
      }
      expect(staticFiles.cachedFiles).toBe(known);
    });

    it("HTTP Basic: spaces around the account name do not give more login attempts than the throttle allows", async () => {
      await w.services.createAccount("guessme", PASSWORD);
      /** A Basic-authenticated API call from one address (the portal's X-Forwarded-For). */
      const attempt = async (name: string, password: string) =>
        (await fetch(`${w.web.url}/api/`, { headers: { authorization: basicAuth(name, password), "x-forwarded-for": "10.8.0.1" } })).status;
      // loginAttemptsPerAccount (5) wrong passwords for the account from this address
      for (let i = 0; i < 5; i++) expect(await attempt("guessme", "wrong")).toBe(401);
      expect(await attempt("guessme", "wrong")).toBe(429);
      // the same account spelled with spaces (which logs in as it) is the same account to the throttle
      for (const variant of [" guessme", "guessme ", "\tguessme", "GUESSME  "]) expect(await attempt(variant, "wrong"), JSON.stringify(variant)).toBe(429);
    });

    it("a banned account stays out when it logs in by an alias of its name (HTTP Basic, the login form)", async () => {
      const banned = await w.services.createAccount("troublemaker", PASSWORD);
      await w.services.runInUnit(async () => {
        banned.aliases.add("tm");
      });
      const call = async (name: string) => (await fetch(`${w.web.url}/api/`, { headers: { authorization: basicAuth(name, PASSWORD), "x-forwarded-for": "10.8.0.2" } })).status;
      expect(await call("tm")).toBe(200);
      await w.services.bans.add({ name: "troublemaker" }, "testing");
      expect(await call("troublemaker")).toBe(403);
      expect(await call("tm")).toBe(403);
      // the login form says so too, rather than "logged in" and then treating the browser as a visitor
      const b = browser();
      const res = await b.submit("/auth/login", { username: "tm", password: PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body).toContain("banned");
    });

    it("the admin's rename of an account keeps the account name rules (no markup, control characters or one-letter names)", async () => {
      const account = await w.services.createAccount("renamed", PASSWORD);
      for (const name of ["|rred|n", "esc\u001b[2Jape", "x", "<b>bold</b>"]) {
        const { post } = await w.asRoot.submit(`/admin/accounts/${account.id}`, `/admin/accounts/${account.id}/name`, { key: name });
        expect(post.status, name).toBe(400);
        expect(post.text).toContain("A name must be");
      }
      expect(account.key).toBe("renamed");
      const { post } = await w.asRoot.submit(`/admin/accounts/${account.id}`, `/admin/accounts/${account.id}/name`, { key: "  renamed  twice " });
      expect(post.status, post.text).toBe(303);
      expect(account.key).toBe("renamed twice");
    });

    it("a visitor sent to the login page leaves no session row behind (it gets no cookie to use one with)", async () => {
      const rows = async () => Number((await w.services.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM web_sessions"))[0]!.n);
      const before = await rows();
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${w.web.url}/characters/`, { redirect: "manual", headers: { "x-forwarded-for": "10.7.0.1" } });
        expect(res.status).toBe(302);
        expect(res.headers.getSetCookie()).toEqual([]);
      }
      expect(await rows()).toBe(before);
      // a redirect that carries something (a login and its flash) is still stored before it leaves
      await w.services.createAccount("redirected", PASSWORD);
      const b = browser();
      const login = await b.submit("/auth/login", { username: "redirected", password: PASSWORD, next: "/characters/" });
      expect(login.location).toBe("/characters/");
      expect((await b.get("/characters/")).body).toContain("You are logged in as redirected");
    });

    it("a password changed on the website ends the account's other logins, not the one that changed it", async () => {
      await w.services.createAccount("webchanger", PASSWORD);
      const mine = await loggedIn("webchanger");
      const stolen = await loggedIn("webchanger");
      const res = await mine.submit("/auth/password-change", { old_password: PASSWORD, new_password: "a new password 1", new_password2: "a new password 1" });
      expect(res.status, res.body).toBe(303);
      expect((await mine.get("/characters/")).status).toBe(200);
      const after = await stolen.get("/characters/");
      expect(after.status).toBe(302);
      expect(after.location).toBe("/auth/login?next=%2Fcharacters%2F");
      // the new password logs in
      await loggedIn("webchanger", "a new password 1");
    });

    it("guessing the current password on the password change counts as failed logins (a stolen session gets no unlimited tries)", async () => {
      await w.services.createAccount("guessed", PASSWORD);
      const thief = await loggedIn("guessed");
      for (let i = 0; i < 5; i++) {
        const wrong = await thief.submit("/auth/password-change", { old_password: `guess ${i}`, new_password: "taken over 123", new_password2: "taken over 123" });
        expect(wrong.status).toBe(400);
      }
      const right = await thief.submit("/auth/password-change", { old_password: PASSWORD, new_password: "taken over 123", new_password2: "taken over 123" });
      expect(right.status).toBe(429);
      expect(right.body).toContain("Too many failed login attempts");
      expect(await w.services.runInUnit(async () => (await findAccount("guessed"))!.checkPassword(PASSWORD))).toBe(true);
    });

    it("a password an admin sets ends the account's website logins; an admin setting their own stays logged in", async () => {
      await w.services.createAccount("adminreset", PASSWORD);
      const victim = await w.services.runInUnit(async () => findAccount("adminreset"));
      const session = await loggedIn("adminreset");
      const { post } = await w.asRoot.submit(`/admin/accounts/${victim!.id}`, `/admin/accounts/${victim!.id}/password`, { password: "reset by root 1", password2: "reset by root 1" });
      expect(post.status, post.text).toBe(303);
      expect((await session.get("/characters/")).status).toBe(302);

      await w.services.createAccount("selfadmin", PASSWORD);
      const selfAdmin = (await w.services.runInUnit(async () => findAccount("selfadmin")))!;
      await w.services.runInUnit(async () => {
        selfAdmin.permissions.add("Admin");
      });
      const admin = await loggedIn("selfadmin");
      const other = await loggedIn("selfadmin");
      await admin.get(`/admin/accounts/${selfAdmin.id}`);
      const own = await admin.post(`/admin/accounts/${selfAdmin.id}/password`, { password: "my own new pass", password2: "my own new pass" });
      expect(own.status, own.body).toBe(303);
      expect((await admin.get(`/admin/accounts/${selfAdmin.id}`)).status).toBe(200);
      expect((await other.get("/characters/")).status).toBe(302);
    });

    it("an admin changing their own password through the API with the website session stays logged in there", async () => {
      const me = await w.services.createAccount("apiself", PASSWORD);
      await w.services.runInUnit(async () => {
        me.permissions.add("Admin");
      });
      const b = new WebTestClient(w.web.url);
      const address = { "x-forwarded-for": "10.9.1.2" };
      const form = await b.get("/auth/login", address);
      expect((await b.postForm("/auth/login", { username: "apiself", password: PASSWORD, _csrf: csrfTokenIn(form.body) }, address)).status).toBe(303);
      const patch = await b.request("PATCH", `/api/accounts/${me.id}`, {
        body: JSON.stringify({ password: "changed by api 1" }),
        headers: { ...address, "content-type": "application/json", accept: "application/json", origin: new URL(w.web.url).origin },
      });
      expect(patch.status, patch.body).toBe(200);
      expect((await b.get("/characters/", address)).status).toBe(200);
    });

    it("a password changed in game ends the website logins and the webclient's auto-login from them", async () => {
      const account = await w.services.createAccount("gamechanger", PASSWORD);
      const b = new WebTestClient(w.web.url);
      const form = await b.get("/auth/login", { "x-forwarded-for": "10.9.1.1" });
      const login = await b.postForm("/auth/login", { username: "gamechanger", password: PASSWORD, _csrf: csrfTokenIn(form.body) }, { "x-forwarded-for": "10.9.1.1" });
      expect(login.status).toBe(303);
      const web = w.web.server.web!;
      // the cookie the portal passes on with a webclient connection of this browser
      const sessionCookie = b.cookies.get(w.services.settings.webSessionCookie)!;
      expect((await web.accountForSessionCookie(sessionCookie))?.id).toBe(account.id);
      await w.services.runInUnit(() => account.setPassword("changed in game 1"));
      expect(await web.accountForSessionCookie(sessionCookie)).toBeNull();
      expect((await b.get("/characters/")).status).toBe(302);
    });
  });
}

describe("webclient client_options against a flood (websocket and comet)", () => {
  let server: PortalWebServer | null = null;
  const sockets: WsTestClient[] = [];

  async function start(): Promise<{ registry: RecordingRegistry; port: number }> {
    const registry = new RecordingRegistry();
    server = new PortalWebServer(registry, { maxLineLength: 1000, maxOutputBuffer: 1024 * 1024 });
    return { registry, port: await server.listen(0, "127.0.0.1") };
  }

  afterEach(async () => {
    for (const c of sockets.splice(0)) c.close();
    await server?.close();
    server = null;
  });

  /** A client_options triple setting 64 options never set before. */
  const freshOptions = (frame: number) => ["client_options", [], Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`opt_${frame}_${i}`, "x".repeat(200)]))];

  it("a websocket flooding client_options with new names keeps the portal's copy bounded and sends the net change, not one report a frame", async () => {
    const { registry, port } = await start();
    const c = await WsTestClient.connect(port);
    sockets.push(c);
    const rec = await registry.session();
    for (let frame = 0; frame < 200; frame++) c.send(freshOptions(frame));
    // the same option toggled back and forth: only its last value counts
    for (let n = 0; n < 300; n++) c.send(["client_options", [], { screenwidth: 80 + (n % 2) }]);
    c.send(["client_options", [], { screenwidth: 120 }]);
    c.command("done");
    await waitUntil(() => rec.inputs.some((m) => m[0] === "text"), "the last line");
    await settle();
    const addedNames = new Set(rec.options.flatMap((o) => Object.keys(o)).filter((name) => !(name in WEBSOCKET_INITIAL_CLIENT_OPTIONS)));
    expect(addedNames.size).toBeLessThanOrEqual(64);
    expect(rec.options.length).toBeLessThan(50);
    expect(rec.merged.screenwidth).toBe(120);
  });

  it("after the game set an option, the client setting it back to its first value is still reported", async () => {
    const { registry, port } = await start();
    const c = await WsTestClient.connect(port);
    sockets.push(c);
    const rec = await registry.session();
    rec.transport.applyClientOptions?.({ screenwidth: 100 });
    c.send(["client_options", [], { screenwidth: WEBSOCKET_INITIAL_CLIENT_OPTIONS.screenwidth }]);
    await waitUntil(() => rec.options.length > 0, "the option reported");
    expect(rec.options).toEqual([{ screenwidth: WEBSOCKET_INITIAL_CLIENT_OPTIONS.screenwidth }]);
  });

  it("a comet session flooding client_options with new names keeps the portal's copy bounded", async () => {
    const { registry, port } = await start();
    const init = await cometPost(port, { mode: "init" });
    const csessid = (init.body as { csessid: string }).csessid;
    const rec = await registry.session();
    for (let batch = 0; batch < 20; batch++) {
      const data = Array.from({ length: 4 }, (_, i) => freshOptions(batch * 4 + i));
      expect((await cometPost(port, { mode: "input", csessid, data })).status).toBe(200);
    }
    expect((await cometPost(port, { mode: "input", csessid, data: ["client_options", [], { screenwidth: 100 }] })).status).toBe(200);
    await settle();
    const addedNames = new Set(rec.options.flatMap((o) => Object.keys(o)).filter((name) => !(name in WEBSOCKET_INITIAL_CLIENT_OPTIONS)));
    expect(addedNames.size).toBeLessThanOrEqual(64);
    expect(rec.merged.screenwidth).toBe(100);
    await cometPost(port, { mode: "close", csessid });
  });
});
