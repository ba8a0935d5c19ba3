/**
 * Authorization holes of the web layer, second attacker review: who may change
 * what through the REST API and the web admin, role by role, where the existing
 * access tests (api-access, admin-edit, web-hostile) left gaps.
 *
 * - An owner's `edit` lock (a player's own character) is no way round `examine`:
 *   a PATCH with an empty body read what a GET refused, and a plain Player could
 *   teleport, retype, re-stat or delete their character through the API.
 * - A Builder creating a script could attach it to an object they may not even
 *   examine, or to another account (the superuser's included).
 * - The web admin let an Admin rename, retype, re-lock, re-attribute or delete a
 *   Developer's account (the API's rank rule was not applied there).
 * - An Admin could change and delete through the API what the superuser plays
 *   (the web admin refused it).
 * - A Builder moved things through the API past the `teleport`/`teleport_here`
 *   locks that `teleport` and `spawn` check (into a jail room, into a player's pockets).
 * - The `attribute`/`attribute_value` list filter told a Builder whether an
 *   attribute they may not read (its `attrread` lock) exists and what it holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import type { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { DefaultCharacter } from "../../evennia-ts/typeclasses/characters.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { DefaultRoom } from "../../evennia-ts/typeclasses/rooms.ts";
import { getById } from "../../evennia-ts/typeclasses/search.ts";
import { PASSWORD as ADMIN_PASSWORD, startAdminWorld, WebClient, type AdminWorld } from "./admin-fixture.ts";
import { startApiFixture, type ApiFixture } from "./api-fixture.ts";

for (const dialect of TEST_DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`REST API authorization, round two [${dialect}]`, () => {
    let f: ApiFixture;
    let hero: DefaultObject;
    beforeAll(async () => {
      f = await startApiFixture(dialect);
      hero = await f.services.runInUnit(async () => {
        const c = await createObject(DefaultCharacter, { key: "Hero", location: f.hall, home: f.hall });
        // the locks a player's own character gets: puppet, edit and delete by its account
        c.locks.add(DefaultCharacter.getDefaultLockstring({ account: f.accounts.player, caller: null, obj: c }));
        c.attributes.add("gold", 5);
        return c;
      });
    });
    afterAll(async () => {
      await f?.stop();
    });

    it("a Player's edit lock on their own character does not let the API read, move, retype, re-stat or delete it", async () => {
      const path = `/characters/${hero.id}`;
      expect(hero.access(f.accounts.player, "edit")).toBe(true);
      expect((await f.call("player", "GET", path)).status).toBe(403);
      // an empty PATCH used to answer the whole detail GET refused
      const empty = await f.call("player", "PATCH", path, { body: {} });
      expect(empty.status).toBe(403);
      expect(empty.json).not.toHaveProperty("attributes");
      for (const body of [{ location: f.cellar.id }, { attributes: [{ key: "gold", value: 1_000_000 }] }, { typeclass: "evennia.objects.DefaultRoom" }, { key: "Renamed" }]) {
        const answer = await f.call("player", "PATCH", path, { body });
        expect(answer.status, JSON.stringify(body)).toBe(403);
      }
      expect((await f.call("player", "PUT", path, { body: { key: "Hero", aliases: [], permissions: [], tags: [], locks: hero.locks.toString(), location: f.cellar.id, home: null, destination: null } })).status).toBe(403);
      expect((await f.call("player", "DELETE", path)).status).toBe(403);
      expect(hero.location).toBe(f.hall);
      expect(hero.attributes.get("gold")).toBe(5);
      expect(hero.key).toBe("Hero");
      expect(hero.isDeleted).toBe(false);
      // a Builder (who may examine it) with the Admin fallback denied still gets 403; an Admin changes it
      expect((await f.call("builder", "PATCH", path, { body: { key: "Renamed" } })).status).toBe(403);
      expect((await f.call("admin", "PATCH", path, { body: { attributes: [{ key: "gold", value: 6 }] } })).status).toBe(200);
      expect(hero.attributes.get("gold")).toBe(6);
    });

    it("what the superuser plays is changed and deleted through the API by a superuser only, as in the web admin", async () => {
      const rootCharacter = f.accounts.superuser.characters[0]!;
      // playing it sets the character's account, as a puppet does
      await f.services.runInUnit(async () => {
        rootCharacter.account = f.accounts.superuser;
      });
      const path = `/characters/${rootCharacter.id}`;
      expect((await f.call("admin", "GET", path)).status).toBe(200);
      for (const role of ["admin", "developer"] as const) {
        expect((await f.call(role, "PATCH", path, { body: { location: f.cellar.id } })).status, role).toBe(403);
        expect((await f.call(role, "PATCH", path, { body: { attributes: [{ key: "cursed", value: true }] } })).status, role).toBe(403);
        expect((await f.call(role, "DELETE", path)).status, role).toBe(403);
      }
      expect(rootCharacter.isDeleted).toBe(false);
      expect(rootCharacter.attributes.has("cursed")).toBe(false);
      expect((await f.call("superuser", "PATCH", path, { body: { attributes: [{ key: "blessed", value: true }] } })).status).toBe(200);
    });

    it("a Builder moves and creates things through the API past no teleport or teleport_here lock, as teleport and spawn", async () => {
      const jail = await f.services.runInUnit(async () => {
        const room = await createObject(DefaultRoom, { key: "Jail" });
        room.locks.add("teleport_here:false()");
        return room;
      });
      const crate = await f.call("builder", "POST", "/objects", { body: { key: "crate", location: f.hall.id } });
      expect(crate.status).toBe(201);
      const path = `/objects/${crate.json.id}`;
      expect((await f.call("builder", "PATCH", path, { body: { location: jail.id } })).status).toBe(403);
      // into a player's pockets: characters take things teleported in from Admins only
      expect((await f.call("builder", "PATCH", path, { body: { location: hero.id } })).status).toBe(403);
      expect((await f.call("builder", "POST", "/objects", { body: { key: "smuggled", location: jail.id } })).status).toBe(403);
      expect((await f.call("superuser", "GET", `/objects?location=${jail.id}`)).json.count).toBe(0);
      expect((await f.call("builder", "GET", path)).json.location).toEqual({ id: f.hall.id, key: "Hall" });
      // an object whose own teleport lock refuses stays where it is
      await f.services.runInUnit(async () => (await getById(crate.json.id))!.locks.add("teleport:false()"));
      expect((await f.call("builder", "PATCH", path, { body: { location: f.cellar.id } })).status).toBe(403);
      await f.services.runInUnit(async () => (await getById(crate.json.id))!.locks.add("teleport:true()"));
      expect((await f.call("builder", "PATCH", path, { body: { location: f.cellar.id } })).status).toBe(200);
      // Admins pass both locks, as in-game
      expect((await f.call("admin", "PATCH", path, { body: { location: jail.id } })).status).toBe(200);
    });

    it("the attribute filter is no oracle for an attribute the lister may not read", async () => {
      const safe = await f.services.runInUnit(async () => {
        const o = await createObject(undefined, { key: "safe", location: f.hall });
        o.attributes.add("combination", 4711, { lockstring: "attrread:perm(Developer);attredit:perm(Developer)" });
        return o;
      });
      const detail = await f.call("builder", "GET", `/objects/${safe.id}`);
      expect(detail.json.attributes.map((a: { key: string }) => a.key)).not.toContain("combination");
      const count = async (query: string) => (await f.call("builder", "GET", `/objects?${query}`)).json.count as number;
      expect(await count("attribute=combination&attribute_value=4711")).toBe(0);
      expect(await count("attribute=combination")).toBe(0);
      // an attribute without a read lock is found as before
      await f.services.runInUnit(async () => safe.attributes.add("colour", "grey"));
      expect(await count("attribute=colour&attribute_value=%22grey%22")).toBe(1);
    });

    it("a script is attached only to an object the creator may examine, and to an account they may manage", async () => {
      const vault = await f.call("superuser", "POST", "/objects", { body: { key: "vault", location: f.hall.id, locks: "examine:perm(Admin);edit:perm(Admin);control:perm(Developer)" } });
      expect((await f.call("builder", "GET", `/objects/${vault.json.id}`)).status).toBe(403);
      const onVault = await f.call("builder", "POST", "/scripts", { body: { key: "haunt", obj: vault.json.id, autostart: false } });
      expect(onVault.status).toBe(403);
      const onRoot = await f.call("builder", "POST", "/scripts", { body: { key: "haunt", account: f.accounts.superuser.id, autostart: false } });
      expect(onRoot.status).toBe(403);
      expect((await f.call("admin", "POST", "/scripts", { body: { key: "haunt", account: f.accounts.superuser.id, autostart: false } })).status).toBe(403);
      expect((await f.call("admin", "POST", "/scripts", { body: { key: "haunt", account: f.accounts.developer.id, autostart: false } })).status).toBe(403);
      const listed = await f.call("superuser", "GET", "/scripts?db_key=haunt");
      expect(listed.json.count).toBe(0);
      // what one made, one's own account, and what an Admin manages are fine
      const crate = await f.call("builder", "POST", "/objects", { body: { key: "crate", location: f.hall.id } });
      expect((await f.call("builder", "POST", "/scripts", { body: { key: "creak", obj: crate.json.id, autostart: false } })).status).toBe(201);
      expect((await f.call("builder", "POST", "/scripts", { body: { key: "mine", account: f.accounts.builder.id, autostart: false } })).status).toBe(201);
      expect((await f.call("admin", "POST", "/scripts", { body: { key: "watch", obj: f.lamp.id, account: f.accounts.player.id, autostart: false } })).status).toBe(201);
    });
  });

  describe.skipIf(!dialectAvailable(dialect))(`web admin authorization, round two [${dialect}]`, () => {
    let w: AdminWorld;
    let dev: DefaultAccount;
    let asDev: WebClient;
    beforeAll(async () => {
      w = await startAdminWorld(dialect);
      dev = await w.services.createAccount("devon", ADMIN_PASSWORD);
      await w.services.runInUnit(async () => {
        dev.permissions.add("Developer");
      });
      asDev = new WebClient(() => w.web.url, { username: "devon", password: ADMIN_PASSWORD });
    });
    afterAll(async () => {
      await w?.stop();
    });

    it("an Admin cannot rename, retype, re-lock, tag, set attributes on, mail-change or delete a Developer's account", async () => {
      const page = `/admin/accounts/${dev.id}`;
      // the page shows the account to an Admin without offering its change forms
      const shown = await w.asAnna.get(page);
      expect(shown.status).toBe(200);
      for (const form of ["name", "attributes", "tags", "locks", "permissions"]) expect(shown.text).not.toContain(`action="${page}/${form}"`);
      expect((await w.asRoot.get(page)).text).toContain(`action="${page}/attributes"`);
      const attempts: [string, Record<string, string>][] = [
        [`${page}/name`, { key: "pwned" }],
        [`${page}/email`, { email: "attacker@example.org" }],
        [`${page}/attributes`, { key: "note", category: "", value: "'x'" }],
        [`${page}/tags`, { key: "marked", category: "" }],
        [`${page}/locks`, { lockstring: "examine:false()" }],
        [`${page}/typeclass`, { typeclass: dev.typeclassPath, mode: "reset" }],
        [`${page}/permissions/delete`, { permission: "developer" }],
        [`${page}/delete`, {}],
      ];
      const statuses: Record<string, number> = {};
      for (const [path, fields] of attempts) statuses[path] = (await w.asAnna.submit(page, path, fields)).post.status;
      expect(statuses).toEqual(Object.fromEntries(attempts.map(([path]) => [path, 403])));
      const still = await w.services.runInUnit(() => getById<DefaultAccount>(dev.id, "account"));
      expect(still?.isDeleted).toBe(false);
      expect(dev.key).toBe("devon");
      expect(dev.email ?? null).toBeNull();
      expect(dev.attributes.has("note")).toBe(false);
      expect(dev.tags.has("marked")).toBe(false);
      expect(dev.locks.get("examine")).not.toBe("examine:false()");
      // the Developer changes their own account; the superuser changes it too
      expect((await asDev.submit(page, `${page}/tags`, { key: "marked", category: "" })).post.status).toBe(303);
      expect((await w.asRoot.submit(page, `${page}/tags/delete`, { key: "marked", category: "" })).post.status).toBe(303);
      // an Admin still changes a Player's account
      expect((await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/tags`, { key: "seen", category: "" })).post.status).toBe(303);
    });
  });
}
