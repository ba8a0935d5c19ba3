/**
 * The shared group commit through each database's driver: a unit's transaction is
 * one round trip on PostgreSQL (pipelined), batches that share a transaction fail
 * alone, a parameter no driver can bind is refused before anything is sent, and
 * writes awaited one after another leave the event loop its turns.
 */
import { expect, it } from "vitest";
import { runInUnitOfWork } from "../../evennia-ts/db/unit-of-work.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { createObject } from "../../evennia-ts/typeclasses/index.ts";

describeEachDatabase("group commit", (ctx) => {
  it("lets the event loop run between transactions when code awaits one write after another", async () => {
    // SQLite commits synchronously: without a turn between transactions, 300 awaited
    // writes ran as one chain of promise callbacks, and no timer, socket or worker reply
    // got a turn until the last one
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      for (let i = 0; i < 300; i++) await ctx.db.write([{ sql: "INSERT INTO server_config (key, value) VALUES (?, ?)", params: [`turns-${ctx.dialect}-${i}`, "v"] }]);
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  });

  it("sends a unit's whole transaction at once: one round trip on PostgreSQL", async () => {
    const before = { ...ctx.db.writerStats };
    await runInUnitOfWork(ctx.db, async () => {
      for (let i = 0; i < 20; i++) {
        const obj = await createObject(undefined, { key: `pipelined ${i}` });
        obj.db.hp = i;
        obj.tags.add("pipelined");
      }
    });
    const after = ctx.db.writerStats;
    expect(after.transactions - before.transactions).toBe(1);
    // BEGIN, merged objects, attributes, tags, the id high-water mark, COMMIT
    expect(after.statements - before.statements).toBeGreaterThanOrEqual(6);
    expect(after.roundTrips - before.roundTrips).toBe(ctx.dialect === "postgres" ? 1 : 0);
  });

  it("rejects a failing batch alone and commits the others of its transaction", async () => {
    const key = (n: number) => `gc-${ctx.dialect}-${n}`;
    const ok = (n: number) => ctx.db.write([{ sql: "INSERT INTO server_config (key, value) VALUES (?, ?)", params: [key(n), "v"] }]);
    const before = ctx.db.writerStats.transactions;
    const results = await Promise.allSettled([
      ok(1),
      ctx.db.write([
        { sql: "INSERT INTO server_config (key, value) VALUES (?, ?)", params: [key(2), "v"] },
        { sql: "INSERT INTO server_config (key, value) VALUES (?, ?)", params: [key(1), "duplicate"] },
      ]),
      ok(3),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "EV_ERR_DB" });
    // one try with all three, one without the failing batch
    expect(ctx.db.writerStats.transactions - before).toBe(2);
    const rows = await ctx.db.query<{ key: string; value: string }>("SELECT key, value FROM server_config WHERE key LIKE ? ORDER BY key", [`gc-${ctx.dialect}-%`]);
    expect(rows).toEqual([
      { key: key(1), value: "v" },
      { key: key(3), value: "v" },
    ]);
  });

  it("refuses a parameter no driver can bind before sending anything", async () => {
    const before = ctx.db.writerStats.statements;
    await expect(ctx.db.write([{ sql: "INSERT INTO server_config (key, value) VALUES (?, ?)", params: ["bad", { an: "object" }] }])).rejects.toMatchObject({
      code: "EV_ERR_DB",
      message: expect.stringMatching(/cannot bind a parameter of type Object/),
    });
    expect(ctx.db.writerStats.statements).toBe(before);
    expect(await ctx.db.query("SELECT key FROM server_config WHERE key = ?", ["bad"])).toEqual([]);
  });
});
