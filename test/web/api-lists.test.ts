/**
 * REST API lists: Evennia's filters (key, name/alias, typeclass, tags, attributes
 * by name and value, location ...), `search`, and bounded limit/offset paging with
 * `count` and `next`/`previous` links.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import { startApiFixture, type ApiFixture } from "./api-fixture.ts";

const keys = (answer: { json: { results: { key: string }[] } }): string[] => answer.json.results.map((r) => r.key);

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`REST API lists [${dialect}]`, () => {
    let f: ApiFixture;
    beforeAll(async () => {
      f = await startApiFixture(dialect);
      await f.services.runInUnit(async () => {
        for (let i = 1; i <= 7; i++) {
          const crate = await createObject(undefined, { key: `crate ${i}`, location: f.cellar });
          crate.attributes.add("weight", i % 2 === 0 ? 10 : 20);
          if (i <= 2) crate.tags.add("fragile", "handling");
          if (i === 3) crate.tags.add("fragile");
        }
      });
    });
    afterAll(async () => {
      await f?.stop();
    });

    it("pages with limit and offset, bounded, with count and links", async () => {
      const first = await f.call("builder", "GET", "/objects?search=crate");
      expect(first.json.count).toBe(7);
      expect(keys(first)).toEqual(["crate 1", "crate 2", "crate 3", "crate 4"]); // restApiPageSize 4
      expect(first.json.previous).toBeNull();
      expect(first.json.next).toBe("/api/objects?search=crate&limit=4&offset=4");
      const second = await f.call("builder", "GET", first.json.next.slice("/api".length));
      expect(keys(second)).toEqual(["crate 5", "crate 6", "crate 7"]);
      expect(second.json.next).toBeNull();
      expect(second.json.previous).toBe("/api/objects?search=crate&limit=4&offset=0");
      const capped = await f.call("builder", "GET", "/objects?search=crate&limit=1000");
      expect(keys(capped)).toHaveLength(5); // restApiMaxPageSize 5
      expect(keys(await f.call("builder", "GET", "/objects?search=crate&limit=2&offset=6"))).toEqual(["crate 7"]);
      expect((await f.call("builder", "GET", "/objects?search=crate&offset=100")).json).toMatchObject({ count: 7, results: [] });
      for (const bad of ["limit=0", "limit=abc", "offset=-1", "colour=red", "limit=1&limit=2", "location=here"]) {
        const answer = await f.call("builder", "GET", `/objects?${bad}`);
        expect(answer.status, bad).toBe(400);
        expect(answer.json.error.code, bad).toBe("bad_param");
      }
    });

    it("filters by key, name or alias, typeclass and location", async () => {
      expect(keys(await f.call("builder", "GET", "/objects?db_key=LAMP"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?db_key=lantern"))).toEqual([]);
      expect(keys(await f.call("builder", "GET", "/objects?name=lantern"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?alias=lantern"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?search=ante"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?search=%25"))).toEqual([]);
      expect(keys(await f.call("builder", "GET", `/objects?location=${f.hall.id}`)).sort()).toEqual(["down", "lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?location_key=hall")).sort()).toEqual(["down", "lamp"]);
      expect(keys(await f.call("builder", "GET", `/objects?destination=${f.cellar.id}`))).toEqual(["down"]);
      expect(keys(await f.call("builder", "GET", "/rooms?location=none"))).toEqual(["Limbo", "Hall", "Cellar"]); // Limbo: made at first start
      expect(keys(await f.call("builder", "GET", "/objects?typeclass=evennia.objects.DefaultExit"))).toEqual(["down"]);
      expect(keys(await f.call("builder", "GET", "/exits"))).toEqual(["down"]);
      const characters = await f.call("builder", "GET", "/characters?limit=5");
      expect(characters.json.count).toBeGreaterThan(0);
      expect(keys(characters)).not.toContain("lamp");
      expect(keys(await f.call("admin", "GET", "/accounts?username=ADMIN1"))).toEqual([undefined]);
      expect((await f.call("admin", "GET", "/accounts?username=admin1")).json.results[0].username).toBe("admin1");
      expect((await f.call("admin", "GET", "/accounts?is_superuser=true")).json.results.map((a: { username: string }) => a.username)).toEqual(["Root"]);
    });

    it("filters by tags and attributes", async () => {
      expect(keys(await f.call("builder", "GET", "/objects?tag=fragile"))).toEqual(["crate 1", "crate 2", "crate 3"]);
      expect(keys(await f.call("builder", "GET", "/objects?tag=fragile&tag_category=handling"))).toEqual(["crate 1", "crate 2"]);
      expect(keys(await f.call("builder", "GET", "/objects?tag_category=look"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?attribute=colour"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", "/objects?attribute=weight&attribute_value=10"))).toEqual(["crate 2", "crate 4", "crate 6"]);
      expect(keys(await f.call("builder", "GET", "/objects?attribute=colour&attribute_value=red"))).toEqual(["lamp"]);
      expect(keys(await f.call("builder", "GET", '/objects?attribute=colour&attribute_value="blue"'))).toEqual([]);
      expect((await f.call("builder", "GET", "/objects?attribute_value=10")).status).toBe(400);
      // a change through the API is what the next list sees
      await f.call("admin", "PATCH", `/objects/${f.lamp.id}`, { body: { tags: ["fragile"], attributes: [{ key: "weight", value: 10 }] } });
      expect(keys(await f.call("builder", "GET", "/objects?tag=fragile&attribute=weight&attribute_value=10"))).toEqual(["lamp", "crate 2"]);
    });

    it("filters scripts, channels and help", async () => {
      await f.call("builder", "POST", "/scripts", { body: { key: "tide", obj: f.cellar.id, autostart: false } });
      await f.call("builder", "POST", "/scripts", { body: { key: "clock", interval: 60, persistent: true } });
      expect(keys(await f.call("builder", "GET", `/scripts?obj=${f.cellar.id}`))).toEqual(["tide"]);
      expect(keys(await f.call("builder", "GET", "/scripts?interval=60"))).toEqual(["clock"]);
      expect(keys(await f.call("builder", "GET", "/scripts?is_active=false&db_key=tide"))).toEqual(["tide"]);
      await f.call("builder", "POST", "/channels", { body: { key: "Trade", aliases: ["market"] } });
      expect(keys(await f.call("builder", "GET", "/channels?name=market"))).toEqual(["Trade"]);
      for (const key of ["combat", "crafting", "cooking"]) await f.call("builder", "POST", "/help", { body: { key, text: `About ${key}.`, category: key === "combat" ? "fighting" : "skills" } });
      expect(keys(await f.call("player", "GET", "/help?category=skills"))).toEqual(["cooking", "crafting"]);
      const paged = await f.call("player", "GET", "/help?search=c&limit=2");
      expect(paged.json).toMatchObject({ count: 3, next: "/api/help?search=c&limit=2&offset=2", previous: null });
      expect((await f.call("player", "GET", "/help?colour=red")).status).toBe(400);
    });
  });
}
