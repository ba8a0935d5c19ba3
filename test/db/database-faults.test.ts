/**
 * A database that goes away: callers get `EV_ERR_DB_UNAVAILABLE`, in-memory
 * changes of failed units are undone, the process keeps running, and work resumes
 * once the database is back. On PostgreSQL the connection runs through a TCP proxy
 * of the test's own that is cut and restored; on both databases a closed
 * `Database` is refused.
 */
import net from "node:net";
import BetterSqlite3 from "better-sqlite3";
import { expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { describeEachDatabase, describeOnDatabases, postgresTestUrl, withDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultObject, Store, createObject } from "../../evennia-ts/typeclasses/index.ts";
import { storedAttribute, uniqueName } from "../typeclasses/store-helpers.ts";

const unavailable = expect.objectContaining({ code: "EV_ERR_DB_UNAVAILABLE" });

/** A TCP proxy to the database that can be cut (every connection dropped, new ones refused) and restored. */
class CuttableProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private up = true;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Drop every connection and refuse new ones. */
  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Accept and forward connections again. */
  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (!this.up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(a);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        this.sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}

describeEachDatabase("a closed database", (ctx) => {
  it("refuses queries, writes and loads with EV_ERR_DB_UNAVAILABLE, undoes the unit, and works again once reopened", async () => {
    const { thing, other } = await ctx.unit(async () => ({
      thing: (await createObject(undefined, { key: "survivor" })).id,
      other: (await createObject(undefined, { key: "unloaded" })).id,
    }));
    const db2 = await Database.open({ url: ctx.fixture.scratch.url });
    const store2 = new Store(db2, { lruSize: 0 });
    await store2.init();
    const obj = (await store2.get("object", thing)) as DefaultObject;
    await db2.close();
    await expect(db2.query("SELECT 1 AS one")).rejects.toEqual(unavailable);
    await expect(db2.write([{ sql: "DELETE FROM objects WHERE id = ?", params: [thing] }])).rejects.toEqual(unavailable);
    await expect(store2.get("object", other)).rejects.toEqual(unavailable);
    await expect(
      runInUnitOfWork(db2, () => {
        obj.db.note = "lost";
        obj.key = "renamed";
      }),
    ).rejects.toEqual(unavailable);
    expect(obj.db.note).toBeUndefined();
    expect(obj.key).toBe("survivor");
    // "restart": a new Database on the same data
    const db3 = await Database.open({ url: ctx.fixture.scratch.url });
    try {
      const store3 = new Store(db3, { lruSize: 0 });
      await store3.init();
      const again = (await store3.get("object", thing)) as DefaultObject;
      expect(again.key).toBe("survivor");
      await runInUnitOfWork(db3, () => {
        again.db.note = "kept";
      });
      expect(await storedAttribute(ctx.db, thing, "note")).toBe("kept");
    } finally {
      await db3.close();
    }
  });

  it("reports a bad statement as EV_ERR_DB, not as unavailable", async () => {
    await expect(ctx.db.query("SELECT nope FROM nowhere")).rejects.toEqual(expect.objectContaining({ code: "EV_ERR_DB" }));
    await expect(ctx.db.write([{ sql: "INSERT INTO nowhere VALUES (1)" }])).rejects.toEqual(expect.objectContaining({ code: "EV_ERR_DB" }));
    expect((await ctx.db.query<{ one: number }>("SELECT 1 AS one")).map((r) => Number(r.one))).toEqual([1]);
  });
});

describeOnDatabases(["sqlite"], "a SQLite file another process holds locked", (ctx) => {
  it("gives callers EV_ERR_DB_UNAVAILABLE (the player reads 'The database is unavailable right now'), not a generic error, and works once released", { timeout: 30_000 }, async () => {
    const other = new BetterSqlite3(ctx.fixture.scratch.url.slice("sqlite:".length));
    try {
      other.exec("BEGIN EXCLUSIVE");
      // after SQLite's busy timeout
      await expect(ctx.db.write([{ sql: "CREATE TABLE IF NOT EXISTS locked_probe (id INTEGER)" }])).rejects.toEqual(unavailable);
      other.exec("ROLLBACK");
      await ctx.db.write([{ sql: "CREATE TABLE IF NOT EXISTS locked_probe (id INTEGER)" }]);
    } finally {
      other.close();
    }
  });
});

describeOnDatabases(["postgres"], "a PostgreSQL server that goes away mid-run", (ctx) => {
  it("gives callers EV_ERR_DB_UNAVAILABLE while cut, keeps running, and recovers when restored", async () => {
    const target = new URL(postgresTestUrl!);
    const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.listen();
    const proxied = new URL(withDatabase(postgresTestUrl!, ctx.fixture.scratch.name));
    proxied.hostname = "127.0.0.1";
    proxied.port = String(port);
    const ids = await ctx.unit(async () => ({
      thing: (await createObject(undefined, { key: uniqueName("lamp") })).id,
      other: (await createObject(undefined, { key: "far" })).id,
    }));
    const db2 = await Database.open({ url: proxied.toString() });
    try {
      const store2 = new Store(db2, { lruSize: 0 });
      await store2.init();
      const lamp = (await store2.get("object", ids.thing)) as DefaultObject;
      await runInUnitOfWork(db2, () => {
        lamp.db.state = "on";
      });
      expect(await storedAttribute(ctx.db, ids.thing, "state")).toBe("on");

      proxy.cut();
      await expect(db2.query("SELECT 1 AS one")).rejects.toEqual(unavailable);
      await expect(store2.get("object", ids.other)).rejects.toEqual(unavailable);
      await expect(
        runInUnitOfWork(db2, () => {
          lamp.db.state = "off";
          lamp.key = "broken lamp";
        }),
      ).rejects.toEqual(unavailable);
      expect(lamp.db.state).toBe("on");
      expect(lamp.key).not.toBe("broken lamp");
      expect(await storedAttribute(ctx.db, ids.thing, "state")).toBe("on");
      await expect(Database.open({ url: proxied.toString() })).rejects.toEqual(unavailable);

      proxy.restore();
      expect((await db2.query<{ one: number }>("SELECT 1 AS one")).map((r) => Number(r.one))).toEqual([1]);
      expect(((await store2.get("object", ids.other)) as DefaultObject).key).toBe("far");
      await runInUnitOfWork(db2, () => {
        lamp.db.state = "dim";
      });
      expect(await storedAttribute(ctx.db, ids.thing, "state")).toBe("dim");

      // cut while a commit is on its way: it either commits or fails cleanly; memory matches the database
      const inflight = runInUnitOfWork(db2, () => {
        lamp.db.state = "flicker";
      });
      proxy.cut();
      const outcome = await inflight.then(
        () => "committed",
        (err: { code?: string }) => err.code,
      );
      expect(["committed", "EV_ERR_DB_UNAVAILABLE"]).toContain(outcome);
      proxy.restore();
      if (outcome !== "committed") expect(lamp.db.state).toBe("dim");
      await runInUnitOfWork(db2, () => {
        lamp.db.state = "bright";
      });
      expect(await storedAttribute(ctx.db, ids.thing, "state")).toBe("bright");
    } finally {
      await db2.close();
      await proxy.close();
    }
  });
});
