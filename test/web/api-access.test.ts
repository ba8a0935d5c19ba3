/**
 * REST API access rules per role (Evennia's EvenniaPermission): logged-in accounts
 * only; lists and creation need Builder (accounts: Admin); one resource passes its
 * locks (`examine`; `control`/`edit`; `delete`); permissions never above one's own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { getById } from "../../evennia-ts/typeclasses/search.ts";
import { startApiFixture, type ApiFixture, type Role } from "./api-fixture.ts";

const ROLES: Role[] = ["anonymous", "player", "builder", "admin", "developer", "superuser"];

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`REST API access [${dialect}]`, () => {
    let f: ApiFixture;
    beforeAll(async () => {
      f = await startApiFixture(dialect);
    });
    afterAll(async () => {
      await f?.stop();
    });

    it("answers anonymous requests 401 with a Basic challenge, and a wrong password 401", async () => {
      const anon = await f.call("anonymous", "GET", "/objects");
      expect(anon.status).toBe(401);
      expect(anon.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
      expect(anon.json).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
      const wrong = await fetch(`${f.web.url}/api/objects`, { headers: { authorization: `Basic ${Buffer.from("builder1:nope").toString("base64")}` } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      // the index and the description are open
      expect((await f.call("anonymous", "GET", "/")).status).toBe(200);
      expect((await f.call("anonymous", "GET", "/openapi.json")).status).toBe(200);
    });

    it("reads each resource class by role", async () => {
      const expected: Record<string, Record<Role, number>> = {
        "/objects": { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        "/characters": { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        "/rooms": { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        "/exits": { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        [`/objects/${f.lamp.id}`]: { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        "/accounts": { anonymous: 401, player: 403, builder: 403, admin: 200, developer: 200, superuser: 200 },
        [`/accounts/${f.accounts.player.id}`]: { anonymous: 401, player: 403, builder: 403, admin: 200, developer: 200, superuser: 200 },
        "/scripts": { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        "/channels": { anonymous: 401, player: 403, builder: 200, admin: 200, developer: 200, superuser: 200 },
        "/help": { anonymous: 401, player: 200, builder: 200, admin: 200, developer: 200, superuser: 200 },
      };
      const got: Record<string, Record<string, number>> = {};
      for (const path of Object.keys(expected)) {
        got[path] = {};
        for (const role of ROLES) got[path]![role] = (await f.call(role, "GET", path)).status;
      }
      expect(got).toEqual(expected);
    });

    it("changes objects by their locks: Admins edit, Builders only what they created", async () => {
      const lamp = `/objects/${f.lamp.id}`;
      expect((await f.call("player", "PATCH", lamp, { body: { key: "lamp" } })).status).toBe(403);
      const denied = await f.call("builder", "PATCH", lamp, { body: { key: "Lamp" } });
      expect(denied.status).toBe(403);
      expect(denied.json.error.code).toBe("forbidden");
      expect(f.lamp.key).toBe("lamp");
      expect((await f.call("admin", "PATCH", lamp, { body: { attributes: [{ key: "lit", value: true }] } })).status).toBe(200);
      expect(f.lamp.attributes.get("lit")).toBe(true);

      const made = await f.call("builder", "POST", "/objects", { body: { key: "crate", location: f.hall.id } });
      expect(made.status).toBe(201);
      expect(made.headers.get("location")).toBe(`/api/objects/${made.json.id}`);
      expect(made.json.locks).toContain(`control:pid(${f.accounts.builder.id})`);
      expect((await f.call("builder", "PATCH", `/objects/${made.json.id}`, { body: { key: "big crate" } })).json.key).toBe("big crate");
      expect((await f.call("player", "DELETE", `/objects/${made.json.id}`)).status).toBe(403);
      expect((await f.call("builder", "DELETE", lamp)).status).toBe(403);
      expect((await f.call("builder", "DELETE", `/objects/${made.json.id}`)).status).toBe(204);
      expect((await f.call("builder", "GET", `/objects/${made.json.id}`)).status).toBe(404);
      expect((await f.call("player", "POST", "/rooms", { body: { key: "Attic" } })).status).toBe(403);
      expect((await f.call("anonymous", "POST", "/rooms", { body: { key: "Attic" } })).status).toBe(401);
    });

    it("denies by the object's own locks, and only control changes locks", async () => {
      const statue = await f.call("superuser", "POST", "/objects", { body: { key: "statue", location: f.hall.id, locks: "examine:perm(Builder);edit:false();delete:false();control:perm(Developer)" } });
      expect(statue.status).toBe(201);
      const path = `/objects/${statue.json.id}`;
      const edit = await f.call("admin", "PATCH", path, { body: { key: "broken statue" } });
      expect(edit.status).toBe(403);
      expect(edit.json.error.message).toMatch(/control or edit lock/);
      expect((await f.call("admin", "DELETE", path)).status).toBe(403);
      // Admins pass `edit` on the lamp but not `control`: its locks stay
      const locks = await f.call("admin", "PATCH", `/objects/${f.lamp.id}`, { body: { locks: "get:false()" } });
      expect(locks.status).toBe(403);
      expect(f.lamp.locks.get("get")).toBe("get:all()");
      // a Developer passes control
      const dev = await f.call("developer", "PATCH", path, { body: { locks: "examine:perm(Builder);edit:all();delete:false();control:perm(Developer)" } });
      expect(dev.status).toBe(200);
      expect((await f.call("admin", "PATCH", path, { body: { key: "broken statue" } })).status).toBe(200);
      expect((await f.call("developer", "PATCH", path, { body: { locks: "edit:nosuchfunc(" } })).status).toBe(400);
    });

    it("changes accounts Admin+ only, never above one's own rank", async () => {
      const made = await f.call("admin", "POST", "/accounts", { body: { username: "newbie", password: "a long password" } });
      expect(made.status).toBe(201);
      expect(made.json).not.toHaveProperty("password");
      expect((await f.call("builder", "POST", "/accounts", { body: { username: "other", password: "a long password" } })).status).toBe(403);
      expect((await f.call("admin", "POST", "/accounts", { body: { username: "Newbie", password: "a long password" } })).status).toBe(409);
      const id = made.json.id as number;
      const up = await f.call("admin", "PATCH", `/accounts/${id}`, { body: { permissions: ["Builder"] } });
      expect(up.status).toBe(200);
      expect(up.json.permissions).toEqual(["builder"]);
      const tooHigh = await f.call("admin", "PATCH", `/accounts/${id}`, { body: { permissions: ["Developer"] } });
      expect(tooHigh.status).toBe(403);
      expect((await f.call("admin", "PATCH", `/accounts/${f.accounts.developer.id}`, { body: { permissions: ["Player"] } })).status).toBe(403);
      expect((await f.call("admin", "PATCH", `/accounts/${f.accounts.superuser.id}`, { body: { attributes: [{ key: "x", value: 1 }] } })).status).toBe(403);
      expect((await f.call("developer", "PATCH", `/accounts/${f.accounts.superuser.id}`, { body: { attributes: [{ key: "x", value: 1 }] } })).status).toBe(403);
      expect((await f.call("builder", "PATCH", `/accounts/${id}`, { body: { permissions: [] } })).status).toBe(403);
      expect((await f.call("builder", "PATCH", `/objects/${f.lamp.id}`, { body: { permissions: ["Admin"] } })).status).toBe(403);
      expect((await f.call("admin", "PATCH", `/accounts/${id}`, { body: { isSuperuser: true } })).json.isSuperuser).toBe(false);
      // the new password works for Basic
      expect((await f.call("admin", "PATCH", `/accounts/${id}`, { body: { password: "another long one" } })).status).toBe(200);
      const basic = await fetch(`${f.web.url}/api/objects`, { headers: { authorization: `Basic ${Buffer.from("newbie:another long one").toString("base64")}` } });
      expect(basic.status).toBe(200);
      expect((await f.call("admin", "DELETE", `/accounts/${id}`)).status).toBe(204);
      // never the account one is logged in with (as accounts/delete in game and the web admin)
      const self = await f.call("admin", "DELETE", `/accounts/${f.accounts.admin.id}`);
      expect(self.status).toBe(403);
      expect(self.json.error.message).toContain("your own account");
      expect(f.accounts.admin.isDeleted).toBe(false);
    });

    it("writes scripts, channels and help by their rules", async () => {
      const script = await f.call("builder", "POST", "/scripts", { body: { key: "weather", description: "rain", autostart: false } });
      expect(script.status).toBe(201);
      expect(script.json.isActive).toBe(false);
      expect((await f.call("player", "POST", "/scripts", { body: { key: "x" } })).status).toBe(403);
      expect((await f.call("builder", "DELETE", `/scripts/${script.json.id}`)).status).toBe(403);
      expect((await f.call("admin", "PATCH", `/scripts/${script.json.id}`, { body: { description: "snow" } })).json.description).toBe("snow");
      expect((await f.call("admin", "DELETE", `/scripts/${script.json.id}`)).status).toBe(204);

      const channel = await f.call("builder", "POST", "/channels", { body: { key: "builders", description: "for builders" } });
      expect(channel.status).toBe(201);
      expect((await f.call("builder", "POST", "/channels", { body: { key: "Builders" } })).status).toBe(409);
      expect((await f.call("builder", "PATCH", `/channels/${channel.json.id}`, { body: { description: "x" } })).status).toBe(403);
      expect((await f.call("admin", "PATCH", `/channels/${channel.json.id}`, { body: { description: "for all builders" } })).json.description).toBe("for all builders");
      expect((await f.call("admin", "DELETE", `/channels/${channel.json.id}`)).status).toBe(204);

      expect((await f.call("player", "POST", "/help", { body: { key: "building", text: "How to build." } })).status).toBe(403);
      const help = await f.call("builder", "POST", "/help", { body: { key: "building", text: "How to build.", aliases: ["build"] } });
      expect(help.status).toBe(201);
      expect((await f.call("player", "GET", "/help/building")).json.text).toBe("How to build.");
      const secret = await f.call("builder", "POST", "/help", { body: { key: "secrets", text: "Staff only.", locks: "view:perm(Builder);read:perm(Builder);edit:perm(Developer)" } });
      expect(secret.status).toBe(201);
      expect((await f.call("player", "GET", "/help/secrets")).status).toBe(404);
      expect((await f.call("player", "GET", "/help")).json.results.map((r: { key: string }) => r.key)).toEqual(["building"]);
      expect((await f.call("admin", "PATCH", "/help/secrets", { body: { text: "x" } })).status).toBe(403);
      expect((await f.call("developer", "PATCH", "/help/secrets", { body: { text: "Staff only!" } })).json.text).toBe("Staff only!");
      expect((await f.call("builder", "DELETE", "/help/building")).status).toBe(204);
      expect((await f.call("builder", "GET", "/help/building")).status).toBe(404);
    });

    it("an object's id() lock names objects: the account with the same number does not pass it", async () => {
      // what a builder's character #N leaves on the things it creates: `control:id(N)`; account #N is someone else
      const n = f.accounts.player.id;
      const locks = `examine:id(${n}) or perm(Admin);control:id(${n}) or perm(Admin);edit:id(${n}) or perm(Admin);delete:id(${n}) or perm(Admin)`;
      const made = await f.call("superuser", "POST", "/objects", { body: { key: "chest", location: f.hall.id, locks } });
      expect(made.status).toBe(201);
      const path = `/objects/${made.json.id}`;
      expect((await f.call("player", "GET", path)).status).toBe(403);
      expect((await f.call("player", "PATCH", path, { body: { key: "my chest" } })).status).toBe(403);
      expect((await f.call("player", "DELETE", path)).status).toBe(403);
      expect((await f.call("admin", "GET", path)).json.key).toBe("chest");
      // the object with that number passes, as Evennia's id()
      const [chest, sameNumber] = await f.services.runInUnit(() => Promise.all([getById(made.json.id), getById(n)]));
      expect(sameNumber).not.toBeNull();
      expect(chest!.access(sameNumber!, "control")).toBe(true);
    });

    it("serves the game's own API routes with the same login", async () => {
      expect((await f.call("player", "GET", "/game-hello")).json).toEqual({ hello: "player1" });
      expect((await f.call("anonymous", "GET", "/game-hello")).json).toEqual({ hello: null });
    });
  });
}

describe("REST API turned off (restApiEnabled: false) [sqlite]", () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture("sqlite", { restApiEnabled: false });
  });
  afterAll(async () => {
    await f?.stop();
  });

  it("answers every framework API path 404 in the API's shape, and still serves the game's API routes", async () => {
    for (const path of ["/", "/objects", `/objects/${f.lamp.id}`, "/openapi.json"]) {
      const answer = await f.call("superuser", "GET", path);
      expect(answer.status, path).toBe(404);
      expect(answer.json.error.code, path).toBe("not_found");
    }
    expect((await f.call("superuser", "PATCH", `/objects/${f.lamp.id}`, { body: { key: "x" } })).status).toBe(404);
    expect(f.lamp.key).toBe("lamp");
    expect((await f.call("player", "GET", "/game-hello")).json).toEqual({ hello: "player1" });
  });
});
