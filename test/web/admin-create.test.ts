/**
 * Creating from the web admin (objects as `create/drop`, accounts as the `create`
 * login command, scripts as `scripts`) and the edits that follow the in-game
 * commands: a location as `teleport` (through `moveTo` and its hooks), a home, an
 * account's email and password (as `userpassword`), a script's interval and
 * repeats. On both databases; refusals and bad input change nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dialectAvailable, printPostgresSkipNotice, TEST_DIALECTS } from "../../evennia-ts/testing/database-fixture.ts";
import { createObject } from "../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import { DefaultRoom } from "../../evennia-ts/typeclasses/rooms.ts";
import { DefaultScript } from "../../evennia-ts/typeclasses/scripts.ts";
import { DefaultAccount } from "../../evennia-ts/typeclasses/accounts.ts";
import { registerTypeclass } from "../../evennia-ts/typeclasses/registry.ts";
import { setLogLevel, setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { pageText, PASSWORD, startAdminWorld, type AdminWorld } from "./admin-fixture.ts";

/** A room that lets nothing in: its `atPreObjectReceive` hook says no. */
class AdminTestVault extends DefaultRoom {
  override async atPreObjectReceive(): Promise<boolean> {
    return false;
  }
}
registerTypeclass("tests.web_admin_create.Vault", AdminTestVault);

/** A script with a timer, whose creation hook leaves a mark. */
class AdminTestTicker extends DefaultScript {
  override async atScriptCreation(): Promise<void> {
    this.key = "ticker";
    this.interval = 60;
    this.db.made_by_hook = true;
  }
}
registerTypeclass("tests.web_admin_create.Ticker", AdminTestTicker);

for (const dialect of TEST_DIALECTS) {
  if (!dialectAvailable(dialect)) printPostgresSkipNotice();
  describe.skipIf(!dialectAvailable(dialect))(`web admin: create, move, credentials, timers [${dialect}]`, () => {
    let w: AdminWorld;
    let hall: DefaultRoom;
    let yard: DefaultRoom;
    let vault: DefaultRoom;
    let box: DefaultObject;
    let restoreSink: LogSink | null = null;

    beforeAll(async () => {
      w = await startAdminWorld(dialect);
      await w.services.runInUnit(async () => {
        hall = await createObject(DefaultRoom, { key: "Great Hall" });
        yard = await createObject(DefaultRoom, { key: "Courtyard" });
        vault = await createObject(AdminTestVault, { key: "Vault" });
        box = await createObject(DefaultObject, { key: "wooden box", location: hall, home: hall });
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

    async function countRows(table: string, where: string, params: unknown[]): Promise<number> {
      const [row] = await w.services.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
      return Number(row!.n);
    }

    it("creates an object as create/drop: in its location with the move hooks, the admin's account in its locks, audited", async () => {
      let post!: Awaited<ReturnType<typeof w.asAnna.post>>;
      const lines = await audited(async () => {
        await w.asAnna.get("/admin/objects");
        post = await w.asAnna.post("/admin/objects/new", { key: "brass lamp", typeclass: "", location: `#${hall.id}`, home: "" });
      });
      expect(post.status).toBe(303);
      const id = Number(/\/admin\/objects\/(\d+)$/.exec(post.location!)![1]);
      const lamp = (await w.services.store.get("object", id)) as DefaultObject;
      expect(lamp.key).toBe("brass lamp");
      expect(lamp.location).toBe(hall);
      expect(hall.contents).toContain(lamp);
      expect(lamp.home).toBe(hall);
      expect(lamp.locks.get("control")).toContain(`pid(${w.anna.id})`);
      expect(lamp.db.creator_id).toBe(w.anna.id);
      expect(lines.some((l) => l.includes(`anna(#${w.anna.id})`) && l.includes(`object #${id}: Created brass lamp(#${id})`))).toBe(true);
      const page = await w.asAnna.get(post.location!);
      expect(pageText(page.text)).toContain(`Created brass lamp(#${id}) of type`);
      // a room of a named typeclass, nowhere, its home given
      const room = await w.asAnna.post("/admin/objects/new", { key: "Attic", typeclass: "evennia.objects.DefaultRoom", location: "", home: `#${yard.id}` });
      expect(room.status).toBe(303);
      const attic = (await w.services.store.get("object", Number(/(\d+)$/.exec(room.location!)![1]))) as DefaultObject;
      expect(attic).toBeInstanceOf(DefaultRoom);
      expect(attic.location).toBeNull();
      expect(attic.home).toBe(yard);
    });

    it("refuses a bad object creation with its reason and leaves nothing behind", async () => {
      await w.asAnna.get("/admin/objects");
      const refused = await w.asAnna.post("/admin/objects/new", { key: "gold bar", typeclass: "", location: `#${vault.id}`, home: "" });
      expect(refused.status).toBe(409);
      expect(pageText(refused.text)).toContain("was refused by a move hook");
      expect(await countRows("objects", "key = ?", ["gold bar"])).toBe(0);
      const unknown = await w.asAnna.post("/admin/objects/new", { key: "gold bar", typeclass: "no.such.Thing", location: "", home: "" });
      expect(unknown.status).toBe(400);
      expect(pageText(unknown.text)).toContain("could not be found");
      expect((await w.asAnna.post("/admin/objects/new", { key: "gold bar", typeclass: "evennia.scripts.DefaultScript", location: "", home: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/new", { key: "   ", typeclass: "", location: "", home: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/new", { key: "gold bar", typeclass: "", location: "the hall", home: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/new", { key: "gold bar", typeclass: "", location: "#999999", home: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/new", { key: ["gold", "bar"], typeclass: "", location: "", home: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/objects/new", { key: "gold bar", typeclass: "", location: "", home: "" }, { csrf: false })).status).toBe(403);
      expect((await w.asPaul.post("/admin/objects/new", { key: "gold bar", typeclass: "", location: "", home: "" })).status).toBe(403);
      expect(await countRows("objects", "key = ?", ["gold bar"])).toBe(0);
    });

    it("creates an account as the create command does: the password rules, its character, an email; never the password in the log", async () => {
      let post!: Awaited<ReturnType<typeof w.asAnna.post>>;
      const lines = await audited(async () => {
        await w.asAnna.get("/admin/accounts");
        post = await w.asAnna.post("/admin/accounts/new", { username: "mira", password: "tulips in april", password2: "tulips in april", email: "mira@example.com" });
      });
      expect(post.status).toBe(303);
      const mira = (await w.services.store.get("account", Number(/(\d+)$/.exec(post.location!)![1]))) as DefaultAccount;
      expect(mira.key).toBe("mira");
      expect(await mira.checkPassword("tulips in april")).toBe(true);
      expect(mira.email).toBe("mira@example.com");
      expect(mira.isSuperuser).toBe(false);
      expect(mira.characters.map((c) => c.key)).toEqual(["mira"]);
      expect(lines.some((l) => l.includes(`account #${mira.id}: Account mira (#${mira.id}) was created`))).toBe(true);
      expect(lines.join("\n")).not.toContain("tulips");
      const [row] = await w.services.db.query<{ email: string }>("SELECT email FROM accounts WHERE id = ?", [mira.id]);
      expect(row!.email).toBe("mira@example.com");

      const tooShort = await w.asAnna.post("/admin/accounts/new", { username: "nell", password: "abc", password2: "abc", email: "" });
      expect(tooShort.status).toBe(400);
      expect(pageText(tooShort.text)).toContain("A password must be at least");
      expect((await w.asAnna.post("/admin/accounts/new", { username: "nell", password: "tulips in april", password2: "tulips in may", email: "" })).status).toBe(400);
      const taken = await w.asAnna.post("/admin/accounts/new", { username: "MIRA", password: "tulips in april", password2: "tulips in april", email: "" });
      expect(taken.status).toBe(400);
      expect((await w.asAnna.post("/admin/accounts/new", { username: "x<", password: "tulips in april", password2: "tulips in april", email: "" })).status).toBe(400);
      // a bad email after the account was made: the whole creation is rolled back
      expect((await w.asAnna.post("/admin/accounts/new", { username: "nell", password: "tulips in april", password2: "tulips in april", email: "not an email" })).status).toBe(400);
      expect((await w.asPaul.post("/admin/accounts/new", { username: "nell", password: "tulips in april", password2: "tulips in april", email: "" })).status).toBe(403);
      expect(await countRows("accounts", "username_lower = ?", ["nell"])).toBe(0);
      expect(await countRows("objects", "key = ?", ["nell"])).toBe(0);
    });

    it("creates scripts as the scripts command: on an object or global, started, its creation hook run", async () => {
      await w.asAnna.get("/admin/scripts");
      const onBox = await w.asAnna.post("/admin/scripts/new", { typeclass: "tests.web_admin_create.Ticker", key: "", obj: `#${box.id}` });
      expect(onBox.status).toBe(303);
      const ticker = (await w.services.store.get("script", Number(/(\d+)$/.exec(onBox.location!)![1]))) as DefaultScript;
      expect(ticker.key).toBe("ticker");
      expect(ticker.obj).toBe(box);
      expect(ticker.isActive).toBe(true);
      expect(ticker.db.made_by_hook).toBe(true);
      expect((await box.scripts.all()).map((s) => s.id)).toContain(ticker.id);
      const global = await w.asAnna.post("/admin/scripts/new", { typeclass: "evennia.scripts.DefaultScript", key: "weather", obj: "" });
      expect(global.status).toBe(303);
      const weather = (await w.services.store.get("script", Number(/(\d+)$/.exec(global.location!)![1]))) as DefaultScript;
      expect(weather.key).toBe("weather");
      expect(weather.obj).toBeNull();

      expect((await w.asAnna.post("/admin/scripts/new", { typeclass: "no.such.Script", key: "bad", obj: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/scripts/new", { typeclass: "evennia.objects.DefaultObject", key: "bad", obj: "" })).status).toBe(400);
      expect((await w.asAnna.post("/admin/scripts/new", { typeclass: "evennia.scripts.DefaultScript", key: "bad", obj: "#999999" })).status).toBe(400);
      expect((await w.asPaul.post("/admin/scripts/new", { typeclass: "evennia.scripts.DefaultScript", key: "bad", obj: "" })).status).toBe(403);
      expect(await countRows("scripts", "key = ?", ["bad"])).toBe(0);
    });

    it("moves an object as teleport does, through moveTo and its hooks; a refused move moves nothing", async () => {
      const seen: string[] = [];
      const original = box.atPostMove.bind(box);
      box.atPostMove = async (source, options) => {
        seen.push(`${source?.key}->${box.location?.key} ${options?.moveType}`);
        await original(source, options);
      };
      try {
        const { post, after } = await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/location`, { location: `#${yard.id}` });
        expect(post.status).toBe(303);
        expect(pageText(after!.text)).toContain("Teleported wooden box -> Courtyard.");
        expect(box.location).toBe(yard);
        expect(hall.contents).not.toContain(box);
        expect(seen).toEqual(["Great Hall->Courtyard teleport"]);
        const [row] = await w.services.db.query<{ location_id: number }>("SELECT location_id FROM objects WHERE id = ?", [box.id]);
        expect(Number(row!.location_id)).toBe(yard.id);

        const refused = await w.asAnna.post(`/admin/objects/${box.id}/location`, { location: `#${vault.id}` });
        expect(refused.status).toBe(409);
        expect(box.location).toBe(yard);
        expect(vault.contents).not.toContain(box);
        expect((await w.asAnna.post(`/admin/objects/${box.id}/location`, { location: `#${box.id}` })).status).toBe(400);
        expect((await w.asAnna.post(`/admin/objects/${box.id}/location`, { location: `#${yard.id}` })).status).toBe(400);
        expect((await w.asAnna.post(`/admin/objects/${box.id}/location`, { location: "yard" })).status).toBe(400);
        // the yard holds the box: it may not go into it
        const inside = await w.asAnna.post(`/admin/objects/${yard.id}/location`, { location: `#${box.id}` });
        expect(inside.status).toBe(400);
        expect(pageText(inside.text)).toContain("inside something it holds");
        expect(yard.location).toBeNull();
        // to nowhere (tel/tonone), and back from there (as teleport: placed, no move hooks)
        expect((await w.asAnna.post(`/admin/objects/${box.id}/location`, { location: "" })).status).toBe(303);
        expect(box.location).toBeNull();
        expect(yard.contents).not.toContain(box);
        expect((await w.asAnna.post(`/admin/objects/${box.id}/location`, { location: `#${hall.id}` })).status).toBe(303);
        expect(box.location).toBe(hall);
        expect(seen).toEqual(["Great Hall->Courtyard teleport"]);
      } finally {
        box.atPostMove = original;
      }
    });

    it("sets and clears a home, refusing what is not an object", async () => {
      await w.asAnna.submit(`/admin/objects/${box.id}`, `/admin/objects/${box.id}/home`, { home: `#${yard.id}` });
      expect(box.home).toBe(yard);
      expect((await w.asAnna.post(`/admin/objects/${box.id}/home`, { home: "#999999" })).status).toBe(400);
      expect((await w.asAnna.post(`/admin/objects/${box.id}/home`, { home: "yard" })).status).toBe(400);
      expect(box.home).toBe(yard);
      await w.asAnna.post(`/admin/objects/${box.id}/home`, { home: "" });
      expect(box.home).toBeNull();
    });

    it("sets a password as userpassword: the rules apply, never a superuser's or a higher account's, never logged", async () => {
      let after: Awaited<ReturnType<typeof w.asAnna.get>> | null = null;
      const lines = await audited(async () => {
        ({ after } = await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/password`, { password: "sunflowers in june", password2: "sunflowers in june" }));
      });
      expect(pageText(after!.text)).toContain("paul - new password set.");
      expect(await w.paul.checkPassword("sunflowers in june")).toBe(true);
      expect(lines.some((l) => l.includes(`account #${w.paul.id}: paul - new password set.`))).toBe(true);
      expect(lines.join("\n")).not.toContain("sunflowers");
      expect(after!.text).not.toContain("sunflowers");

      const short = await w.asAnna.post(`/admin/accounts/${w.paul.id}/password`, { password: "abc", password2: "abc" });
      expect(short.status).toBe(400);
      expect((await w.asAnna.post(`/admin/accounts/${w.paul.id}/password`, { password: "sunflowers in july", password2: "sunflowers in jul" })).status).toBe(400);
      expect(await w.paul.checkPassword("sunflowers in june")).toBe(true);
      // the superuser's, and a Developer's, are out of an Admin's reach; the page says so
      expect((await w.asAnna.post(`/admin/accounts/${w.root.id}/password`, { password: "taken over now", password2: "taken over now" })).status).toBe(403);
      expect(await w.root.checkPassword(PASSWORD)).toBe(true);
      const dev = await w.services.createAccount("devon", PASSWORD);
      await w.services.runInUnit(async () => {
        dev.permissions.add("Developer");
      });
      expect(pageText((await w.asAnna.get(`/admin/accounts/${dev.id}`)).text)).toContain("You cannot change this account's password");
      expect((await w.asAnna.post(`/admin/accounts/${dev.id}/password`, { password: "taken over now", password2: "taken over now" })).status).toBe(403);
      expect(await dev.checkPassword(PASSWORD)).toBe(true);
      // a superuser may
      await w.asRoot.submit(`/admin/accounts/${dev.id}`, `/admin/accounts/${dev.id}/password`, { password: "given by root", password2: "given by root" });
      expect(await dev.checkPassword("given by root")).toBe(true);
    });

    it("sets and clears an email, refusing what is not an address", async () => {
      await w.asAnna.submit(`/admin/accounts/${w.paul.id}`, `/admin/accounts/${w.paul.id}/email`, { email: " paul@example.org " });
      expect(w.paul.email).toBe("paul@example.org");
      for (const bad of ["paul", "paul@", "a b@example.org", "<x>@example.org", "x@localhost"]) {
        expect((await w.asAnna.post(`/admin/accounts/${w.paul.id}/email`, { email: bad })).status).toBe(400);
      }
      expect((await w.asAnna.post(`/admin/accounts/${w.root.id}/email`, { email: "root@example.org" })).status).toBe(403);
      expect(w.paul.email).toBe("paul@example.org");
      expect(w.root.email).toBeNull();
      await w.asAnna.post(`/admin/accounts/${w.paul.id}/email`, { email: "" });
      expect(w.paul.email).toBeNull();
    });

    it("changes a script's interval and repeats as the scheduler takes them, restarting a running timer", async () => {
      let script!: DefaultScript;
      await w.services.runInUnit(async () => {
        script = await box.scripts.add(AdminTestTicker, { key: "timed" });
      });
      expect(script.isActive).toBe(true);
      const { after } = await w.asAnna.submit(`/admin/scripts/${script.id}`, `/admin/scripts/${script.id}/timer`, { interval: "30", repeats: "3" });
      expect(pageText(after!.text)).toContain("interval 30 s, repeats 3 (restarted)");
      expect(script.interval).toBe(30);
      expect(script.repeats).toBe(3);
      expect(script.isActive).toBe(true);
      expect(script.timeUntilNextRepeat()).not.toBeNull();
      expect(script.timeUntilNextRepeat()!).toBeLessThanOrEqual(30);
      const [row] = await w.services.db.query<{ interval: number; repeats: number }>('SELECT "interval", repeats FROM scripts WHERE id = ?', [script.id]);
      expect([Number(row!.interval), Number(row!.repeats)]).toEqual([30, 3]);
      for (const [interval, repeats] of [["abc", "1"], ["-1", "1"], ["1.5", "1"], ["10", ""], ["99999999999", "1"]]) {
        expect((await w.asAnna.post(`/admin/scripts/${script.id}/timer`, { interval: interval!, repeats: repeats! })).status).toBe(400);
      }
      expect([script.interval, script.repeats]).toEqual([30, 3]);
      // a stopped script keeps the values for its next start
      await w.services.runInUnit(() => script.stop());
      await w.asAnna.post(`/admin/scripts/${script.id}/timer`, { interval: "0", repeats: "0" });
      expect([script.interval, script.repeats, script.isActive]).toEqual([0, 0, false]);
    });
  });
}
