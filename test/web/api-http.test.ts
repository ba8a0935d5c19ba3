/**
 * REST API over HTTP: strong ETags and 304, If-Match and 412, the JSON error shape
 * (400 bad JSON, 405, 413, 415, 404), the OpenAPI description, writes seen by the
 * live in-memory objects, and CSRF rules for the website session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { registerTypeclass } from "../../evennia-ts/typeclasses/registry.ts";
import { getById, peekById } from "../../evennia-ts/typeclasses/search.ts";
import { setLogLevel, setLogSink, type LogLevel } from "../../evennia-ts/utils/logger.ts";
import { apiRouteTable } from "../../evennia-ts/web/api/routes.ts";
import { answerOf, startApiFixture, type ApiFixture } from "./api-fixture.ts";

/** An object whose hooks refuse every move and its deletion. */
class RootedStone extends DefaultObject {
  override async atPreMove(): Promise<boolean> {
    return false;
  }
  override async atObjectDelete(): Promise<boolean> {
    return false;
  }
}
registerTypeclass("test.api.RootedStone", RootedStone);

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`REST API over HTTP [${dialect}]`, () => {
    let f: ApiFixture;
    let lampPath: string;
    beforeAll(async () => {
      f = await startApiFixture(dialect);
      lampPath = `/objects/${f.lamp.id}`;
    });
    afterAll(async () => {
      await f?.stop();
    });

    it("tags every GET with a strong ETag, answers 304 while it holds, and changes it with attributes and tags", async () => {
      const first = await f.call("builder", "GET", lampPath);
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await f.call("builder", "GET", lampPath, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe("");
      expect((await f.call("builder", "GET", lampPath, { headers: { "if-none-match": `"other", ${etag}` } })).status).toBe(304);
      expect((await f.call("builder", "GET", lampPath, { headers: { "if-none-match": "*" } })).status).toBe(304);
      for (const list of ["/objects", "/help", "/"]) {
        const res = await f.call("builder", "GET", list);
        expect((await f.call("builder", "GET", list, { headers: { "if-none-match": res.headers.get("etag")! } })).status).toBe(304);
      }

      // game code changes a tag, then an attribute, of the live object: the ETag follows
      await f.services.runInUnit(async () => f.lamp.tags.add("antique"));
      const tagged = await f.call("builder", "GET", lampPath, { headers: { "if-none-match": etag } });
      expect(tagged.status).toBe(200);
      expect(tagged.json.tags).toContainEqual({ key: "antique", category: "" });
      const etag2 = tagged.headers.get("etag")!;
      expect(etag2).not.toBe(etag);
      await f.services.runInUnit(async () => (f.lamp.db.weight = 2));
      const weighed = await f.call("builder", "GET", lampPath, { headers: { "if-none-match": etag2 } });
      expect(weighed.status).toBe(200);
      expect(weighed.json.attributes).toContainEqual({ key: "weight", category: "", value: 2 });
      expect(weighed.headers.get("etag")).not.toBe(etag2);
    });

    it("refuses a change on a stale If-Match with 412 and applies one on the current version", async () => {
      const current = await f.call("admin", "GET", lampPath);
      const etag = current.headers.get("etag")!;
      await f.services.runInUnit(async () => f.lamp.attributes.add("fuel", 10));
      const stale = await f.call("admin", "PATCH", lampPath, { body: { key: "old lamp" }, headers: { "if-match": etag } });
      expect(stale.status).toBe(412);
      expect(stale.json.error.code).toBe("precondition_failed");
      expect(f.lamp.key).toBe("lamp");
      expect((await f.call("admin", "DELETE", lampPath, { headers: { "if-match": etag } })).status).toBe(412);
      expect(f.lamp.isDeleted).toBe(false);
      expect((await f.call("admin", "PATCH", lampPath, { body: { key: "x" }, headers: { "if-match": `W/${etag}` } })).status).toBe(412);

      const fresh = await f.call("admin", "GET", lampPath);
      const ok = await f.call("admin", "PATCH", lampPath, { body: { attributes: [{ key: "fuel", value: 9 }] }, headers: { "if-match": fresh.headers.get("etag")! } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("etag")).not.toBe(fresh.headers.get("etag"));
      // the answer's ETag is the one a GET now gives
      expect((await f.call("admin", "GET", lampPath)).headers.get("etag")).toBe(ok.headers.get("etag"));
      expect((await f.call("admin", "PATCH", lampPath, { body: { attributes: [{ key: "fuel", value: 8 }] }, headers: { "if-match": "*" } })).status).toBe(200);
      expect(f.lamp.attributes.get("fuel")).toBe(8);
    });

    it("replaces with PUT (every writable field) from a GET body, and keeps attributes not named", async () => {
      const got = await f.call("admin", "GET", lampPath);
      const body = { ...got.json, key: "brass lamp", tags: [{ key: "shiny", category: "look" }], attributes: [{ key: "polished", value: { by: "Anna", times: [1, 2] } }] };
      const put = await f.call("admin", "PUT", lampPath, { body, headers: { "if-match": got.headers.get("etag")! } });
      expect(put.status).toBe(200);
      expect(put.json.key).toBe("brass lamp");
      expect(f.lamp.tags.all()).toEqual([{ key: "shiny", category: "look" }]);
      expect(f.lamp.attributes.get("polished")).toEqual({ by: "Anna", times: [1, 2] });
      expect(f.lamp.attributes.get("colour")).toBe("red");
      const partial = await f.call("admin", "PUT", lampPath, { body: { key: "lamp" } });
      expect(partial.status).toBe(400);
      expect(partial.json.error.message).toMatch(/missing fields: .*aliases/);
      expect((await f.call("admin", "PATCH", lampPath, { body: { key: "lamp", attributes: [{ key: "polished", delete: true }] } })).status).toBe(200);
      expect(f.lamp.attributes.has("polished")).toBe(false);
    });

    it("is seen by the live in-memory object: one instance, changed in place", async () => {
      const before = peekById(f.lamp.id);
      expect(before).toBe(f.lamp);
      await f.call("admin", "PATCH", lampPath, { body: { location: f.cellar.id, attributes: [{ key: "hp", value: 7 }], aliases: ["lantern", "light"] } });
      expect(await getById(f.lamp.id)).toBe(f.lamp);
      expect(f.lamp.db.hp).toBe(7);
      expect(f.lamp.location).toBe(f.cellar);
      expect(f.cellar.contents).toContain(f.lamp);
      expect(f.hall.contents).not.toContain(f.lamp);
      expect(f.lamp.aliases.get().sort()).toEqual(["lantern", "light"]);
      const made = await f.call("builder", "POST", "/objects", { body: { key: "coin", location: f.hall.id, attributes: [{ key: "value", value: 5 }] } });
      const coin = peekById(made.json.id as number);
      expect(coin?.key).toBe("coin");
      expect(coin?.db.value).toBe(5);
      expect(f.hall.contents).toContain(coin);
      // and committed: the database has it
      const rows = await f.services.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'hp'", [f.lamp.id]);
      expect(rows.map((r) => JSON.parse(r.value))).toEqual([7]);
      await f.call("admin", "PATCH", lampPath, { body: { location: f.hall.id } });
    });

    it("lets the typeclass hooks refuse a move or a delete (409), changing nothing else", async () => {
      const stone = await f.services.runInUnit(() => createObject("test.api.RootedStone", { key: "stone", location: f.hall }));
      const path = `/objects/${stone.id}`;
      const move = await f.call("admin", "PATCH", path, { body: { key: "moved stone", location: f.cellar.id } });
      expect(move.status).toBe(409);
      expect(move.json.error.code).toBe("conflict");
      // the whole change is rolled back: the key too
      expect(stone.key).toBe("stone");
      expect(stone.location).toBe(f.hall);
      expect((await f.call("admin", "DELETE", path)).status).toBe(409);
      expect(stone.isDeleted).toBe(false);
      expect((await f.call("admin", "GET", path)).json.key).toBe("stone");
    });

    it("answers bad requests with JSON errors and keeps serving", async () => {
      const bad = await f.call("admin", "PATCH", lampPath, { rawBody: '{"key": "x",' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe("bad_json");
      const notJson = await f.call("admin", "PATCH", lampPath, { rawBody: "key=x", contentType: "text/plain" });
      expect(notJson.status).toBe(415);
      expect(notJson.json.error.code).toBe("unsupported_media_type");
      const form = await f.call("admin", "POST", "/objects", { rawBody: "key=x", contentType: "application/x-www-form-urlencoded" });
      expect(form.status).toBe(415);
      const big = await f.call("admin", "PATCH", lampPath, { body: { attributes: [{ key: "essay", value: "x".repeat(40_000) }] } });
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe("payload_too_large");
      const unknown = await f.call("admin", "PATCH", lampPath, { body: { colour: "red" } });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error.message).toMatch(/unknown field: colour/);
      const wrongType = await f.call("admin", "PATCH", lampPath, { body: { location: "the hall" } });
      expect(wrongType.status).toBe(400);
      const array = await f.call("admin", "PATCH", lampPath, { body: [1, 2] });
      expect(array.status).toBe(400);
      const tagged = await f.call("admin", "PATCH", lampPath, { body: { attributes: [{ key: "when", value: { $t: "date", v: 0 }, encoding: "tagged" }] } });
      expect(tagged.status).toBe(400);
      expect(tagged.json.error.message).toMatch(/cannot be written through the API/);
      expect((await f.call("admin", "PATCH", lampPath, { body: { location: 999_999 } })).status).toBe(400);
      expect((await f.call("admin", "PATCH", lampPath, { body: { location: f.lamp.id } })).status).toBe(400);
      const method = await f.call("admin", "DELETE", "/objects");
      expect(method.status).toBe(405);
      expect(method.headers.get("allow")).toBe("GET, POST, HEAD");
      expect(method.json.error.code).toBe("method_not_allowed");
      const missing = await f.call("admin", "GET", "/nothing-here");
      expect(missing.status).toBe(404);
      expect(missing.json.error.code).toBe("not_found");
      expect((await f.call("admin", "GET", "/objects/abc")).json.error.code).toBe("not_found");
      expect((await f.call("admin", "GET", "/objects/999999")).status).toBe(404);
      expect((await f.call("admin", "GET", `/rooms/${f.lamp.id}`)).status).toBe(404);
      // nothing was lost and the server answers
      expect(f.lamp.key).toBe("lamp");
      expect(f.lamp.attributes.has("essay")).toBe(false);
      expect((await f.call("admin", "GET", lampPath)).status).toBe(200);
    });

    it("shows values JSON cannot hold in tagged form, read-only", async () => {
      await f.services.runInUnit(async () => {
        f.lamp.attributes.add("lit_at", new Date(0));
        f.lamp.attributes.add("owner", f.hall);
      });
      const got = await f.call("admin", "GET", lampPath);
      const litAt = got.json.attributes.find((a: { key: string }) => a.key === "lit_at");
      expect(litAt.encoding).toBe("tagged");
      expect(litAt.value.$t).toBe("date");
      expect(got.json.attributes.find((a: { key: string }) => a.key === "owner").value).toMatchObject({ $t: "ref", id: f.hall.id });
      // sent back unchanged (a GET body PUT back) it is left alone; changed, it is refused
      const put = await f.call("admin", "PUT", lampPath, { body: got.json, headers: { "if-match": got.headers.get("etag")! } });
      expect(put.status).toBe(200);
      expect(f.lamp.attributes.get("owner")).toBe(f.hall);
      const changed = await f.call("admin", "PATCH", lampPath, { body: { attributes: [{ ...litAt, value: { $t: "date", v: 5 } }] } });
      expect(changed.status).toBe(400);
      expect(changed.json.error.message).toMatch(/cannot be written through the API/);
      expect((f.lamp.attributes.get("lit_at") as Date).getTime()).toBe(0);
    });

    it("logs every change with who made it, and nothing for a refused one", async () => {
      const lines: string[] = [];
      const previous = setLogSink((_level, line) => lines.push(line));
      setLogLevel("info");
      try {
        expect((await f.call("builder", "PATCH", lampPath, { body: { key: "stolen lamp" } })).status).toBe(403);
        expect((await f.call("admin", "PATCH", lampPath, { body: { attributes: [{ key: "audited", value: 1 }] } })).status).toBe(200);
        const made = await f.call("builder", "POST", "/objects", { body: { key: "pebble" } });
        expect((await f.call("builder", "DELETE", `/objects/${made.json.id}`)).status).toBe(204);
      } finally {
        setLogSink(previous);
        setLogLevel((process.env.EVENNIA_LOG_LEVEL as LogLevel | undefined) ?? "info");
      }
      const audit = lines.filter((l) => l.includes("[web-audit]"));
      expect(audit).toHaveLength(3);
      expect(audit[0]).toMatch(new RegExp(`admin1\\(#${f.accounts.admin.id}\\) from 127\\.0\\.0\\.1: api: updated object #${f.lamp.id} \\(attributes\\)`));
      expect(audit[1]).toContain("builder1(#");
      expect(audit[1]).toContain("api: created object #");
      expect(audit[2]).toContain("api: deleted object #");
    });

    it("describes every route of the table in openapi.json", async () => {
      const doc = await f.call("anonymous", "GET", "/openapi.json");
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toBe("3.1.0");
      const table = apiRouteTable(f.context);
      const described = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
      expect(described.sort()).toEqual(table.map((r) => `${r.method} ${r.path}`).sort());
      for (const resource of ["objects", "characters", "rooms", "exits", "accounts", "scripts", "channels"]) {
        expect(Object.keys(doc.json.paths[`/${resource}/{id}`]).sort()).toEqual(["delete", "get", "patch", "put"]);
        expect(Object.keys(doc.json.paths[`/${resource}`]).sort()).toEqual(["get", "post"]);
      }
      expect(doc.json.paths["/help/{key}"]).toBeDefined();
      expect(doc.json.paths["/objects"].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["limit", "offset", "search", "tag", "attribute", "location"]));
    });

    it("needs a same-origin Origin or the CSRF token for changes with the website session, never for Basic", async () => {
      const login = await fetch(`${f.web.url}/test-login?name=admin1`);
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const patch = (headers: Record<string, string>) =>
        fetch(`${f.web.url}/api${lampPath}`, { method: "PATCH", headers: { cookie, "content-type": "application/json", ...headers }, body: JSON.stringify({ attributes: [{ key: "by", value: "session" }] }) }).then(answerOf);
      expect((await fetch(`${f.web.url}/api${lampPath}`, { headers: { cookie } })).status).toBe(200);
      const bare = await patch({});
      expect(bare.status).toBe(403);
      expect(bare.json.error.message).toMatch(/CSRF/);
      expect((await patch({ origin: "http://evil.example" })).status).toBe(403);
      expect(f.lamp.attributes.has("by")).toBe(false);
      expect((await patch({ origin: f.web.url })).status).toBe(200);
      expect(f.lamp.attributes.get("by")).toBe("session");
      // without an Origin, the session's CSRF token will do (and a wrong one will not)
      const token = (await (await fetch(`${f.web.url}/test-token`, { headers: { cookie } })).text()).trim();
      expect(token.length).toBeGreaterThan(10);
      expect((await patch({ "x-csrf-token": "wrong" })).status).toBe(403);
      expect((await patch({ "x-csrf-token": token })).status).toBe(200);
      // Basic needs neither, whatever the Origin says
      expect((await f.call("admin", "PATCH", lampPath, { body: { key: "lamp" }, headers: { origin: "http://evil.example" } })).status).toBe(200);
    });
  });
}
