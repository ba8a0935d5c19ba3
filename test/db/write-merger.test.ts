/**
 * Merging of a batch's single-row upserts, on the structured writes: which writes
 * merge, where the merged statement runs, what stops a merge (a delete of the same
 * table, raw SQL, a duplicate conflict key, another shape on the same table),
 * chunking under the parameter limit, the SQL rendered per dialect, and — on a real
 * SQLite database — that a merged batch leaves exactly the same rows as the batch
 * run one write at a time. Then the same through `Database` on SQLite and
 * PostgreSQL, merging on against merging off.
 */
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../evennia-ts/db/database.ts";
import { rowCodecs, upsertRow } from "../../evennia-ts/db/row-codecs.ts";
import { DEFAULT_MAX_PARAMS, planWrites, type PlanOptions } from "../../evennia-ts/db/write-merger.ts";
import { renderWrite, type DeleteWrite, type RenderedStatement, type UpsertWrite, type Write } from "../../evennia-ts/db/writes.ts";
import { createScratchDatabase, describeEachDatabase, type ScratchDatabase } from "../../evennia-ts/testing/database-fixture.ts";

const OBJ_COLUMNS = ["id", "name"];
const OBJ_KEY = ["id"];
const OBJ_UPDATE = ["name"];
const ATTR_COLUMNS = ["owner", "key", "value"];
const ATTR_KEY = ["owner", "key"];
const ATTR_UPDATE = ["value"];
const TAG_COLUMNS = ["owner", "tag"];
const NOTHING: string[] = [];

const obj = (id: number, name: string): UpsertWrite => ({ type: "upsert", table: "objs", columns: OBJ_COLUMNS, conflictKey: OBJ_KEY, update: OBJ_UPDATE, values: [id, name] });
const attr = (owner: number, key: string, value: string): UpsertWrite => ({
  type: "upsert",
  table: "attrs",
  columns: ATTR_COLUMNS,
  conflictKey: ATTR_KEY,
  update: ATTR_UPDATE,
  values: [owner, key, value],
});
const tag = (owner: number, t: string): UpsertWrite => ({ type: "upsert", table: "tagz", columns: TAG_COLUMNS, conflictKey: TAG_COLUMNS, update: NOTHING, values: [owner, t] });
const delAttr = (owner: number, key: string): DeleteWrite => ({ type: "delete", table: "attrs", where: ATTR_KEY, values: [owner, key] });

const plan = (writes: Write[], options: PlanOptions = {}) => planWrites(writes, "sqlite", options);

/** Rows of a multi-row statement, as arrays of its parameters. */
function rowsOf(s: RenderedStatement, columns: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < s.params.length; i += columns) out.push(s.params.slice(i, i + columns));
  return out;
}

describe("planWrites", () => {
  it("merges interleaved object and attribute upserts into one statement per shape, at the first member's place", () => {
    const batch: Write[] = [];
    for (let id = 1; id <= 3; id++) {
      batch.push(obj(id, `o${id}`));
      for (const k of ["a", "b"]) batch.push(attr(id, k, `${id}${k}`));
    }
    const merged = plan(batch);
    expect(merged.statements).toHaveLength(2);
    expect(merged.origins).toEqual([-1, -1]);
    expect(merged.mergedAway).toBe(7);
    const [objs, attrs] = merged.statements;
    expect(objs!.sql).toBe('INSERT INTO "objs" ("id", "name") VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name"');
    expect(rowsOf(objs!, 2)).toEqual([
      [1, "o1"],
      [2, "o2"],
      [3, "o3"],
    ]);
    expect(attrs!.sql.match(/\(\?, \?, \?\)/g)).toHaveLength(6);
    expect(rowsOf(attrs!, 3).map((r) => r.join(""))).toEqual(["1a1a", "1b1b", "2a2a", "2b2b", "3a3a", "3b3b"]);
  });

  it("renders PostgreSQL placeholders numbered across the rows", () => {
    const merged = planWrites([obj(1, "a"), obj(2, "b"), tag(1, "x")], "postgres");
    expect(merged.statements.map((s) => s.sql)).toEqual([
      'INSERT INTO "objs" ("id", "name") VALUES ($1, $2), ($3, $4) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name"',
      'INSERT INTO "tagz" ("owner", "tag") VALUES ($1, $2) ON CONFLICT ("owner", "tag") DO NOTHING',
    ]);
    expect(renderWrite("postgres", delAttr(1, "a")).sql).toBe('DELETE FROM "attrs" WHERE "owner" = $1 AND "key" = $2');
    expect(renderWrite("postgres", { sql: "SELECT ? + ?", params: [1, 2] }).sql).toBe("SELECT $1 + $2");
  });

  it("closes a table's bucket at a delete of that table, but not at one of another table", () => {
    const batch: Write[] = [
      attr(1, "a", "x"),
      obj(1, "o1"),
      { type: "delete", table: "objs_archive", where: ["id"], values: [9] }, // another table: no barrier
      delAttr(1, "a"),
      attr(2, "a", "y"),
      obj(2, "o2"),
      attr(1, "a", "z"), // after the delete: must stay after it
    ];
    const merged = plan(batch);
    expect(merged.statements.map((s) => s.sql.split(" ").slice(0, 3).join(" "))).toEqual([
      'INSERT INTO "attrs"', // attr(1,a,x) alone
      'INSERT INTO "objs"', // o1 + o2 merged, moved across the deletes (other tables)
      'DELETE FROM "objs_archive"',
      'DELETE FROM "attrs"',
      'INSERT INTO "attrs"', // attr(2,a) + attr(1,a,z), a new bucket after the delete
    ]);
    expect(merged.origins).toEqual([0, -1, 2, 3, -1]);
    expect(rowsOf(merged.statements[1]!, 2)).toEqual([
      [1, "o1"],
      [2, "o2"],
    ]);
    expect(rowsOf(merged.statements[4]!, 3)).toEqual([
      [2, "a", "y"],
      [1, "a", "z"],
    ]);
  });

  it("treats raw SQL as a barrier for every table, and returns its rows slot", () => {
    const raw = { sql: "SELECT count(*) AS n FROM elsewhere" };
    const merged = plan([attr(1, "a", "1"), obj(1, "x"), raw, attr(2, "a", "2"), obj(2, "y")]);
    expect(merged.statements.map((s) => s.sql.split(" ").slice(0, 3).join(" "))).toEqual([
      'INSERT INTO "attrs"',
      'INSERT INTO "objs"',
      "SELECT count(*) AS",
      'INSERT INTO "attrs"',
      'INSERT INTO "objs"',
    ]);
    expect(merged.origins).toEqual([0, 1, 2, 3, 4]);
    expect(merged.mergedAway).toBe(0);
  });

  it("starts a new bucket instead of putting one conflict key twice in a statement", () => {
    const merged = plan([attr(1, "a", "first"), attr(1, "b", "b"), attr(1, "a", "second"), attr(2, "a", "c")]);
    expect(merged.statements).toHaveLength(2);
    expect(rowsOf(merged.statements[0]!, 3)).toEqual([
      [1, "a", "first"],
      [1, "b", "b"],
    ]);
    expect(rowsOf(merged.statements[1]!, 3)).toEqual([
      [1, "a", "second"],
      [2, "a", "c"],
    ]);
    // the key is read from the conflict key's columns, not the whole row
    const other = (owner: number, key: string, value: string): UpsertWrite => ({ ...attr(owner, key, value), columns: ["value", "key", "owner"], values: [value, key, owner] });
    const reordered = plan([other(1, "x", "1"), other(1, "y", "1"), other(1, "x", "2")]);
    expect(reordered.statements.map((s) => s.params)).toEqual([["1", "x", 1, "1", "y", 1], ["2", "x", 1]]);
    expect(reordered.origins).toEqual([-1, 2]);
  });

  it("orders a different upsert shape on the same table against the table's bucket", () => {
    const other: UpsertWrite = { type: "upsert", table: "attrs", columns: ["owner", "key", "value", "extra"], conflictKey: ATTR_KEY, update: NOTHING, values: [1, "a", "v", 0] };
    const merged = plan([attr(1, "a", "1"), attr(2, "a", "2"), other, attr(3, "a", "3"), attr(4, "a", "4")]);
    expect(merged.statements.map((s) => s.params.length)).toEqual([6, 4, 6]);
    expect(merged.origins).toEqual([-1, 2, -1]);
  });

  it("renders every write alone when merging is off", () => {
    const batch = [obj(1, "a"), obj(2, "b"), attr(1, "a", "x")];
    const merged = plan(batch, { merge: false });
    expect(merged.statements).toEqual(batch.map((w) => renderWrite("sqlite", w)));
    expect(merged.origins).toEqual([0, 1, 2]);
  });

  it("keeps each statement under the parameter limit, in exact or power-of-two chunks, rows in order", () => {
    const batch = Array.from({ length: 1000 }, (_, i) => attr(i, "k", `v${i}`));
    const exact = plan(batch, { maxParams: 900 }); // 300 rows a statement
    expect(exact.statements.map((s) => s.params.length / 3)).toEqual([300, 300, 300, 100]);
    const pow = plan(batch, { maxParams: 900, chunking: "power-of-two" }); // 256 a statement at most
    expect(pow.statements.map((s) => s.params.length / 3)).toEqual([256, 256, 256, 128, 64, 32, 8]);
    for (const merged of [exact, pow]) {
      expect(merged.statements.flatMap((s) => rowsOf(s, 3))).toEqual(batch.map((s) => s.values));
      for (const s of merged.statements) expect(s.sql.split("?").length - 1).toBe(s.params.length);
    }
    // a chunk of one row is the write alone
    const odd = plan(batch.slice(0, 7), { maxParams: 9, chunking: "power-of-two" });
    expect(odd.statements.map((s) => s.params.length / 3)).toEqual([2, 2, 2, 1]);
    expect(odd.statements[3]).toEqual(renderWrite("sqlite", batch[6]!));
    expect(odd.origins).toEqual([-1, -1, -1, 6]);
    // the default stays under both databases' limits
    const big = plan(Array.from({ length: 20_000 }, (_, i) => attr(i, "k", "v")));
    expect(Math.max(...big.statements.map((s) => s.params.length))).toBeLessThanOrEqual(DEFAULT_MAX_PARAMS);
    expect(DEFAULT_MAX_PARAMS).toBeLessThan(32_766);
  });

  it("does not change its input", () => {
    const batch = [obj(1, "a"), obj(2, "b")];
    const copy = structuredClone(batch);
    plan(batch);
    expect(batch).toEqual(copy);
  });

  it("leaves the same rows as running the batch one write at a time (random batches on SQLite)", () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const setup = [
      "CREATE TABLE objs (id INTEGER PRIMARY KEY, name TEXT)",
      "CREATE TABLE attrs (owner INTEGER, key TEXT, value TEXT, extra INTEGER, UNIQUE (owner, key))",
      "CREATE TABLE tagz (owner INTEGER, tag TEXT, UNIQUE (owner, tag))",
      "CREATE TABLE counters (n INTEGER)",
    ];
    const contents = (db: BetterSqlite3.Database) =>
      ["objs", "attrs", "tagz", "counters"].map((t) =>
        db
          .prepare(`SELECT * FROM ${t}`)
          .all()
          .map((r) => JSON.stringify(r))
          .sort(),
      );
    let mergedAway = 0;
    for (let round = 0; round < 40; round++) {
      const batch: Write[] = [];
      for (let i = 0; i < 200; i++) {
        const r = rand(100);
        const owner = rand(8);
        const key = "abc"[rand(3)]!;
        if (r < 30) batch.push(attr(owner, key, `v${i}`));
        else if (r < 50) batch.push(obj(owner, `n${i}`));
        else if (r < 62) batch.push(tag(owner, key));
        else if (r < 70) batch.push(delAttr(owner, key));
        else if (r < 75) batch.push({ type: "delete", table: "tagz", where: ["owner"], values: [owner] });
        else if (r < 80) batch.push({ sql: "UPDATE objs SET name = name || '+' WHERE id = ?", params: [owner] });
        else if (r < 85) batch.push({ sql: "INSERT INTO counters (n) SELECT count(*) FROM attrs" });
        else if (r < 90)
          batch.push({ type: "upsert", table: "attrs", columns: ["owner", "key", "value", "extra"], conflictKey: ATTR_KEY, update: ["extra"], values: [owner, key, `w${i}`, i] });
        else batch.push(attr(owner + 100, key, `far${i}`));
      }
      const merged = plan(batch, { maxParams: 3 * (1 + rand(20)) });
      mergedAway += merged.mergedAway;
      const plain = new BetterSqlite3(":memory:");
      const fast = new BetterSqlite3(":memory:");
      for (const sql of setup) {
        plain.exec(sql);
        fast.exec(sql);
      }
      for (const w of batch) {
        const s = renderWrite("sqlite", w);
        plain.prepare(s.sql).run(...s.params);
      }
      for (const s of merged.statements) fast.prepare(s.sql).run(...s.params);
      expect(contents(fast), `round ${round}`).toEqual(contents(plain));
      plain.close();
      fast.close();
    }
    expect(mergedAway).toBeGreaterThan(40 * 20); // the batches did merge: this compared something
  });
});

const ATTRIBUTE_KEY = ["owner_kind", "owner_id", "key", "category"];
const ATTRIBUTE_COLUMNS = [...ATTRIBUTE_KEY, "value", "lock_string", "date_created"];
const ATTRIBUTE_UPDATE = ["value", "lock_string"];
const TAG_KEY = ["owner_kind", "owner_id", "key", "category", "kind"];

const tagRow = (ownerId: number): UpsertWrite => ({ type: "upsert", table: "tags", columns: TAG_KEY, conflictKey: TAG_KEY, update: NOTHING, values: ["object", ownerId, "t", "", "tag"] });

function objectRow(id: number, key = `thing-${id}`) {
  return upsertRow(rowCodecs.object, {
    id,
    key,
    key_lower: key.toLowerCase(),
    typeclass_path: "typeclasses.objects.Object",
    location_id: null,
    home_id: null,
    destination_id: null,
    account_id: null,
    lock_storage: "",
    date_created: 1_700_000_000_000 + id,
  });
}

function attributeRow(ownerId: number, key: string, value: unknown, json: string | null = JSON.stringify(value)): UpsertWrite {
  return {
    type: "upsert",
    table: "attributes",
    columns: ATTRIBUTE_COLUMNS,
    conflictKey: ATTRIBUTE_KEY,
    update: ATTRIBUTE_UPDATE,
    values: ["object", ownerId, key, "", json, "", 1_700_000_000_000],
  };
}

/** A unit-of-work-like batch: objects with attributes and tags, deletes in between, rows written twice. */
function bigBatch(base: number, objects: number): Write[] {
  const batch: Write[] = [];
  for (let i = 0; i < objects; i++) {
    const id = base + i;
    batch.push(objectRow(id));
    for (const k of ["hp", "desc", "visible", "stats", "inventory"]) batch.push(attributeRow(id, k, `${k}-${i}`));
    batch.push(tagRow(id));
    if (i % 50 === 7) {
      // delete an attribute written just before, then write another one: order matters
      batch.push({ type: "delete", table: "attributes", where: ATTRIBUTE_KEY, values: ["object", id, "hp", ""] });
      batch.push(attributeRow(id, "after-delete", i));
      batch.push({ type: "delete", table: "tags", where: ["owner_kind", "owner_id"], values: ["object", id - 1] });
    }
    if (i % 97 === 3) batch.push({ type: "delete", table: "objects", where: ["id"], values: [id - 2] });
  }
  // rows written again later in the batch: the later value wins
  batch.push(objectRow(base + 1, `renamed-${base + 1}`));
  batch.push(attributeRow(base + 1, "hp", "rewritten"));
  return batch;
}

async function tableContents(db: Database, base: number, top: number): Promise<unknown[]> {
  const norm = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
  return [
    norm(await db.query("SELECT * FROM objects WHERE id >= ? AND id < ? ORDER BY id", [base, top])),
    norm(
      await db.query(
        "SELECT owner_kind, owner_id, key, category, value, lock_string FROM attributes WHERE owner_id >= ? AND owner_id < ? ORDER BY owner_id, key",
        [base, top],
      ),
    ),
    norm(await db.query("SELECT owner_kind, owner_id, key, category, kind FROM tags WHERE owner_id >= ? AND owner_id < ? ORDER BY owner_id, key", [base, top])),
  ];
}

describeEachDatabase("Database write with merged upserts", (ctx) => {
  let offScratch: ScratchDatabase | null = null;
  let off: Database | null = null;

  beforeAll(async () => {
    offScratch = await createScratchDatabase(ctx.dialect);
    off = await Database.open({ url: offScratch.url, mergeInserts: false });
  });
  afterAll(async () => {
    await off?.close();
    await offScratch?.dispose();
  });

  it("leaves exactly the same rows as with merging off, and resolves with rows per original statement", async () => {
    expect(ctx.db.mergeInserts).toBe(true);
    expect(off!.mergeInserts).toBe(false);
    const base = 1_000_000;
    const batch = bigBatch(base, 300);
    const onRows = await ctx.db.write(batch);
    const offRows = await off!.write(batch);
    expect(onRows).toHaveLength(batch.length);
    expect(offRows).toHaveLength(batch.length);
    const insertIndexes = batch.flatMap((w, i) => (w.type === "upsert" ? [i] : []));
    for (const i of insertIndexes) {
      expect(onRows[i]).toEqual([]);
      expect(offRows[i]).toEqual([]);
    }
    const on = await tableContents(ctx.db, base, base + 1000);
    expect(on).toEqual(await tableContents(off!, base, base + 1000));
    const [objects, attributes, tags] = on as unknown[][];
    expect(objects!.length).toBeGreaterThan(290);
    expect(attributes!.length).toBeGreaterThan(1400);
    expect(tags!.length).toBeGreaterThan(280);
    expect(attributes).toContainEqual(expect.objectContaining({ owner_id: String(base + 1), key: "hp", value: '"rewritten"' }));
    expect(attributes).not.toContainEqual(expect.objectContaining({ owner_id: String(base + 7), key: "hp" }));
    expect(attributes).toContainEqual(expect.objectContaining({ owner_id: String(base + 7), key: "after-delete" }));
  });

  it("writes more rows than one statement may hold (several chunks)", async () => {
    const base = 2_000_000;
    const batch: Write[] = [];
    for (let i = 0; i < 1000; i++) {
      batch.push(objectRow(base + i));
      for (let k = 0; k < 5; k++) batch.push(attributeRow(base + i, `k${k}`, i * 10 + k)); // 5,000 x 7 params > 30,000
    }
    await ctx.db.write(batch);
    const [{ n }] = await ctx.db.query<{ n: unknown }>("SELECT count(*) AS n FROM attributes WHERE owner_id >= ? AND owner_id < ?", [base, base + 1000]);
    expect(Number(n)).toBe(5000);
    const rows = await ctx.db.query<{ value: string }>("SELECT value FROM attributes WHERE owner_id = ? AND key = ?", [base + 999, "k4"]);
    expect(rows).toEqual([{ value: "9994" }]);
  });

  it("writes a batch that upserts one key several times (the last write wins)", async () => {
    const base = 3_000_000;
    const batch: Write[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) {
        batch.push(objectRow(base + i, `dup-${i}-${round}`));
        batch.push(attributeRow(base + i, "x", round));
        batch.push(tagRow(base + i));
      }
    }
    for (const db of [ctx.db, off!]) await db.write(batch);
    const on = await tableContents(ctx.db, base, base + 5);
    expect(on).toEqual(await tableContents(off!, base, base + 5));
    const [objects, attributes, tags] = on as Record<string, unknown>[][];
    expect(objects!.map((o) => o.key)).toEqual([0, 1, 2, 3, 4].map((i) => `dup-${i}-2`));
    expect(attributes!.map((a) => a.value)).toEqual(["2", "2", "2", "2", "2"]);
    expect(tags).toHaveLength(5);
  });

  it("returns rows of a statement that reads between merged upserts, as they are at that point", async () => {
    const base = 4_000_000;
    const batch: Write[] = [
      attributeRow(base, "a", 1),
      attributeRow(base, "b", 2),
      { sql: "SELECT count(*) AS n FROM attributes WHERE owner_id = ?", params: [base] },
      attributeRow(base, "c", 3),
      objectRow(base),
    ];
    const rows = await ctx.db.write(batch);
    expect(rows).toHaveLength(5);
    expect(rows.map((r, i) => (i === 2 ? r.map((x) => Number((x as { n: unknown }).n)) : r))).toEqual([[], [], [2], [], []]);
  });

  it("rolls back a failing batch alone when batches share a transaction", async () => {
    const base = 5_000_000;
    const good1 = bigBatch(base, 40);
    // a NOT NULL violation inside what becomes a merged statement
    const bad: Write[] = [...bigBatch(base + 100, 40), attributeRow(base + 200, "broken", null, null)];
    expect(planWrites(bad, ctx.dialect).statements.length).toBeLessThan(bad.length / 10);
    const good2 = bigBatch(base + 300, 40);
    const results = await Promise.allSettled([ctx.db.write(good1), ctx.db.write(bad), ctx.db.write(good2)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "EV_ERR_DB" });
    const count = async (table: string, column: string, from: number, to: number) =>
      Number((await ctx.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE ${column} >= ? AND ${column} < ?`, [from, to]))[0]!.n);
    expect(await count("objects", "id", base + 100, base + 300)).toBe(0);
    expect(await count("attributes", "owner_id", base + 100, base + 300)).toBe(0);
    expect(await count("objects", "id", base, base + 100)).toBeGreaterThan(30);
    expect(await count("objects", "id", base + 300, base + 400)).toBeGreaterThan(30);
    // the same batches without merging give the same rows
    await Promise.allSettled([off!.write(good1), off!.write(bad), off!.write(good2)]);
    expect(await tableContents(ctx.db, base, base + 400)).toEqual(await tableContents(off!, base, base + 400));
  });
});
