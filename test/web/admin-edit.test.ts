/**
 * Changes made in the web admin, on both databases: they go through the store,
 * the typeclass hooks and the locks, onto the live instance the game holds; they
 * are audited; refusals change nothing; values are escaped on the page.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { createChannel, createObject, createScript } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { DefaultRoom } from "../../evennia-ts/typeclasses/rooms.ts";
import { DefaultExit } from "../../evennia-ts/typeclasses/exits.ts";
import { registerTypeclass } from "../../evennia-ts/typeclasses/registry.ts";
import type { DefaultChannel } from "../../evennia-ts/typeclasses/channels.ts";
import type { DefaultScript } from "../../evennia-ts/typeclasses/scripts.ts";
import { findDbHelpEntry, saveDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { setLogLevel, setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { pageText, startAdminWorld, type AdminWorld } from "./admin-fixture.ts";

/** A typeclass whose creation hook leaves a mark, to see that a typeclass change runs it. */
class AdminTestChest extends DefaultObject {
  override async atObjectCreation(): Promise<void> {
    await super.atObjectCreation();
    this.db.chest_made = (Number(this.db.chest_made) || 0) + 1;
  }
}
registerTypeclass("tests.web_admin.Chest", AdminTestChest);

for (const dialect of TEST_DIALECTS) {
  if (!dialectAvailable(dialect)) printPostgresSkipNotice();
  describe.skipIf(!dialectAvailable(dialect))(`web admin: changes [${dialect}]`, () => {
    let w: AdminWorld;
    let hall: DefaultRoom;
    let box: DefaultObject;
    let restoreSink: LogSink | null = null;

    beforeAll(async () => {
      w = await startAdminWorld(dialect);
      await w.services.runInUnit(async () => {
        hall = await createObject(DefaultRoom, { key: "Great Hall" });
        box = await createObject(DefaultObject, { key: "wooden box", location: hall, home: hall });
        box.db.weight = 5;
      });
    });
    afterAll(async () => {
      await w?.stop();
    });
    afterEach(() => {
      if (restoreSink) setLogSink(restoreSink);
      restoreSink = null;
      setLogLevel("warn");
    });

    /** Capture the audit log lines while `fn` runs. */
    async function audited(fn: () => Promise<void>): Promise<string[]> {
      const lines: string[] = [];
      setLogLevel("info");
      restoreSink = setLogSink((_level, line) => {
        if (line.includes("[web-audit]")) lines.push(line);
      });
      await fn();
      return lines;
    }

    it("sets an attribute on the live object: the game's instance sees it at once, and it is on disk", async () => {
      const live = await w.services.store.get("object", box.id);
      expect(live).toBe(box);
      const lines = await audited(async () => {
        const { post, after } = await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes`, { key: "stats", category: "", value: "{'str': 10, 'tags': ['a', 'b']}" });
        expect(post.status).toBe(303);
        expect(pageText(after!.text)).toContain("Created attribute wooden box/stats.");
      });
      expect(box.attributes.get("stats")).toEqual({ str: 10, tags: ["a", "b"] });
      expect(lines.some((l) => l.includes(`anna(#${w.anna.id})`) && l.includes(`object #${box.id}: Created attribute wooden box/stats.`))).toBe(true);
      const [row] = await w.services.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_kind = 'object' AND owner_id = ? AND key = 'stats'", [box.id]);
      expect(JSON.parse(row!.value)).toEqual({ str: 10, tags: ["a", "b"] });
      // changing an existing value, and text that is not a literal, stored as text (as `set`)
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes`, { key: "weight", category: "", value: "7.5" });
      expect(box.db.weight).toBe(7.5);
      const { after } = await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes`, { key: "desc", category: "", value: "A sturdy box." });
      expect(box.db.desc).toBe("A sturdy box.");
      expect(pageText(after!.text)).toContain("(stored as text: it is not a literal)");
      // the edit box holds the value as `set` reads it back
      expect(after!.text).toContain("&#39;A sturdy box.&#39;</textarea>");
      // a reference to another object
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes`, { key: "owner_room", category: "lore", value: `$dbref(#${hall.id})` });
      expect(box.attributes.get("owner_room", { category: "lore" })).toBe(hall);
      expect((await w.asAnna.get(`/admin/objects/${box.id}`)).text).toContain(`$dbref(#${hall.id})</textarea>`);
    });

    it("deletes an attribute", async () => {
      await w.services.runInUnit(async () => {
        box.db.doomed = true;
      });
      const { post } = await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes/delete`, { key: "doomed", category: "" });
      expect(post.status).toBe(303);
      expect(box.attributes.has("doomed")).toBe(false);
      expect((await w.asAnna.post(`/admin/objects/${box.id}/attributes/delete`, { key: "doomed", category: "" })).status).toBe(400);
    });

    it("escapes markup in attribute values, names and keys", async () => {
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes`, { key: "note", category: "", value: "<script>alert('x')</script>" });
      expect(box.db.note).toBe("<script>alert('x')</script>");
      await w.services.runInUnit(async () => {
        box.attributes.add("<img src=x onerror=alert(1)>", 1);
      });
      const page = await w.asAnna.get(`/admin/objects/${box.id}`);
      expect(page.text).not.toContain("<script>alert");
      expect(page.text).not.toContain("<img src=x");
      expect(page.text).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
      expect(page.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/name`, { key: "<b>box</b>" });
      expect(box.key).toBe("<b>box</b>");
      const list = await w.asAnna.get("/admin/objects?q=box");
      expect(list.text).toContain("&lt;b&gt;box&lt;/b&gt;");
      expect(list.text).not.toContain("<b>box</b>");
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/name`, { key: "wooden box" });
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/attributes/delete`, { key: "<img src=x onerror=alert(1)>", category: "" });
    });

    it("refuses bad input with a clear message and changes nothing", async () => {
      await w.asAnna.get(`/admin/objects/${box.id}`);
      const noKey = await w.asAnna.post(`/admin/objects/${box.id}/attributes`, { key: "  ", category: "", value: "1" });
      expect(noKey.status).toBe(400);
      expect(pageText(noKey.text)).toContain("The attribute name cannot be empty.");
      const twice = await w.asAnna.post(`/admin/objects/${box.id}/attributes`, { key: ["a", "b"], category: "", value: "1" });
      expect(twice.status).toBe(400);
      expect((await w.asAnna.post(`/admin/objects/${box.id}/attributes`, { key: "x", category: "", value: "$dbref(#999999)" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/abc/attributes", { key: "x", category: "", value: "1" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/999999/attributes", { key: "x", category: "", value: "1" })).status).toBe(404);
      expect((await w.asAnna.get("/admin/objects/999999")).status).toBe(404);
      const badLock = await w.asAnna.post(`/admin/objects/${box.id}/locks`, { lockstring: "get:nosuchfunc(" });
      expect(badLock.status).toBe(400);
      expect(box.attributes.has("a")).toBe(false);
      expect(box.attributes.has("x")).toBe(false);
      expect(box.locks.get("get")).toBe("get:all()");
    });

    it("changes the typeclass through the typeclass command's path, running its hooks", async () => {
      const { post, after } = await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/typeclass`, { typeclass: "tests.web_admin.Chest", mode: "update" });
      expect(post.status).toBe(303);
      expect(pageText(after!.text)).toContain("changed typeclass from");
      // the same instance, now of the new class, its creation hook run, its data kept
      expect(await w.services.store.get("object", box.id)).toBe(box);
      expect(box).toBeInstanceOf(AdminTestChest);
      expect(box.typeclassPath).toBe("tests.web_admin.Chest");
      expect(box.db.chest_made).toBe(1);
      expect(box.db.weight).toBe(7.5);
      // reset: the attributes go first, then every creation hook runs
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/typeclass`, { typeclass: "tests.web_admin.Chest", mode: "reset" });
      expect(box.db.weight).toBeUndefined();
      expect(box.db.chest_made).toBe(1);
      expect(box.locks.get("edit")).toBe("edit:perm(Admin)");
      // an unknown path, or one of another kind, leaves it as it was
      const unknown = await w.asAnna.post(`/admin/objects/${box.id}/typeclass`, { typeclass: "no.such.Thing", mode: "update" });
      expect(unknown.status).toBe(400);
      expect(pageText(unknown.text)).toContain("No typeclass is registered as 'no.such.Thing'");
      expect((await w.asAnna.post(`/admin/objects/${box.id}/typeclass`, { typeclass: w.anna.typeclassPath, mode: "update" })).status).toBe(400);
      expect(box).toBeInstanceOf(AdminTestChest);
      await w.services.runInUnit(async () => {
        box.db.weight = 7.5;
      });
    });

    it("adds and removes tags, aliases and locks", async () => {
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/tags`, { key: "Heavy", category: "weight" });
      expect(box.tags.has("heavy", "weight")).toBe(true);
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/tags/delete`, { key: "heavy", category: "weight" });
      expect(box.tags.has("heavy", "weight")).toBe(false);
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/aliases`, { alias: "chest" });
      expect(box.aliases.has("chest")).toBe(true);
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/aliases/delete`, { alias: "chest" });
      expect(box.aliases.has("chest")).toBe(false);
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/locks`, { lockstring: "get:perm(Builder)" });
      expect(box.locks.get("get")).toBe("get:perm(Builder)");
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/locks/delete`, { type: "get" });
      expect(box.locks.get("get")).toBe("");
      // the control lock needs control access, which an Admin lacks on objects (control:perm(Developer))
      expect((await w.asAnna.post(`/admin/objects/${box.id}/locks`, { lockstring: "control:all()" })).status).toBe(403);
      await w.services.runInUnit(async () => {
        box.locks.add("get:all()");
      });
    });

    it("goes by the object's locks: an Admin the edit lock refuses changes nothing; the superuser passes", async () => {
      let vault!: DefaultObject;
      await w.services.runInUnit(async () => {
        vault = await createObject(DefaultObject, { key: "vault", location: hall });
        vault.locks.add("edit:false();delete:false()");
      });
      const page = await w.asAnna.get(`/admin/objects/${vault.id}`);
      expect(page.text).toContain("You may look at this object but not change it");
      const refused = await w.asAnna.post(`/admin/objects/${vault.id}/attributes`, { key: "gold", category: "", value: "100" });
      expect(refused.status).toBe(403);
      expect(vault.attributes.has("gold")).toBe(false);
      const ok = await w.asRoot.submit(`/admin/objects/${vault.id}`, `/admin/objects/${vault.id}/attributes`, { key: "gold", category: "", value: "100" });
      expect(ok.post.status).toBe(303);
      expect(vault.db.gold).toBe(100);
      // an attribute's own attredit lock
      await w.services.runInUnit(async () => {
        box.attributes.add("sealed", 1, { lockstring: "attredit:false()" });
      });
      expect((await w.asAnna.post(`/admin/objects/${box.id}/attributes`, { key: "sealed", category: "", value: "2" })).status).toBe(403);
      expect(box.db.sealed).toBe(1);
    });

    it("gives and takes permissions, never above the admin's own, and leaves superusers to superusers", async () => {
      await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/permissions`, { permission: "Builder" });
      expect(w.paul.permissions.has("builder")).toBe(true);
      const tooHigh = await w.asAnna.post(`/admin/accounts/${w.paul.id}/permissions`, { permission: "Developer" });
      expect(tooHigh.status).toBe(403);
      expect(pageText(tooHigh.text)).toContain("You cannot assign a permission higher than the one you have yourself.");
      expect(w.paul.permissions.has("developer")).toBe(false);
      await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/permissions/delete`, { permission: "builder" });
      expect(w.paul.permissions.has("builder")).toBe(false);
      // an object's permissions need its control lock (perm(Developer) by default), as `perm` asks
      expect((await w.asAnna.get(`/admin/objects/${box.id}`)).text).toContain("Changing them needs control access");
      expect((await w.asAnna.post(`/admin/objects/${box.id}/permissions`, { permission: "Builder" })).status).toBe(403);
      expect(box.permissions.has("builder")).toBe(false);
      // the superuser's account: not for an Admin
      const page = await w.asAnna.get(`/admin/accounts/${w.root.id}`);
      expect(page.text).toContain("You may look at this account but not change it.");
      expect((await w.asAnna.post(`/admin/accounts/${w.root.id}/name`, { key: "rooty" })).status).toBe(403);
      expect((await w.asAnna.post(`/admin/accounts/${w.root.id}/attributes`, { key: "x", category: "", value: "1" })).status).toBe(403);
      expect((await w.asAnna.post(`/admin/accounts/${w.root.id}/permissions/delete`, { permission: "developer" })).status).toBe(403);
      expect(w.root.key).toBe("root");
      // the superuser gives what it likes
      await w.asRoot.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/permissions`, { permission: "Developer" });
      expect(w.paul.permissions.has("developer")).toBe(true);
      await w.asRoot.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/permissions/delete`, { permission: "developer" });
    });

    it("renames an account, refusing a name that is taken", async () => {
      const taken = await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/name`, { key: "ANNA" });
      expect(taken.post.status).toBe(400);
      expect(w.paul.key).toBe("paul");
      await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/name`, { key: "Paula" });
      expect(w.paul.key).toBe("Paula");
      await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/name`, { key: "paul" });
    });

    it("deletes an object after a confirmation page, never the default home", async () => {
      let doomed!: DefaultObject;
      let door!: DefaultExit;
      let pebble!: DefaultObject;
      await w.services.runInUnit(async () => {
        doomed = await createObject(DefaultRoom, { key: "Doomed Room" });
        door = await createObject(DefaultExit, { key: "door", location: hall, destination: doomed });
        pebble = await createObject(DefaultObject, { key: "pebble", location: doomed, home: hall });
      });
      const confirm = await w.asAnna.get(`/admin/objects/${doomed.id}/delete`);
      expect(confirm.status).toBe(200);
      expect(pageText(confirm.text)).toContain("Delete object Doomed Room");
      expect(confirm.text).toContain("Yes, delete");
      expect(doomed.isDeleted).toBe(false);
      const done = await w.asAnna.post(`/admin/objects/${doomed.id}/delete`, {});
      expect(done.status).toBe(303);
      expect(doomed.isDeleted).toBe(true);
      expect(door.isDeleted).toBe(true);
      expect(pebble.location).toBe(hall);
      expect((await w.asAnna.get(`/admin/objects/${doomed.id}`)).status).toBe(404);
      // a character an account plays: only with "delete anyway"
      let puppet!: DefaultObject;
      await w.services.runInUnit(async () => {
        puppet = await createObject(DefaultObject, { key: "paul's puppet", location: hall, account: w.paul });
      });
      expect((await w.asAnna.get(`/admin/objects/${puppet.id}/delete`)).text).toContain("Delete it anyway");
      const refused = await w.asAnna.post(`/admin/objects/${puppet.id}/delete`, {});
      expect(refused.status).toBe(403);
      expect(pageText(refused.text)).toContain("is controlled by the account paul");
      expect(puppet.isDeleted).toBe(false);
      expect((await w.asAnna.post(`/admin/objects/${puppet.id}/delete`, { override: "yes" })).status).toBe(303);
      expect(puppet.isDeleted).toBe(true);
      // what a superuser plays is the superuser's
      let rootsToy!: DefaultObject;
      await w.services.runInUnit(async () => {
        rootsToy = await createObject(DefaultObject, { key: "root's puppet", location: hall, account: w.root });
      });
      expect((await w.asAnna.post(`/admin/objects/${rootsToy.id}/attributes`, { key: "x", category: "", value: "1" })).status).toBe(403);
      expect((await w.asAnna.post(`/admin/objects/${rootsToy.id}/delete`, { override: "yes" })).status).toBe(403);
      expect(rootsToy.isDeleted).toBe(false);
      // the default home (#1, Limbo)
      const limbo = await w.services.store.get("object", 1);
      const refusal = await w.asRoot.get("/admin/objects/1/delete");
      expect(pageText(refusal.text)).toContain("the default home");
      expect(refusal.text).not.toContain("Yes, delete");
      expect((await w.asRoot.post("/admin/objects/1/delete", {})).status).toBe(403);
      expect(limbo!.isDeleted).toBe(false);
    });

    it("deletes accounts, but not one's own, nor the superuser's by an Admin", async () => {
      const doomed = await w.services.createAccount("doomed", "correct horse battery");
      expect((await w.asAnna.get(`/admin/accounts/${doomed.id}/delete`)).text).toContain("Yes, delete");
      expect((await w.asAnna.post(`/admin/accounts/${doomed.id}/delete`, {})).status).toBe(303);
      expect(doomed.isDeleted).toBe(true);
      expect(pageText((await w.asAnna.get(`/admin/accounts/${w.anna.id}/delete`)).text)).toContain("You cannot delete your own account");
      expect((await w.asAnna.post(`/admin/accounts/${w.anna.id}/delete`, {})).status).toBe(403);
      expect((await w.asAnna.post(`/admin/accounts/${w.root.id}/delete`, {})).status).toBe(403);
      expect(w.anna.isDeleted || w.root.isDeleted).toBe(false);
    });

    it("edits and deletes scripts, channels and help entries", async () => {
      let script!: DefaultScript;
      let channel!: DefaultChannel;
      await w.services.runInUnit(async () => {
        script = await createScript(undefined, { key: "ticker" });
        channel = await createChannel(undefined, { key: "ooc-test", desc: "old" });
        await saveDbHelpEntry(w.services.db, { key: "Swimming", aliases: [], category: "skills", text: "Keep your head up.", locks: "read:all()" });
      });
      await w.asAnna.submit(`/admin/scripts/${script.id}`, `/admin/scripts/${script.id}/fields`, { key: "tocker", description: "ticks" });
      expect(script.key).toBe("tocker");
      expect(script.description).toBe("ticks");
      expect((await w.asAnna.post(`/admin/scripts/${script.id}/action`, { action: "explode" })).status).toBe(400);
      await w.asAnna.submit(`/admin/scripts/${script.id}`, `/admin/scripts/${script.id}/action`, { action: "start" });
      expect(script.isActive).toBe(true);
      await w.asAnna.submit(`/admin/scripts/${script.id}`, `/admin/scripts/${script.id}/action`, { action: "stop" });
      expect(script.isActive).toBe(false);
      await w.asAnna.submit(`/admin/scripts/${script.id}`, `/admin/scripts/${script.id}/delete`, {});
      expect(script.isDeleted).toBe(true);

      await w.asAnna.submit(`/admin/channels/${channel.id}`, `/admin/channels/${channel.id}/description`, { description: "new words" });
      expect(channel.description).toBe("new words");
      await w.asAnna.submit(`/admin/channels/${channel.id}`, `/admin/channels/${channel.id}/delete`, {});
      expect(channel.isDeleted).toBe(true);

      const edit = await w.asAnna.submit("/admin/help/swimming", "/admin/help/swimming", { key: "Swimming", category: "Skills", aliases: "swim, paddle", locks: "read:all()", text: "Keep your <head> up." });
      expect(edit.post.status).toBe(303);
      const entry = await findDbHelpEntry(w.services.db, "swimming");
      expect(entry!.aliases).toEqual(["swim", "paddle"]);
      expect(entry!.category).toBe("skills");
      expect(edit.after!.text).toContain("Keep your &lt;head&gt; up.");
      expect((await w.asAnna.post("/admin/help/swimming", { key: "Swimming", category: "", aliases: "", locks: "read:nosuch(", text: "x" })).status).toBe(400);
      expect((await findDbHelpEntry(w.services.db, "swimming"))!.text).toBe("Keep your <head> up.");
      await w.asAnna.submit("/admin/help/swimming", "/admin/help/swimming/delete", {});
      expect(await findDbHelpEntry(w.services.db, "swimming")).toBeUndefined();
      const created = await w.asAnna.submit("/admin/help", "/admin/help", { key: "Climbing", category: "skills", aliases: "", locks: "read:all()", text: "Up." });
      expect(created.post.status).toBe(303);
      expect((await findDbHelpEntry(w.services.db, "climbing"))!.text).toBe("Up.");
    });
  });
}
