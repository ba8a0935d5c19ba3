/**
 * The website's pages against the real web app of an in-process game, on each
 * database: every page renders; register, log in, characters; the login
 * throttle shared with telnet; CSRF; channel and help locks; news; escaping of
 * what players typed; bans, registration switched off, password change.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { createScratchDatabase, dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS, type ScratchDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { createChannel } from "../../evennia-ts/typeclasses/create.ts";
import { findAccount } from "../../evennia-ts/typeclasses/search.ts";
import { WebsiteClient } from "./website-client.ts";

if (!dialectAvailable("postgres")) printPostgresSkipNotice();

const PASSWORD = "secret123";

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`website pages (${dialect})`, () => {
    let scratch: ScratchDatabase;
    let game: InProcessGame;
    let baseUrl: string;
    const telnets: TelnetTestClient[] = [];

    /** A browser from `address` (sent as X-Forwarded-For, as the portal does). */
    const browser = (address = "127.0.0.1") => new WebsiteClient(baseUrl, address);

    let nextAddress = 1;
    /** Register `name` in a new browser (from an address of its own: creations per address are throttled); it is then logged in. */
    async function registered(name: string, address = `127.0.1.${nextAddress++}`): Promise<WebsiteClient> {
      const b = browser(address);
      const res = await b.submit("/auth/register", { username: name, password: PASSWORD, password2: PASSWORD });
      expect(res.status, res.body).toBe(303);
      expect(res.location).toBe("/characters/");
      return b;
    }

    /** Run `fn` in a unit of work of the running server. */
    function inServer<T>(fn: () => Promise<T>): Promise<T> {
      return runInUnitOfWork(game.server()!.db, fn);
    }

    async function telnet(address: string): Promise<TelnetTestClient> {
      const c = await TelnetTestClient.connect(game.telnetPort, "127.0.0.1", address);
      telnets.push(c);
      await c.waitFor("create <username> <password>");
      return c;
    }

    beforeAll(async () => {
      scratch = await createScratchDatabase(dialect);
      game = await startInProcessGame({
        databaseUrl: scratch.url,
        maxNrCharacters: 3,
        loginAttemptsPerIp: 3,
        loginAttemptsPerAccount: 10,
        accountCreationsPerIp: 2,
        connectionLimitExemptIps: ["127.0.0.1"],
      }, (dir) => {
        // a game's page that extends the framework's and changes only its title
        mkdirSync(path.join(dir, "web", "templates", "website"), { recursive: true });
        writeFileSync(
          path.join(dir, "web", "templates", "website", "index.liquid"),
          '{% layout "evennia:website/index.liquid" %}{% block title %}Pirates of {{ gameName }}{% endblock %}',
        );
      });
      baseUrl = game.serverWebUrl()!;
      // the first account is the superuser
      await registered("Boss");
    }, 60_000);

    afterAll(async () => {
      for (const c of telnets.splice(0)) c.close();
      await game?.stop();
      await scratch?.dispose();
    });

    it("renders every public page, and sends visitors to log in for their characters", async () => {
      const b = browser();
      for (const [path, text] of [
        ["/", "Welcome to"],
        ["/auth/login", "Log in"],
        ["/auth/register", "Create an account"],
        ["/channels/", "Channels"],
        ["/help/", "Help"],
        ["/news/", "News"],
      ] as const) {
        const res = await b.get(path);
        expect(res.status, path).toBe(200);
        expect(res.body, path).toContain(text);
        expect(res.body, path).toContain("</html>");
      }
      // the game's override of the front page changed the title and kept the rest
      const front = await b.get("/");
      expect(front.body).toMatch(/<title>Pirates of [^<]+<\/title>/);
      expect(front.body).toContain("Newest players");
      const chars = await b.get("/characters/");
      expect(chars.status).toBe(302);
      expect(chars.location).toMatch(/^\/auth\/login\?next=/);
      expect((await b.get("/characters/999999/")).status).toBe(404);
      expect((await b.get("/characters/abc/")).status).toBe(404);
      expect((await b.get("/characters/1/")).status).toBe(404); // Limbo: a room, not a character
      expect((await b.get(`/channels/${"x".repeat(5000)}/`)).status).toBe(404);
      expect((await b.get("/news/?page=abc")).status).toBe(200);
      const odd = await b.get("/help/%3Cscript%3E/x/");
      expect(odd.status).toBe(404);
      expect(odd.body).not.toContain("<script>");
      expect((await b.get("/channels/no-such-channel/")).status).toBe(404);
      expect((await b.get("/help/nothing/here/")).status).toBe(404);
    });

    it("registers an account, logs it in, and lists its character; the front page counts it", async () => {
      const before = await browser().get("/");
      const accountsBefore = Number(/Accounts<\/th><td>(\d+)/.exec(before.body)![1]);
      const b = await registered("Anna", "127.0.0.61");
      expect(await inServer(async () => (await findAccount("Anna"))!.db.creator_ip)).toBe("127.0.0.61");
      const page = await b.get("/characters/");
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<a href="\/characters\/\d+\/">Anna<\/a>/);
      expect(page.body).toContain("Welcome, Anna!");
      const front = await browser().get("/");
      expect(Number(/Accounts<\/th><td>(\d+)/.exec(front.body)![1])).toBe(accountsBefore + 1);
      expect(Number(/Characters<\/th><td>(\d+)/.exec(front.body)![1])).toBeGreaterThanOrEqual(2);
      expect(front.body).toContain("Anna <span class=\"when\">");
      // logged out, the characters page is closed again
      await b.get("/characters/");
      const out = await b.post("/auth/logout", {});
      expect(out.status).toBe(303);
      expect((await b.get("/characters/")).status).toBe(302);
    });

    it("keeps what was typed (not the passwords) on a refused registration, with a clear error", async () => {
      const b = browser();
      let res = await b.submit("/auth/register", { username: "Carl", password: PASSWORD, password2: "other-one" });
      expect(res.status).toBe(400);
      expect(res.body).toContain("The two passwords do not match.");
      expect(res.body).toContain('value="Carl"');
      expect(res.body).not.toContain(PASSWORD);
      res = await b.submit("/auth/register", { username: "x", password: PASSWORD, password2: PASSWORD });
      expect(res.body).toContain("A name must be 3 to 30 characters");
      res = await b.submit("/auth/register", { username: "Dora", password: "abc", password2: "abc" });
      expect(res.body).toContain("at least 6 characters");
      res = await b.submit("/auth/register", { username: "anna", password: PASSWORD, password2: PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body).toContain("already an account with the name");
      // a full-width spelling is the same name; one mixing Latin and Cyrillic passes for another
      res = await b.submit("/auth/register", { username: "\uFF41\uFF4E\uFF4E\uFF41", password: PASSWORD, password2: PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body).toContain("already an account with the name");
      res = await b.submit("/auth/register", { username: "C\u0430rl", password: PASSWORD, password2: PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body).toContain("cannot mix letters of different alphabets");
      // hostile shapes: fields missing, sent twice, huge
      res = await b.post("/auth/register", {});
      expect(res.status).toBe(400);
      res = await b.post("/auth/register", { username: "E".repeat(50_000), password: PASSWORD, password2: PASSWORD });
      expect(res.status).toBe(400);
      expect(await inServer(() => findAccount("Carl"))).toBeNull();
    });

    it("counts creations per address as the in-game create does: one more is refused (429)", async () => {
      await registered("Olaf", "127.0.0.51");
      const t = await telnet("127.0.0.51");
      t.send("create Olga secret123");
      await t.waitFor("was created");
      const res = await browser("127.0.0.51").submit("/auth/register", { username: "Oskar", password: PASSWORD, password2: PASSWORD });
      expect(res.status).toBe(429);
      expect(res.body).toContain("Too many accounts were created from your address recently");
      expect(res.body).toContain('value="Oskar"');
      expect(await inServer(() => findAccount("Oskar"))).toBeNull();
      // a refused name does not use up the allowance of another address
      const other = browser("127.0.0.52");
      expect((await other.submit("/auth/register", { username: "Olaf", password: PASSWORD, password2: PASSWORD })).status).toBe(400);
      await registered("Otto", "127.0.0.52");
      await registered("Odin", "127.0.0.52");
    });

    it("logs in and out; a wrong password keeps the name and says so", async () => {
      const b = browser();
      let res = await b.submit("/auth/login", { username: "Anna", password: "wrong-password" });
      expect(res.status).toBe(400);
      expect(res.body).toContain("Username and/or password is incorrect.");
      expect(res.body).toContain('value="Anna"');
      res = await b.submit("/auth/login", { username: "Anna", password: PASSWORD, next: "/channels/" });
      expect(res.status).toBe(303);
      expect(res.location).toBe("/channels/");
      // an off-site next is ignored
      const other = browser();
      res = await other.submit("/auth/login", { username: "Anna", password: PASSWORD, next: "//evil.example/" });
      expect(res.location).toBe("/");
      expect((await b.get("/characters/")).status).toBe(200);
    });

    it("shares the login throttle with telnet: failures on the web refuse telnet, and the other way round", async () => {
      const web = browser("127.0.0.21");
      for (let i = 0; i < 3; i++) {
        const res = await web.submit("/auth/login", { username: `Nobody${i}`, password: "wrong-password" });
        expect(res.status).toBe(400);
      }
      const t = await telnet("127.0.0.21");
      t.send("connect Anna secret123");
      await t.waitFor("Too many failed login attempts from your address.");

      const t2 = await telnet("127.0.0.22");
      for (let i = 0; i < 3; i++) {
        t2.send(`connect Nobody${i} wrongpass`);
        await t2.waitFor("Username and/or password is incorrect.");
      }
      const res = await browser("127.0.0.22").submit("/auth/login", { username: "Anna", password: PASSWORD });
      expect(res.status).toBe(429);
      expect(res.body).toContain("Too many failed login attempts from your address.");
      // another address is not touched
      expect((await browser("127.0.0.23").submit("/auth/login", { username: "Anna", password: PASSWORD })).status).toBe(303);
    });

    it("refuses a form without its CSRF token (403) and changes nothing", async () => {
      const b = browser();
      await b.get("/auth/register");
      const res = await b.post("/auth/register", { username: "Sneaky", password: PASSWORD, password2: PASSWORD }, false);
      expect(res.status).toBe(403);
      expect(await inServer(() => findAccount("Sneaky"))).toBeNull();
      const wrong = await b.post("/auth/login", { username: "Anna", password: PASSWORD, _csrf: "forged" }, false);
      expect(wrong.status).toBe(403);
    });

    it("refuses banned names and addresses", async () => {
      await registered("Mallory");
      const { bans } = (await game.server()!.web!.app()).context.services;
      await inServer(async () => {
        await bans.add({ name: "Mallory" }, "test");
        await bans.add({ ip: "127.0.0.31" }, "test");
      });
      let res = await browser().submit("/auth/login", { username: "Mallory", password: PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body).toContain("You have been banned");
      res = await browser("127.0.0.31").submit("/auth/register", { username: "Fresh", password: PASSWORD, password2: PASSWORD });
      expect(res.status).toBe(403);
      expect(await inServer(() => findAccount("Fresh"))).toBeNull();
      res = await browser("127.0.0.31").submit("/auth/login", { username: "Anna", password: PASSWORD });
      expect(res.status).toBe(403);
    });

    it("creates, shows and deletes characters as charcreate and chardelete do; escapes what players typed", async () => {
      const b = await registered("Bella");
      let res = await b.submit("/characters/create", { name: "<script>alert(1)</script>", desc: "<img src=x onerror=alert(2)> & more" });
      expect(res.status, res.body).toBe(303);
      const url = res.location!;
      expect(url).toMatch(/^\/characters\/\d+\/$/);
      res = await b.get(url);
      expect(res.status).toBe(200);
      expect(res.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(res.body).toContain("&lt;img src=x onerror=alert(2)&gt; &amp; more");
      expect(res.body).not.toContain("<script>alert");
      expect(res.body).not.toContain("<img src=x");
      expect(res.body).toContain("Typeclass"); // the owner sees the private details
      const list = await b.get("/characters/");
      expect(list.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(list.body).not.toContain("<script>alert");

      // someone else sees name and description, not the private details
      const anna = browser();
      await anna.submit("/auth/login", { username: "Anna", password: PASSWORD });
      const seen = await anna.get(url);
      expect(seen.status).toBe(200);
      expect(seen.body).not.toContain("Typeclass");
      expect(seen.body).not.toContain("Delete this character");
      expect((await anna.get(`${url}delete`)).status).toBe(404);
      await anna.get(url);
      expect((await anna.post(`${url}delete`, {})).status).toBe(404);

      // a taken name is refused with what was typed kept
      res = await b.submit("/characters/create", { name: "Bella", desc: "again" });
      expect(res.status).toBe(400);
      expect(res.body).toContain("already exists");
      expect(res.body).toContain(">again</textarea>");
      // charcreate's name rules hold here too: no colour markup, no inline functions, no 31+ characters
      for (const name of ["|rRed|n", "$you()", "N".repeat(31)]) {
        res = await b.submit("/characters/create", { name, desc: "" });
        expect(res.status, name).toBe(400);
      }
      // the third and last slot, then no more
      expect((await b.submit("/characters/create", { name: "Third", desc: "" })).status).toBe(303);
      res = await b.get("/characters/create");
      expect(res.status).toBe(403);
      expect(res.body).toContain("maximum of 3 characters");
      expect((await b.post("/characters/create", { name: "Fourth" })).status).toBe(403);

      // delete with confirmation
      res = await b.get(`${url}delete`);
      expect(res.status).toBe(200);
      expect(res.body).toContain("cannot be undone");
      res = await b.post(`${url}delete`, {});
      expect(res.status).toBe(303);
      const after = await b.get("/characters/");
      expect(after.body).toContain("was permanently deleted");
      expect(after.body).not.toContain("alert(1)&lt;/script&gt;</a>");
      expect((await b.get(url)).status).toBe(404);
      // the Admin sees anyone's private details
      const boss = browser();
      await boss.submit("/auth/login", { username: "Boss", password: PASSWORD });
      const annaChar = /href="(\/characters\/\d+\/)">Anna</.exec((await anna.get("/characters/")).body)![1]!;
      expect((await boss.get(annaChar)).body).toContain("Typeclass");
    });

    it("lists the channels a visitor may listen to, and 403s an archive the listen lock closes", async () => {
      await inServer(async () => {
        const open = await createChannel(undefined, { key: "Tavern", desc: "Chat <b>here</b>" });
        await open.msg("Hello <i>all</i> |rred|n", { senders: [(await findAccount("Anna"))!] });
        await createChannel(undefined, { key: "StaffRoom", locks: "listen:perm(Admin);send:perm(Admin)" });
      });
      const anon = browser();
      let res = await anon.get("/channels/");
      expect(res.body).toContain(">Tavern</a>");
      expect(res.body).toContain("Chat &lt;b&gt;here&lt;/b&gt;");
      expect(res.body).not.toContain("StaffRoom");
      res = await anon.get("/channels/tavern/");
      expect(res.status).toBe(200);
      expect(res.body).toContain("Hello &lt;i&gt;all&lt;/i&gt; red");
      expect(res.body).toContain("Anna");
      expect((await anon.get("/channels/StaffRoom/")).status).toBe(403);

      const player = browser();
      await player.submit("/auth/login", { username: "Anna", password: PASSWORD });
      expect((await player.get("/channels/")).body).not.toContain("StaffRoom");
      res = await player.get("/channels/StaffRoom/");
      expect(res.status).toBe(403);
      const boss = browser();
      await boss.submit("/auth/login", { username: "Boss", password: PASSWORD });
      expect((await boss.get("/channels/")).body).toContain("StaffRoom");
      expect((await boss.get("/channels/StaffRoom/")).status).toBe(200);
      expect((await anon.get("/channels/tavern/?page=9")).status).toBe(404);
    });

    it("respects help view and read locks, for database topics and commands", async () => {
      await inServer(async () => {
        const db = game.server()!.db;
        await saveDbHelpEntry(db, { key: "Lore", aliases: [], category: "world", text: "Long ago <there> was...", locks: "" });
        await saveDbHelpEntry(db, { key: "Staff rules", aliases: [], category: "world", text: "Admins only.", locks: "read:perm(Admin)" });
        await saveDbHelpEntry(db, { key: "Hidden map", aliases: [], category: "world", text: "Unlisted but readable.", locks: "view:perm(Admin);read:all()" });
      });
      const anon = browser();
      let res = await anon.get("/help/");
      expect(res.body).toContain(">Lore</a>");
      expect(res.body).not.toContain("Staff rules");
      expect(res.body).not.toContain("Hidden map");
      expect(res.body).not.toContain(">look</a>"); // command help needs a logged-in account
      res = await anon.get("/help/world/lore/");
      expect(res.status).toBe(200);
      expect(res.body).toContain("Long ago &lt;there&gt; was...");
      expect((await anon.get("/help/world/staff%20rules/")).status).toBe(403);
      expect((await anon.get("/help/world/hidden%20map/")).status).toBe(200);
      expect((await anon.get("/help/world/")).body).toContain(">Lore</a>");

      const player = browser();
      await player.submit("/auth/login", { username: "Anna", password: PASSWORD });
      res = await player.get("/help/");
      expect(res.body).toContain(">look</a>");
      expect(res.body).not.toContain(">py</a>"); // a Developer's command
      expect(res.body).not.toContain("Staff rules");
      expect((await player.get("/help/general/look/")).status).toBe(200);
      expect((await player.get("/help/world/staff%20rules/")).status).toBe(403);

      const boss = browser();
      await boss.submit("/auth/login", { username: "Boss", password: PASSWORD });
      res = await boss.get("/help/");
      expect(res.body).toContain("Staff rules");
      expect(res.body).toContain("Hidden map");
      expect((await boss.get("/help/world/staff%20rules/")).status).toBe(200);
    });

    it("shows news (help entries of category news) newest first", async () => {
      await inServer(async () => {
        const db = game.server()!.db;
        await saveDbHelpEntry(db, { key: "Server opens", aliases: [], category: "news", text: "We are open!", locks: "", dateCreated: Date.UTC(2026, 0, 1) });
        await saveDbHelpEntry(db, { key: "New zone", aliases: [], category: "news", text: "The <swamp> is here.", locks: "", dateCreated: Date.UTC(2026, 5, 1) });
        await saveDbHelpEntry(db, { key: "Staff news", aliases: [], category: "news", text: "secret", locks: "read:perm(Admin)", dateCreated: Date.UTC(2026, 6, 1) });
      });
      const res = await browser().get("/news/");
      expect(res.status).toBe(200);
      expect(res.body.indexOf("New zone")).toBeGreaterThan(0);
      expect(res.body.indexOf("New zone")).toBeLessThan(res.body.indexOf("Server opens"));
      expect(res.body).toContain("The &lt;swamp&gt; is here.");
      expect(res.body).not.toContain("Staff news");
      expect(res.body).toContain("2026-06-01 00:00");
    });

    it("changes the password only with the right old one and a confirmed new one", async () => {
      const b = await registered("Penny");
      let res = await b.submit("/auth/password-change", { old_password: "nope-nope", new_password: "newsecret1", new_password2: "newsecret1" });
      expect(res.status).toBe(400);
      expect(res.body).toContain("current password is not correct");
      res = await b.submit("/auth/password-change", { old_password: PASSWORD, new_password: "newsecret1", new_password2: "newsecret2" });
      expect(res.body).toContain("do not match");
      res = await b.submit("/auth/password-change", { old_password: PASSWORD, new_password: "abc", new_password2: "abc" });
      expect(res.body).toContain("at least 6 characters");
      res = await b.submit("/auth/password-change", { old_password: PASSWORD, new_password: "newsecret1", new_password2: "newsecret1" });
      expect(res.status).toBe(303);
      expect((await browser().submit("/auth/login", { username: "Penny", password: PASSWORD })).status).toBe(400);
      expect((await browser().submit("/auth/login", { username: "Penny", password: "newsecret1" })).status).toBe(303);
    });

    it("refuses registration on the web and in game when newAccountRegistrationEnabled is off", async () => {
      const settings = game.server()!.settings as { newAccountRegistrationEnabled: boolean };
      settings.newAccountRegistrationEnabled = false;
      try {
        const b = browser();
        expect((await b.get("/auth/register")).status).toBe(403);
        await b.get("/auth/login"); // the register page has no form now: take the token from another
        const res = await b.post("/auth/register", { username: "Late", password: PASSWORD, password2: PASSWORD });
        expect(res.status).toBe(403);
        expect(res.body).toContain("New accounts cannot be created here at the moment.");
        const t = await telnet("127.0.0.41");
        t.send("create Later secret123");
        await t.waitFor("New accounts cannot be created here at the moment.");
        expect(await inServer(() => findAccount("Late"))).toBeNull();
        expect(await inServer(() => findAccount("Later"))).toBeNull();
      } finally {
        settings.newAccountRegistrationEnabled = true;
      }
    });
  });
}
