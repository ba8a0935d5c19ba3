/**
 * Units of work interleaved on the same objects, on both databases. Whatever one of them
 * commits while another is still open, the database ends as memory does once the other
 * rolls back (a commit writes rows, attributes, tags and channel subscriptions as memory
 * holds them, which may include the open unit's changes); attributes and tags whose
 * names hold `:` do not overwrite each other's staged writes; an object moved into a
 * room while the room's delete awaits is sent home with the rest. On PostgreSQL, a
 * connection lost after the server committed but before its answer came back does not
 * pass for a failed commit.
 */
import net from "node:net";
import { expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { describeEachDatabase, describeOnDatabases, postgresTestUrl, withDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultObject, DefaultScript, Store, createAccount, createChannel, createObject, registerTypeclass } from "../../evennia-ts/typeclasses/index.ts";
import { storedAttribute } from "../typeclasses/store-helpers.ts";

/** A promise with its resolve function, to interleave two units of work step by step. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A script whose deletion waits for the test: its owner's delete pauses there, at its last await. */
class PausingScript extends DefaultScript {
  static reached = gate();
  static release = gate();
  override async atObjectDelete(): Promise<void> {
    PausingScript.reached.open();
    await PausingScript.release.opened;
  }
}
registerTypeclass("tests.visibility.PausingScript", PausingScript);

describeEachDatabase("visibility and concurrency of units of work", (ctx) => {
  /** Run `first` in a unit that then waits, commit `second` meanwhile, then let the first unit throw. */
  async function rollBackAroundCommit(first: () => void, second: () => void): Promise<void> {
    const changed = gate();
    const committed = gate();
    const failing = ctx.unit(async () => {
      first();
      changed.open();
      await committed.opened;
      throw new Error("roll back");
    });
    await changed.opened;
    await ctx.unit(second);
    committed.open();
    await expect(failing).rejects.toThrow("roll back");
    await ctx.fixture.flushWrites();
  }

  it("a field changed by a unit that rolls back is not left on disk by another unit's commit of the same row", async () => {
    const [box, room] = await ctx.unit(async () => [await createObject(undefined, { key: "box" }), await createObject(undefined, { key: "room" })]);
    await rollBackAroundCommit(
      () => (box.key = "renamed box"),
      () => (box.home = room),
    );
    expect(box.key).toBe("box");
    const [row] = await ctx.db.query<{ key: string }>("SELECT key FROM objects WHERE id = ?", [box.id]);
    expect(row?.key).toBe("box");
    expect(box.home).toBe(room);
  });

  it("an attribute value of a unit that rolls back is not left on disk when another unit committed it meanwhile", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "gauge" });
      o.db.hp = 10;
      return o;
    });
    await rollBackAroundCommit(
      () => (obj.db.hp = 99),
      () => (obj.db.mp = 5),
    );
    // the second unit wrote only mp; now the other way round: the committing unit writes the same attribute first
    const first = gate();
    const second = gate();
    const a = ctx.unit(async () => {
      obj.db.hp = 1;
      first.open();
      await second.opened;
    });
    await first.opened;
    const b = ctx.unit(async () => {
      obj.db.hp = 2;
      await a; // a commits now, writing what memory holds: b's 2
      throw new Error("b fails");
    });
    second.open();
    await expect(b).rejects.toThrow("b fails");
    await ctx.fixture.flushWrites();
    expect(obj.db.hp).toBe(1);
    expect(await storedAttribute(ctx.db, obj.id, "hp")).toBe(1);
  });

  it("a subscription made by a unit that rolls back is not left on disk by another unit's commit of it", async () => {
    const [channel, listener] = await ctx.unit(async () => [await createChannel(undefined, { key: "gossip" }), await createObject(undefined, { key: "listener" })]);
    await channel.subscriptions.load();
    await rollBackAroundCommit(
      () => channel.subscriptions.add(listener),
      () => void channel.subscriptions.setMuted(listener, true),
    );
    expect(channel.subscriptions.has(listener)).toBe(false);
    const rows = await ctx.db.query("SELECT id FROM channel_subscriptions WHERE channel_id = ?", [channel.id]);
    expect(rows).toEqual([]);
  });

  it("an object moved into a room while the room's delete waits is not left inside the deleted room", async () => {
    const [room, home, thing] = await ctx.unit(async () => {
      const made = [await createObject(undefined, { key: "doomed room" }), await createObject(undefined, { key: "safe room" })];
      const t = await createObject(undefined, { key: "pebble", home: made[1], location: made[1] });
      await made[0]!.scripts.add(PausingScript, { autostart: false });
      return [...made, t] as DefaultObject[];
    });
    PausingScript.reached = gate();
    PausingScript.release = gate();
    const deleting = ctx.unit(() => room!.delete());
    await PausingScript.reached.opened; // contents already sent home; scripts being deleted
    await ctx.unit(() => thing!.moveTo(room!, { quiet: true }));
    PausingScript.release.open();
    expect(await deleting).toBe(true);
    expect(thing!.location).toBe(home);
    const [row] = await ctx.db.query<{ location_id: number | string | null }>("SELECT location_id FROM objects WHERE id = ?", [thing!.id]);
    expect(Number(row?.location_id)).toBe(home!.id);
  });

  it("a name freed earlier in the same unit (its holder deleted or renamed) can be taken by a new account or channel", async () => {
    const [gone, renamed, channel] = await ctx.unit(async () => [
      await createAccount(undefined, { username: "Wren", password: "secret-pass-1" }),
      await createAccount(undefined, { username: "Finch", password: "secret-pass-2" }),
      await createChannel(undefined, { key: "birds" }),
    ]);
    const made = await ctx.unit(async () => {
      await gone.delete();
      renamed.username = "Old Finch";
      await channel.delete();
      return [
        await createAccount(undefined, { username: "wren", password: "secret-pass-3" }),
        await createAccount(undefined, { username: "FINCH", password: "secret-pass-4" }),
        await createChannel(undefined, { key: "Birds" }),
      ];
    });
    const names = await ctx.db.query<{ username: string }>("SELECT username FROM accounts WHERE id IN (?, ?, ?) ORDER BY id", [gone.id, ...made.slice(0, 2).map((a) => a.id)]);
    expect(names.map((r) => r.username)).toEqual(["wren", "FINCH"]);
    await expect(ctx.unit(() => createAccount(undefined, { username: "old finch", password: "secret-pass-5" }))).rejects.toMatchObject({ code: "EV_ERR_BAD_INPUT" });
  });

  it("attributes and tags whose keys and categories hold the staging separator are all written", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "odd" });
      o.attributes.add("b:c", 1, { category: "a" });
      o.attributes.add("c", 2, { category: "a:b" });
      o.tags.add("y:z", "x");
      o.tags.add("z", "x:y");
      return o;
    });
    expect(await storedAttribute(ctx.db, obj.id, "b:c", "a")).toBe(1);
    expect(await storedAttribute(ctx.db, obj.id, "c", "a:b")).toBe(2);
    const tags = await ctx.db.query<{ key: string; category: string }>("SELECT key, category FROM tags WHERE owner_kind = 'object' AND owner_id = ? ORDER BY key", [obj.id]);
    expect(tags.map((t) => `${t.category}|${t.key}`)).toEqual(["x|y:z", "x:y|z"]);
  });
});

/**
 * A TCP proxy to PostgreSQL that, once armed, swallows the first answer carrying a
 * `COMMIT` command tag and drops that connection: the server has committed, the client
 * never hears so.
 */
class CommitAnswerEater {
  private readonly server = net.createServer((client) => this.accept(client));
  private readonly sockets = new Set<net.Socket>();
  armed = false;
  eaten = 0;

  constructor(private readonly target: URL) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(Number(this.target.port || 5432), this.target.hostname);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (this.armed && chunk.includes("COMMIT\0")) {
        this.armed = false;
        this.eaten++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
  }
}

describeOnDatabases(["postgres"], "a commit whose answer is lost", (ctx) => {
  it("is found committed (memory keeps the change) instead of being reported failed and undone", async () => {
    const proxy = new CommitAnswerEater(new URL(postgresTestUrl!));
    const proxied = new URL(withDatabase(postgresTestUrl!, ctx.fixture.scratch.name));
    proxied.hostname = "127.0.0.1";
    proxied.port = String(await proxy.listen());
    const id = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: "lamp" });
      o.db.state = "dim";
      return o.id;
    });
    const db2 = await Database.open({ url: proxied.toString() });
    try {
      const store2 = new Store(db2, { lruSize: 0 });
      await store2.init();
      const lamp = (await store2.get("object", id)) as DefaultObject;
      proxy.armed = true;
      const outcome = await runInUnitOfWork(db2, () => {
        lamp.db.state = "bright";
      }).then(
        () => "committed",
        (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
      );
      expect(proxy.eaten).toBe(1);
      expect(await storedAttribute(ctx.db, id, "state")).toBe("bright"); // the server did commit
      expect(outcome).toBe("committed");
      expect(lamp.db.state).toBe("bright");
    } finally {
      await db2.close();
      await proxy.close();
    }
  });
});
