/**
 * The web admin against the real web app, on both databases: who may enter, the
 * lists with search, filters and pages (and hostile page parameters), the CSRF
 * check, the status page and the memory flush, bans.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { createChannel, createObject, createScript } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultExit } from "../../evennia-ts/typeclasses/exits.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { DefaultRoom } from "../../evennia-ts/typeclasses/rooms.ts";
import { saveDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { pageText, startAdminWorld, type AdminWorld } from "./admin-fixture.ts";

/** The ids of the rows an admin list page links to (`/admin/objects/12`), in order. */
function listedIds(html: string, section: string): number[] {
  const body = html.slice(html.indexOf("<tbody>"), html.lastIndexOf("</tbody>"));
  return [...body.matchAll(new RegExp(`<a class="row-link" href="/admin/${section}/(\\d+)">`, "g"))].map((m) => Number(m[1]));
}

for (const dialect of TEST_DIALECTS) {
  if (!dialectAvailable(dialect)) printPostgresSkipNotice();
  describe.skipIf(!dialectAvailable(dialect))(`web admin: access, lists, status, bans [${dialect}]`, () => {
    let w: AdminWorld;
    let hall: DefaultRoom;
    let box: DefaultObject;
    let north: DefaultExit;
    let rocks: DefaultObject[];

    beforeAll(async () => {
      w = await startAdminWorld(dialect);
      await w.services.runInUnit(async () => {
        hall = await createObject(DefaultRoom, { key: "Great Hall" });
        const limbo = (await w.services.store.get("object", 1)) as DefaultObject;
        box = await createObject(DefaultObject, { key: "wooden box", location: hall, home: hall });
        box.aliases.add("crate");
        north = await createObject(DefaultExit, { key: "north", location: hall, destination: limbo });
        rocks = [];
        for (let i = 1; i <= 30; i++) rocks.push(await createObject(DefaultObject, { key: `rock ${i}`, location: hall }));
        await createScript(undefined, { key: "weather_100%" });
        await createChannel(undefined, { key: "trades", desc: "buy and sell" });
        await saveDbHelpEntry(w.services.db, { key: "thievery", aliases: ["stealing"], category: "skills", text: "Take what is not yours.", locks: "read:all()" });
      });
    });
    afterAll(async () => {
      await w?.stop();
    });

    it("sends anonymous visitors to the login page and refuses a Player with 403", async () => {
      const anonymous = await w.anonymous.get("/admin/objects?kind=room");
      expect(anonymous.status).toBe(302);
      expect(anonymous.location).toBe("/auth/login?next=%2Fadmin%2Fobjects%3Fkind%3Droom");
      for (const path of ["/admin/", "/admin/objects", `/admin/objects/${box.id}`, "/admin/accounts", "/admin/status", "/admin/bans", "/admin/help", "/admin/scripts", "/admin/channels"]) {
        expect((await w.asPaul.get(path)).status, path).toBe(403);
      }
      // a Player's form post, with a valid token from a page of the site, changes nothing
      await w.asPaul.get("/");
      expect(w.asPaul.csrf).not.toBe("");
      const post = await w.asPaul.post(`/admin/objects/${box.id}/attributes`, { key: "owned", category: "", value: "True" });
      expect(post.status).toBe(403);
      expect(box.attributes.has("owned")).toBe(false);
      expect((await w.asAnna.get("/admin/")).status).toBe(200);
    });

    it("lists objects, found by name, alias and #dbref", async () => {
      const byName = await w.asAnna.get("/admin/objects?q=wooden");
      expect(byName.status).toBe(200);
      expect(listedIds(byName.text, "objects")).toEqual([box.id]);
      expect(listedIds((await w.asAnna.get("/admin/objects?q=crat")).text, "objects")).toEqual([box.id]);
      expect(listedIds((await w.asAnna.get(`/admin/objects?q=%23${north.id}`)).text, "objects")).toEqual([north.id]);
      // LIKE wildcards in the search are literal characters
      expect(listedIds((await w.asAnna.get("/admin/objects?q=%25")).text, "objects")).toEqual([]);
      expect(listedIds((await w.asAnna.get("/admin/objects?q=rock_1")).text, "objects")).toEqual([]);
    });

    it("filters objects by kind, typeclass and location", async () => {
      const rooms = listedIds((await w.asAnna.get("/admin/objects?kind=room&size=100")).text, "objects");
      expect(rooms).toContain(hall.id);
      expect(rooms).toContain(1);
      expect(rooms).not.toContain(box.id);
      expect(listedIds((await w.asAnna.get("/admin/objects?kind=exit")).text, "objects")).toEqual([north.id]);
      const characters = listedIds((await w.asAnna.get("/admin/objects?kind=character")).text, "objects");
      expect(characters.length).toBeGreaterThan(0);
      expect(characters).not.toContain(box.id);
      const things = listedIds((await w.asAnna.get("/admin/objects?kind=thing&size=100")).text, "objects");
      expect(things).toEqual([box.id, ...rocks.map((r) => r.id)]);
      const inHall = listedIds((await w.asAnna.get(`/admin/objects?location=%23${hall.id}&size=100`)).text, "objects");
      expect(inHall).toEqual([box.id, north.id, ...rocks.map((r) => r.id)]);
      const exitsByTypeclass = listedIds((await w.asAnna.get(`/admin/objects?typeclass=${encodeURIComponent(north.typeclassPath)}`)).text, "objects");
      expect(exitsByTypeclass).toEqual([north.id]);
      expect((await w.asAnna.get("/admin/objects?kind=dragon")).status).toBe(400);
      expect((await w.asAnna.get("/admin/objects?location=hall")).status).toBe(400);
    });

    it("pages through a list, with the filters kept in the page links", async () => {
      const first = await w.asAnna.get(`/admin/objects?location=%23${hall.id}&size=10`);
      expect(listedIds(first.text, "objects")).toEqual([box.id, north.id, ...rocks.slice(0, 8).map((r) => r.id)]);
      expect(pageText(first.text)).toContain("1–10 of 32 (page 1 of 4)");
      expect(first.text).toContain(`href="/admin/objects?location=%23${hall.id}&amp;size=10&amp;page=2"`);
      const last = await w.asAnna.get(`/admin/objects?location=%23${hall.id}&size=10&page=4`);
      expect(listedIds(last.text, "objects")).toEqual(rocks.slice(28).map((r) => r.id));
      // beyond the last page: the last page
      const beyond = await w.asAnna.get(`/admin/objects?location=%23${hall.id}&size=10&page=999`);
      expect(beyond.status).toBe(200);
      expect(listedIds(beyond.text, "objects")).toEqual(rocks.slice(28).map((r) => r.id));
      // a size above 100 is 100
      expect(pageText((await w.asAnna.get(`/admin/objects?location=%23${hall.id}&size=100000`)).text)).toContain("1–32 of 32 (page 1 of 1)");
    });

    it("answers 400 to page parameters that are not whole numbers from 1", async () => {
      for (const query of ["page=abc", "page=0", "page=-1", "page=1.5", "page=1e3", "page=99999999999", "size=0", "size=-5", "size=ten", "page=1&page=2"]) {
        const answer = await w.asAnna.get(`/admin/objects?${query}`);
        expect(answer.status, query).toBe(400);
        expect(answer.text).toContain("Nothing was changed");
      }
      expect((await w.asAnna.get("/admin/accounts?page=x")).status).toBe(400);
      expect((await w.asAnna.get("/admin/help?size=-1")).status).toBe(400);
    });

    it("lists accounts by name and by permission", async () => {
      expect(listedIds((await w.asAnna.get("/admin/accounts?q=pau")).text, "accounts")).toEqual([w.paul.id]);
      expect(listedIds((await w.asAnna.get("/admin/accounts?permission=admin")).text, "accounts")).toEqual([w.anna.id]);
      expect(listedIds((await w.asAnna.get("/admin/accounts?permission=superuser")).text, "accounts")).toEqual([w.root.id]);
      const players = listedIds((await w.asAnna.get("/admin/accounts?permission=player")).text, "accounts");
      expect(players).toContain(w.anna.id);
      expect(players).toContain(w.paul.id);
      expect((await w.asAnna.get("/admin/accounts?permission=god")).status).toBe(400);
    });

    it("lists scripts, channels and help entries with their search", async () => {
      const scripts = await w.asAnna.get("/admin/scripts?q=weather_100%25");
      expect(listedIds(scripts.text, "scripts")).toHaveLength(1);
      expect((await w.asAnna.get("/admin/scripts?obj=box")).status).toBe(400);
      const channels = await w.asAnna.get("/admin/channels?q=trad");
      expect(listedIds(channels.text, "channels")).toHaveLength(1);
      expect(pageText(channels.text)).toContain("trades");
      const help = await w.asAnna.get("/admin/help?q=steal");
      expect(help.text).toContain('href="/admin/help/thievery"');
      expect((await w.asAnna.get("/admin/help?category=skills")).text).toContain("thievery");
      expect((await w.asAnna.get("/admin/help?category=combat")).text).not.toContain("thievery");
    });

    it("refuses a form without its CSRF token, or with a wrong one, and changes nothing", async () => {
      await w.asAnna.get(`/admin/objects/${box.id}`);
      const missing = await w.asAnna.post(`/admin/objects/${box.id}/attributes`, { key: "stolen", category: "", value: "1" }, { csrf: false });
      expect(missing.status).toBe(403);
      const wrong = await w.asAnna.post(`/admin/objects/${box.id}/attributes`, { _csrf: "forged-token", key: "stolen", category: "", value: "1" });
      expect(wrong.status).toBe(403);
      expect((await w.asAnna.post("/admin/memory/flush", {}, { csrf: false })).status).toBe(403);
      expect(box.attributes.has("stolen")).toBe(false);
    });

    it("shows the server status figures", async () => {
      const page = await w.asAnna.get("/admin/status");
      expect(page.status).toBe(200);
      const text = pageText(page.text);
      expect(text).toMatch(/Uptime \d+s|Uptime \d+m/);
      expect(text).toMatch(/Commands [\d.]+ per second \(last \d+ s\), \d+ since start/);
      expect(text).toMatch(/Memory RSS [\d.]+ MiB, heap [\d.]+ MiB of [\d.]+ MiB/);
      expect(text).toMatch(/Command latency (no commands yet|p50 [\d.]+ ms · p90 [\d.]+ ms · p99 [\d.]+ ms · max [\d.]+ ms \(last \d+ commands\))/);
      expect(text).toMatch(/Sessions \d+/);
      expect(text).toMatch(/Accounts online \d+/);
      expect(text).toMatch(/Event loop (delay p50\/p99\/max [\d./]+ ms \(last \d+ s\)|delay not measured yet); GC pauses since start: \d+ minor/);
      // the identity map's figures, per table, as the store counts them
      const objects = (await w.services.status()).identityMap.object!;
      expect(page.text).toMatch(new RegExp(`<tr><td>object</td><td>\\d+</td><td>\\d+</td><td>\\d+</td></tr>`));
      expect(objects.live).toBeGreaterThan(30);
    });

    it("flushes the identity map from the status page", async () => {
      const { post, after } = await w.asAnna.submit("/admin/status", "/admin/memory/flush", {});
      expect(post.status).toBe(303);
      expect(post.location).toBe("/admin/status");
      expect(pageText(after!.text)).toMatch(/Flushed the identity map: \d+ objects? let go\./);
      expect(w.services.store.stats().object.strong).toBe(0);
    });

    it("bans and unbans an account name and an IP pattern", async () => {
      const named = await w.asAnna.submit("/admin/bans", "/admin/bans", { kind: "name", target: "Spammer", reason: "adverts <b>everywhere</b>" });
      expect(named.post.status).toBe(303);
      expect(await w.services.bans.isBanned({ username: "spammer" })).toBe(true);
      expect(named.after!.text).toContain("adverts &lt;b&gt;everywhere&lt;/b&gt;");
      await w.asAnna.submit("/admin/bans", "/admin/bans", { kind: "ip", target: "203.0.113.*", reason: "" });
      expect(await w.services.bans.isBanned({ ip: "203.0.113.9" })).toBe(true);
      // a malformed pattern is refused with the reason, and the list is as it was
      const bad = await w.asAnna.submit("/admin/bans", "/admin/bans", { kind: "ip", target: "203.0.113", reason: "" });
      expect(bad.post.status).toBe(400);
      expect((await w.services.bans.list()).length).toBe(2);
      const unban = await w.asAnna.submit("/admin/bans", "/admin/bans/delete", { id: "1", value: "spammer" });
      expect(unban.post.status).toBe(303);
      expect(pageText(unban.after!.text)).toContain("Cleared ban 1: 'spammer'.");
      expect(await w.services.bans.isBanned({ username: "spammer" })).toBe(false);
      expect(await w.services.bans.isBanned({ ip: "203.0.113.9" })).toBe(true);
      expect((await w.asAnna.post("/admin/bans/delete", { id: "x" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/bans/delete", { id: "7", value: "nobody" })).status).toBe(404);
    });
  });
}
