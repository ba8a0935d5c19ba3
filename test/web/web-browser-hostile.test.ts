/**
 * The website and the web admin in a real browser (headless Chromium through
 * playwright-core) against hostile players and hostile pages:
 *
 * - markup, template syntax and colour/link markup stored in names, descriptions,
 *   attributes, tags, aliases, locks, channels, help entries, scripts and bans
 *   shows as text on every website and admin page (the pages are loaded with the
 *   content-security policy bypassed, so the escaping alone is what is tested);
 * - the login page's `next` never sends the browser to another site;
 * - the session cookie is HttpOnly and SameSite=Lax, and its id changes at login
 *   and at logout (a planted or stolen id is worthless); after logout, Back does
 *   not bring an admin page back from the browser's cache;
 * - a page of another origin cannot frame the site, nor make a logged-in admin's
 *   browser change anything: not with the session cookie (sent by a same-site page
 *   on another port), not with HTTP Basic credentials the browser remembers from
 *   the API's login prompt (sent even by a page of another site).
 *
 * Skipped, with a notice, where /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { startWebTestServer, type WebTestServer } from "../../evennia-ts/testing/web-test-server.ts";
import type { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { DefaultCharacter } from "../../evennia-ts/typeclasses/characters.ts";
import { createChannel, createObject, createScript } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import type { WebServices } from "../../evennia-ts/web/web-context.ts";
import { basicAuth } from "./web-test-client.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[web-browser-hostile] SKIPPED: ${CHROMIUM} not found (install it with "apt-get install chromium")`);
if (!dialectAvailable("postgres")) printPostgresSkipNotice();

const PASSWORD = "correct horse battery";
const WAIT_MS = 10_000;

/** Shows on a page only as text: written unescaped, each piece runs script (sets `__pwned` or opens a dialog) or adds an element. */
const HOSTILE_TEXT =
  `HOSTILE<script>window.__pwned="script"</script><img src=x id=pwn-img onerror="window.__pwned='img'">` +
  `"><svg id=pwn-svg onload="window.__pwned='svg'"></svg>' onmouseover='window.__pwned="attr"' ` +
  `{{ 7 | times: 191 }}{% if true %}TPL{% endif %} |lcjavascript:window.__pwned='link'|ltclick|le |rred|n </textarea></title>`;
/** A shorter one for names and keys (no `/`, so it fits in one path segment). */
const HOSTILE_NAME = `<img src=x id=pwn-name onerror=alert(1)>"'{{7|times:191}}`;
/** What each page must show as text where it shows hostile data (proves the data is on the page). */
const SHOWN = "<img src=x id=pwn-";

/** A game `web/urls.ts` with one API route that changes something (as a game's own API might). */
const GAME_URLS = `
export default {
  apiRoutes(router, ctx) {
    router.post("/award", ctx.requireLogin, (req, res) => {
      globalThis.__hostileAwards = (globalThis.__hostileAwards ?? 0) + 1;
      res.json({ awardedBy: ctx.account(req)?.key ?? null });
    });
  },
};
`;

/** How many times the game's `/api/award` route ran (in this process). */
const awards = (): number => ((globalThis as Record<string, unknown>).__hostileAwards as number | undefined) ?? 0;

/** What a page holds that escaping should have kept out. */
interface PageReport {
  pwned: unknown;
  injected: string[];
  handlers: string[];
  scriptLinks: string[];
  text: string;
}

/** Look through the loaded page for anything the hostile data put there. */
function inspect(page: Page): Promise<PageReport> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const all: any[] = [...doc.querySelectorAll("*")];
    const fields: any[] = [...doc.querySelectorAll("input, textarea, option")];
    return {
      pwned: (globalThis as any).__pwned ?? null,
      injected: [...doc.querySelectorAll("[id^=pwn], script, svg, img, iframe, object, embed")].map((el: any) => el.outerHTML as string),
      handlers: all.flatMap((el) => [...el.attributes].filter((a: any) => /^on/i.test(a.name)).map((a: any) => `${el.tagName}[${a.name}]`)),
      scriptLinks: all
        .flatMap((el) => ["href", "action", "src", "formaction"].map((name) => el.getAttribute(name) as string | null))
        .filter((v): v is string => v !== null && /^\s*javascript:/i.test(v)),
      text: `${doc.title}\n${doc.body.innerText}\n${fields.map((f) => f.value ?? "").join("\n")}`,
    };
  });
}

/** A small web server for the attacker's pages (path → HTML), on every loopback name. */
async function startAttackerSite(pages: Map<string, string>): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? "/", "http://x").pathname);
    res.writeHead(html ? 200 : 404, { "content-type": "text/html" });
    res.end(html ?? "nothing here");
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

afterAll(async () => {
  await browser?.close();
});

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!hasChromium || !dialectAvailable(dialect))(`website and admin in Chromium against hostile data and pages [${dialect}]`, () => {
    let web: WebTestServer;
    let services: WebServices;
    let root: DefaultAccount;
    let paul: DefaultAccount;
    let cookieName: string;
    const attackerPages = new Map<string, string>();
    let attacker: { port: number; close(): Promise<void> };
    const contexts: BrowserContext[] = [];

    /** A fresh browser profile (no cookies); `bypassCSP` leaves only the escaping to stop injected script. */
    async function newPage(options: { bypassCSP?: boolean } = {}): Promise<{ page: Page; context: BrowserContext; problems: string[] }> {
      const context = await browser.newContext({ bypassCSP: options.bypassCSP ?? false });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const problems: string[] = [];
      page.on("dialog", (d) => {
        problems.push(`DIALOG ${d.type()} ${d.message()}`);
        void d.dismiss();
      });
      page.on("pageerror", (err) => problems.push(`PAGEERROR ${err.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`CONSOLE ${m.text()}`);
      });
      return { page, context, problems };
    }

    /** Log `page`'s browser in through the login form. */
    async function logIn(page: Page, name: string): Promise<void> {
      await page.goto(`${web.url}/auth/login`);
      await page.fill("#username", name);
      await page.fill("#password", PASSWORD);
      await Promise.all([page.waitForURL(`${web.url}/`), page.click("main button[type=submit]")]);
    }

    /** The website session cookie's value in `context`. */
    async function sessionCookie(context: BrowserContext): Promise<string | null> {
      return (await context.cookies(web.url)).find((c) => c.name === cookieName)?.value ?? null;
    }

    /** The status `/characters/` answers a browser sending only `cookie` (200 logged in, 302 to the login page). */
    async function statusWithCookie(cookie: string): Promise<number> {
      return (await fetch(`${web.url}/characters/`, { headers: { cookie: `${cookieName}=${cookie}` }, redirect: "manual" })).status;
    }

    beforeAll(async () => {
      web = await startWebTestServer(dialect, {
        prepare: (dir) => {
          mkdirSync(path.join(dir, "web"), { recursive: true });
          writeFileSync(path.join(dir, "web", "urls.ts"), GAME_URLS);
        },
      });
      services = (await web.server.web!.app()).context.services;
      cookieName = services.settings.webSessionCookie;
      root = await services.createAccount("root", PASSWORD);
      paul = await services.createAccount("paul", PASSWORD);
      attacker = await startAttackerSite(attackerPages);
    });

    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await attacker?.close();
      await web?.stop();
    });

    it("hostile names, descriptions, attributes, tags, locks, channels, help entries, scripts and bans show as text on every page", async () => {
      const ids = await services.runInUnit(async () => {
        const limbo = (await services.store.get("object", 1)) as DefaultObject;
        const thing = await createObject(DefaultObject, { key: HOSTILE_NAME, location: limbo, home: limbo });
        thing.db.desc = HOSTILE_TEXT;
        thing.attributes.add("note", HOSTILE_TEXT, { category: HOSTILE_NAME });
        thing.attributes.add(HOSTILE_NAME, "plain");
        thing.tags.add(HOSTILE_NAME, HOSTILE_NAME);
        thing.aliases.add(HOSTILE_NAME);
        thing.locks.add(`get:attr(pwn, "><img src=x id=pwn-lock onerror=window.__pwned=1>)`);
        const hero = await createObject(DefaultCharacter, { key: HOSTILE_NAME, location: limbo, home: limbo });
        hero.db.desc = HOSTILE_TEXT;
        root.addCharacter(hero);
        const channel = await createChannel(undefined, { key: HOSTILE_NAME, desc: HOSTILE_TEXT });
        await channel.msg(HOSTILE_TEXT, { senders: [root] });
        const script = await createScript(undefined, { key: HOSTILE_NAME, desc: HOSTILE_TEXT });
        await saveDbHelpEntry(services.db, { key: HOSTILE_NAME, aliases: [HOSTILE_NAME], category: `"><img src=x id=pwn-cat onerror=alert(1)>`, text: HOSTILE_TEXT, locks: "read:all()" });
        await saveDbHelpEntry(services.db, { key: `news ${HOSTILE_NAME}`, aliases: [], category: "news", text: HOSTILE_TEXT, locks: "read:all()" });
        return { thing: thing.id, hero: hero.id, channel: channel.id, script: script.id };
      });
      await services.bans.add({ name: HOSTILE_NAME }, HOSTILE_TEXT);

      const { page, problems } = await newPage({ bypassCSP: true });
      await logIn(page, "root");
      const helpCategory = encodeURIComponent(`"><img src=x id=pwn-cat onerror=alert(1)>`.toLowerCase());
      const key = encodeURIComponent(HOSTILE_NAME);
      const topic = encodeURIComponent(HOSTILE_NAME.toLowerCase());
      /** Each page, and whether it shows hostile data (then the text must be on it). */
      const pages: [string, boolean][] = [
        ["/", false],
        ["/characters/", true],
        [`/characters/${ids.hero}/`, true],
        [`/characters/${ids.hero}/delete`, true],
        ["/channels/", true],
        [`/channels/${key}/`, true],
        ["/help/", true],
        [`/help/${helpCategory}/`, true],
        [`/help/${helpCategory}/${topic}/`, true],
        [`/news/`, true],
        [`/help/news/${encodeURIComponent(`news ${HOSTILE_NAME}`.toLowerCase())}/`, true],
        ["/admin/", false],
        ["/admin/accounts", false],
        [`/admin/accounts/${root.id}`, true],
        ["/admin/objects", true],
        [`/admin/objects?q=${key}`, true],
        [`/admin/objects/${ids.thing}`, true],
        [`/admin/objects/${ids.hero}`, true],
        [`/admin/objects/${ids.thing}/delete`, true],
        ["/admin/scripts", true],
        [`/admin/scripts/${ids.script}`, true],
        [`/admin/scripts/${ids.script}/delete`, true],
        ["/admin/channels", true],
        [`/admin/channels/${ids.channel}`, true],
        ["/admin/help", true],
        [`/admin/help/${topic}`, true],
        [`/admin/help/${topic}/delete`, true],
        ["/admin/bans", true],
        ["/admin/status", false],
        [`/admin/objects/${key}`, true],
        [`/nowhere/${key}`, false],
      ];
      for (const [url, shows] of pages) {
        await page.goto(`${web.url}${url}`);
        const report = await inspect(page);
        expect({ url, pwned: report.pwned, injected: report.injected, handlers: report.handlers, scriptLinks: report.scriptLinks }).toEqual({
          url,
          pwned: null,
          injected: [],
          handlers: [],
          scriptLinks: [],
        });
        // template syntax in data is text, never run as a template
        expect(report.text, url).not.toContain("1337");
        if (shows) expect(report.text, url).toContain(SHOWN);
      }
      // a flash message naming the character, and the character form given back with an error
      await page.goto(`${web.url}/characters/create`);
      await page.fill("#name", `${HOSTILE_NAME}\u0001`);
      await page.fill("#desc", HOSTILE_TEXT);
      await page.click("main button[type=submit]");
      await page.locator(".error").waitFor();
      let report = await inspect(page);
      expect([report.pwned, report.injected, report.handlers]).toEqual([null, [], []]);
      expect(report.text).toContain(HOSTILE_NAME);
      // the admin saving a hostile attribute value and seeing its notice
      await page.goto(`${web.url}/admin/objects/${ids.thing}`);
      const add = page.locator("#attributes form.add-form");
      await add.locator("input[name=key]").fill("fresh");
      await add.locator("textarea[name=value]").fill(HOSTILE_TEXT);
      await add.getByRole("button", { name: "Add attribute" }).click();
      await page.locator(".flash").waitFor();
      report = await inspect(page);
      expect([report.pwned, report.injected, report.handlers]).toEqual([null, [], []]);
      expect(report.text).toContain(`HOSTILE<script>window.__pwned="script"</script>`);

      // an anonymous visitor: the public pages, and the login page given a hostile next and name
      const visitor = await newPage({ bypassCSP: true });
      for (const url of ["/", `/characters/${ids.hero}/`, "/channels/", `/channels/${key}/`, `/help/${helpCategory}/${topic}/`, "/news/", `/auth/login?next=${encodeURIComponent(`/"><img src=x id=pwn-next onerror=alert(1)>`)}`]) {
        await visitor.page.goto(`${web.url}${url}`);
        report = await inspect(visitor.page);
        expect({ url, pwned: report.pwned, injected: report.injected, handlers: report.handlers }).toEqual({ url, pwned: null, injected: [], handlers: [] });
      }
      await visitor.page.fill("#username", HOSTILE_NAME);
      await visitor.page.fill("#password", "wrong password");
      await visitor.page.click("main button[type=submit]");
      await visitor.page.locator(".error").waitFor();
      report = await inspect(visitor.page);
      expect([report.pwned, report.injected, report.handlers]).toEqual([null, [], []]);
      expect(await visitor.page.inputValue("#username")).toBe(HOSTILE_NAME);
      expect([...problems, ...visitor.problems]).toEqual([]);
    });

    it("the login page's next never leads off the site", async () => {
      const base = new URL(web.url);
      const nexts = [
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/..//evil.example/",
        " //evil.example/",
        "/\u3002/evil.example",
        "\u2215\u2215evil.example",
        "https:/\\evil.example",
      ];
      for (const next of nexts) {
        const form = await fetch(`${web.url}/auth/login?next=${encodeURIComponent(next)}`, { headers: { "x-forwarded-for": "10.31.0.1" } });
        const cookie = form.headers.getSetCookie()[0]!.split(";")[0]!;
        const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
        const res = await fetch(`${web.url}/auth/login`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "10.31.0.1" },
          body: new URLSearchParams({ _csrf: token, username: "paul", password: PASSWORD, next }).toString(),
        });
        expect(res.status, next).toBe(303);
        const target = new URL(res.headers.get("location")!, web.url);
        expect(target.origin, `${JSON.stringify(next)} → ${res.headers.get("location")}`).toBe(base.origin);
      }
      // in the browser: the login form with an off-site next lands on the site
      const { page } = await newPage();
      await page.goto(`${web.url}/auth/login?next=${encodeURIComponent("//evil.example/")}`);
      await page.fill("#username", "paul");
      await page.fill("#password", PASSWORD);
      await Promise.all([page.waitForURL(`${web.url}/`), page.click("main button[type=submit]")]);
      expect(new URL(page.url()).origin).toBe(base.origin);
    });

    it("the session cookie is HttpOnly and SameSite=Lax, and its id changes at login and at logout", async () => {
      const { page, context } = await newPage();
      await page.goto(`${web.url}/auth/login`);
      const before = await sessionCookie(context);
      expect(before).not.toBeNull();
      const flags = (await context.cookies(web.url)).find((c) => c.name === cookieName)!;
      expect([flags.httpOnly, flags.sameSite, flags.path]).toEqual([true, "Lax", "/"]);
      expect(await page.evaluate(() => (globalThis as any).document.cookie as string)).not.toContain(cookieName);

      await page.fill("#username", "paul");
      await page.fill("#password", PASSWORD);
      await Promise.all([page.waitForURL(`${web.url}/`), page.click("main button[type=submit]")]);
      const loggedIn = await sessionCookie(context);
      expect(loggedIn).not.toBeNull();
      expect(loggedIn).not.toBe(before);
      // the id from before the login (one an attacker could have planted) is not logged in
      expect(await statusWithCookie(before!)).toBe(302);
      expect(await statusWithCookie(loggedIn!)).toBe(200);

      await page.getByRole("button", { name: "Log out" }).click();
      await page.locator(".flash", { hasText: "You are logged out." }).waitFor();
      const after = await sessionCookie(context);
      expect(after).not.toBe(loggedIn);
      // the logged-in id (one an attacker could have copied) no longer is
      expect(await statusWithCookie(loggedIn!)).toBe(302);
      if (after) expect(await statusWithCookie(after)).toBe(302);
    });

    it("after logout, Back does not show an admin page from the browser's cache", async () => {
      const { page } = await newPage();
      await logIn(page, "root");
      await page.goto(`${web.url}/admin/accounts`);
      expect(await page.locator("h1").textContent()).toBe("Accounts");
      await page.getByRole("button", { name: "Log out" }).click();
      await page.locator(".flash", { hasText: "You are logged out." }).waitFor();
      // Back asks the server again, which now sends the browser to the login page
      await page.goBack();
      expect(new URL(page.url()).pathname).toBe("/auth/login");
      expect(await page.locator("h1").textContent()).toBe("Log in");
      expect(await page.locator("body").innerText()).not.toContain("paul");
    });

    it("no page can be framed by another origin: Chromium refuses, and every kind of answer forbids it", async () => {
      // a page on another port of the same host (same site: the login cookie goes with the frame's request)
      attackerPages.set("/frame", `<!doctype html><iframe id=victim src="${web.url}/admin/" width=600 height=400></iframe>`);
      const { page, context } = await newPage();
      await logIn(page, "root");
      const framing = await context.newPage();
      const answered = framing.waitForResponse((r) => r.url() === `${web.url}/admin/`);
      // the page's load event waits for its frame to finish (the admin page, or the error page put in its place)
      await framing.goto(`http://127.0.0.1:${attacker.port}/frame`);
      expect((await (await answered).request().allHeaders()).cookie).toContain(cookieName);
      const frame = framing.frames().find((f) => f !== framing.mainFrame())!;
      const shown = await frame.evaluate(() => (globalThis as any).document.body?.innerText ?? "").catch(() => "");
      expect(shown).not.toContain("Log out");

      const answers = [
        await fetch(`${web.url}/`),
        await fetch(`${web.url}/auth/login`),
        await fetch(`${web.url}/admin/`, { headers: { authorization: basicAuth("root", PASSWORD) } }),
        await fetch(`${web.url}/admin/objects/x`, { headers: { authorization: basicAuth("root", PASSWORD), accept: "text/html" } }),
        await fetch(`${web.url}/admin/`, { headers: { authorization: basicAuth("paul", PASSWORD), accept: "text/html" } }),
        await fetch(`${web.url}/no/such/page`, { headers: { accept: "text/html" } }),
        await fetch(`${web.url}/api/objects`, { headers: { authorization: basicAuth("root", PASSWORD) } }),
      ];
      for (const res of answers) {
        expect(res.headers.get("x-frame-options"), res.url).toBe("DENY");
        expect(res.headers.get("content-security-policy"), res.url).toContain("frame-ancestors 'none'");
        expect(res.headers.get("content-security-policy"), res.url).toMatch(/script-src 'self'(;|$)/);
      }
    });

    it("a page on another port of the same host cannot make a logged-in admin's browser change anything", async () => {
      const { page, context } = await newPage();
      await logIn(page, "root");
      const site = web.url;
      // same-site (only the port differs), so the browser sends the SameSite=Lax session cookie with these
      // top-level form posts: only the CSRF token (and the API's Origin check) can stop them
      const attacks: { path: string; fields: Record<string, string>; enctype?: string }[] = [
        { path: "/admin/bans", fields: { kind: "name", target: "paul", reason: "csrf" } },
        { path: "/admin/bans", fields: { _csrf: "", kind: "name", target: "paul", reason: "csrf" } },
        { path: `/admin/accounts/${paul.id}/permissions`, fields: { permission: "Developer" } },
        { path: "/auth/password-change", fields: { old_password: PASSWORD, new_password: "taken over 1", new_password2: "taken over 1" } },
        { path: "/api/objects", fields: { '{"key":"csrf-made","x":"': '"}' }, enctype: "text/plain" },
        { path: "/api/award", fields: { x: "1" } },
        { path: "/auth/logout", fields: {} },
      ];
      const awardsBefore = awards();
      const evil = await context.newPage();
      for (const [n, attack] of attacks.entries()) {
        const inputs = Object.entries(attack.fields)
          .map(([name, value]) => `<input type=hidden name='${name}' value='${value}'>`)
          .join("");
        attackerPages.set(`/csrf-${n}`, `<!doctype html><form id=f method=post enctype="${attack.enctype ?? "application/x-www-form-urlencoded"}" action="${site}${attack.path}">${inputs}</form><script>f.submit()</script>`);
        const answered = evil.waitForResponse((r) => r.url() === `${site}${attack.path}` && r.request().method() === "POST");
        await evil.goto(`http://127.0.0.1:${attacker.port}/csrf-${n}`);
        const status = (await answered).status();
        expect(status, attack.path).toBeGreaterThanOrEqual(400);
        // the browser did send the login cookie: it is the token that refused the post
        expect((await (await answered).request().allHeaders()).cookie, attack.path).toContain(cookieName);
      }
      expect(await services.bans.list()).not.toEqual(expect.arrayContaining([expect.objectContaining({ name: "paul" })]));
      expect(paul.permissions.has("Developer")).toBe(false);
      expect(awards()).toBe(awardsBefore);
      const made = await services.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM objects WHERE key_lower = ?", ["csrf-made"]);
      expect(Number(made[0]!.n)).toBe(0);
      // still logged in, password unchanged
      expect((await page.goto(`${site}/admin/`))!.status()).toBe(200);
      expect(await root.checkPassword(PASSWORD)).toBe(true);
      // the same form from the site itself (with its token) does change things: the attempts above were refused, not broken
      await page.goto(`${site}/admin/bans`);
      await page.fill("input[name=target]", "paul");
      await page.getByRole("button", { name: "Ban", exact: true }).click();
      await page.locator(".flash").waitFor();
      expect(await services.bans.list()).toEqual(expect.arrayContaining([expect.objectContaining({ name: "paul" })]));
    });

    it("HTTP Basic credentials the browser remembers from the API's prompt do not let another site's form change anything", async () => {
      const { page } = await newPage();
      // the admin answers the API's Basic prompt (here: credentials in the address); Chromium keeps them for the site
      const withCredentials = new URL(`${web.url}/api/objects`);
      withCredentials.username = "root";
      withCredentials.password = PASSWORD;
      expect((await page.goto(withCredentials.toString()))!.status()).toBe(200);
      expect((await page.goto(`${web.url}/api/rooms`))!.status()).toBe(200);

      // a page of another site posts forms to the game's API and to the admin; the browser adds the Basic credentials
      const awardsBefore = awards();
      attackerPages.set("/basic-api", `<!doctype html><form id=f method=post action="${web.url}/api/award"><input name=x value=1></form><script>f.submit()</script>`);
      await Promise.all([page.waitForURL(`${web.url}/api/award`), page.goto(`http://localhost:${attacker.port}/basic-api`)]);
      expect(await page.locator("body").innerText()).toContain('"code":"forbidden"');
      // a page that withholds its origin (no-referrer: the browser sends "Origin: null") fares no better
      attackerPages.set("/basic-null", `<!doctype html><meta name=referrer content=no-referrer><form id=f method=post action="${web.url}/api/award"><input name=x value=1></form><script>f.submit()</script>`);
      const nullOrigin = page.waitForRequest((r) => r.url() === `${web.url}/api/award`);
      await Promise.all([page.waitForURL(`${web.url}/api/award`), page.goto(`http://localhost:${attacker.port}/basic-null`)]);
      expect((await (await nullOrigin).allHeaders()).origin).toBe("null");
      expect(await page.locator("body").innerText()).toContain('"code":"forbidden"');
      // nor does a page on another port of the same host
      await Promise.all([page.waitForURL(`${web.url}/api/award`), page.goto(`http://127.0.0.1:${attacker.port}/basic-api`)]);
      expect(await page.locator("body").innerText()).toContain('"code":"forbidden"');
      expect(awards()).toBe(awardsBefore);

      attackerPages.set("/basic-admin", `<!doctype html><form id=f method=post action="${web.url}/admin/bans"><input name=kind value=ip><input name=target value="10.66.6.6"></form><script>f.submit()</script>`);
      await Promise.all([page.waitForURL(`${web.url}/admin/bans`), page.goto(`http://localhost:${attacker.port}/basic-admin`)]);
      expect(await services.bans.list()).not.toEqual(expect.arrayContaining([expect.objectContaining({ ip: "10.66.6.6" })]));

      // the remembered credentials still work from the site itself, and an API client (no Origin) is unaffected
      expect(await page.evaluate(async (url) => (await fetch(url, { method: "POST", body: "x=1", headers: { "content-type": "application/x-www-form-urlencoded" } })).status, `${web.url}/api/award`)).toBe(200);
      const client = await fetch(`${web.url}/api/award`, { method: "POST", headers: { authorization: basicAuth("root", PASSWORD) } });
      expect(client.status).toBe(200);
      expect(awards()).toBe(awardsBefore + 2);
    });
  });
}
