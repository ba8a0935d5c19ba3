/**
 * The data-layer benchmarks on one database, run in a process of their own (so heap
 * figures are not polluted by another run): creating objects with attributes through
 * units of work, cached vs cold gets, attribute writes per second (sequential and
 * concurrent, to show group commit), heap per resident object, and the heap after
 * `store.flush()` + GC. Every timing has a baseline measured in the same process.
 */
import os from "node:os";
import { Database, type Dialect, type WriterStats } from "../evennia-ts/db/database.ts";
import { IdentityMap } from "../evennia-ts/db/identity-map.ts";
import { runInUnitOfWork } from "../evennia-ts/db/unit-of-work.ts";
import { setLogLevel } from "../evennia-ts/utils/logger.ts";
import { createObject, getById, setStore, Store, type DefaultObject } from "../evennia-ts/typeclasses/index.ts";
import { heapUsed, now, progress, randomIds, settle } from "./measure.ts";
import { runLookBench, type LookResult } from "./look-bench.ts";
import { openRawBaseline } from "./raw-baseline.ts";
import { attributesOf, CREATE_UNIT_SIZE, keyOf } from "./workload.ts";

/** How one run is configured. */
export interface BenchConfig {
  dialect: Dialect;
  /** `sqlite:/abs/file` or `postgres://.../evbench_xxx`. */
  url: string;
  /** Objects to create. */
  n: number;
  /** Smaller counts for the secondary benchmarks too. */
  quick: boolean;
}

/** A rate with its baseline. */
export interface RateFigure {
  count: number;
  ms: number;
  perSecond: number;
  baseline: { what: string; count: number; ms: number; perSecond: number };
  /** perSecond / baseline.perSecond (1 = as fast as the raw driver). */
  ratio: number;
}

/** Result of a run on one database. */
export interface DialectResult {
  dialect: Dialect;
  n: number;
  seconds: number;
  /** 1-minute load average when the run started and ended (other processes compete on a small machine). */
  loadAverage: { start: number; end: number; cores: number };
  create: RateFigure & { unitSize: number; attributesPerObject: number; rowsPerSecond: number };
  /** Writer counters of the create and attribute-write phases (round trips saved by pipelining). */
  roundTrips: RoundTripFigure[];
  get: {
    /** `store.peek({kind, id})`: the synchronous cached get (best of 3 runs of 1,000,000 random ids). */
    warmPeek: LoopTime;
    /** `await getById(id)` with the object in memory. */
    warmGetById: LoopTime;
    /** `Map.get` on a Map of N plain objects. */
    mapGet: LoopTime;
    /** `await f(id)` where `f` is an async function returning `Map.get(id)`, in the same process state. */
    asyncMapGet: LoopTime;
    /** Diagnostics: `IdentityMap.get` on N plain objects, with an LRU of N and without LRU. */
    identityMapGet: LoopTime;
    identityMapNoLruGet: LoopTime;
    /** CPU-time ratios. */
    peekVsMap: number;
    /** getById vs the async Map.get baseline (CPU time). */
    getByIdVsMap: number;
    /** `await getById(id)` after flush + GC (one object per call, from the database). */
    coldGetByIdNs: number;
    coldSamples: number;
    /** The same three SELECTs through the raw driver. */
    rawColdNs: number;
    coldVsWarm: number;
    coldVsRaw: number;
    /** `store.load()` of all N objects in chunks of 1000 ids, per object. */
    bulkLoadNsPerObject: number;
  };
  writes: {
    sequential: RateFigure & { transactions: number };
    concurrent: (RateFigure & { concurrency: number; transactions: number; unitsPerTransaction: number })[];
  };
  /** `look` and `say` in a room with 50 things and 20 exits (issue 11). */
  look: LookResult;
  heap: {
    /** heapUsed with the store open and empty (after GC). */
    before: number;
    /** heapUsed with all N created objects resident (after GC). */
    resident: number;
    perObject: number;
    /** The same values as plain objects in a Map, per object. */
    plainPerObject: number;
    perObjectVsPlain: number;
    /** heapUsed with 100,000 objects resident (measured, or extrapolated from N). */
    resident100k: number;
    extrapolated: boolean;
    /** heapUsed after `store.flush()` + GC. */
    afterFlush: number;
    afterFlushVsBefore: number;
    liveAfterFlush: number;
    /** The same after loading all N objects back from the database. */
    loaded: { before: number; resident: number; perObject: number; afterFlush: number; afterFlushVsBefore: number; liveAfterFlush: number };
  };
}

/** Counts of the write queue's transactions, read by wrapping its commit methods. */
/** The write queue's counters (`Database.writerStats`). */
type CommitCounter = WriterStats;

/** Writer counters over one phase of the run. */
export interface RoundTripFigure {
  phase: string;
  transactions: number;
  /** Statements sent, `BEGIN` and `COMMIT` included: the round trips one statement at a time would take. */
  statements: number;
  /** Round trips actually waited for (PostgreSQL: one per pipelined transaction; SQLite: none). */
  roundTrips: number;
}

/** Run every benchmark on one database. */
export async function runDataLayerBench(config: BenchConfig): Promise<DialectResult> {
  setLogLevel("warn");
  const started = now();
  const loadStart = os.loadavg()[0]!;
  const { dialect, url, n, quick } = config;
  const pgRun = dialect === "postgres";
  const counts = {
    baseCreate: Math.min(n, pgRun ? (quick ? 2_000 : 10_000) : quick ? 5_000 : 20_000),
    warmOps: 1_000_000,
    getByIdOps: 200_000,
    warmupWrites: pgRun ? 200 : 2_000,
    seqWrites: pgRun ? (quick ? 500 : 2_000) : quick ? 5_000 : 20_000,
    concurrentWrites: pgRun ? (quick ? 1_000 : 5_000) : quick ? 5_000 : 20_000,
    coldGets: Math.min(n, pgRun ? (quick ? 300 : 2_000) : quick ? 1_000 : 5_000),
  };

  const db = await Database.open({ url });
  const store = new Store(db, { lruSize: n + 1_000 });
  await store.init();
  setStore(store);
  const commits = db.writerStats;
  const raw = openRawBaseline(dialect, url);
  await raw.prepareTables();

  // ---- baselines that need no data-layer objects (run first, before the heap reference)
  progress(`${dialect}: raw baselines`);
  const rawCreate = await timedMs(() => raw.createObjects(counts.baseCreate, CREATE_UNIT_SIZE));
  await raw.writeAttributes(counts.warmupWrites, counts.baseCreate); // warm-up, untimed
  const rawWrites = await timedMs(() => raw.writeAttributes(counts.seqWrites, counts.baseCreate));
  const plain = await plainObjectBaseline(n, counts.warmOps);

  // ---- create N objects with 5 attributes each
  await settle();
  const heapBefore = heapUsed();
  progress(`${dialect}: creating ${n} objects x 5 attributes (${CREATE_UNIT_SIZE} per unit of work)`);
  const roundTrips: RoundTripFigure[] = [];
  const measureWriter = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const before = { ...db.writerStats };
    const result = await fn();
    const after = db.writerStats;
    roundTrips.push({
      phase,
      transactions: after.transactions - before.transactions,
      statements: after.statements - before.statements,
      roundTrips: after.roundTrips - before.roundTrips,
    });
    return result;
  };
  const createMs = await measureWriter("create", () => timedMs(() => createObjects(db, n)));
  checkCreated(store, n);

  await settle();
  const heapResident = heapUsed();
  const perObject = (heapResident - heapBefore) / n;

  // ---- cached gets
  progress(`${dialect}: cached gets`);
  const ids = randomIds(counts.warmOps, n);
  const warmPeek = bestOf(3, ids.length, () => peekLoop(store, ids));
  const warmGetById = await bestOfAsync(3, counts.getByIdOps, () => getByIdLoop(ids, counts.getByIdOps));
  const diag = await getDiagnostics(n, ids, counts.getByIdOps);

  // ---- attribute writes through units of work
  progress(`${dialect}: attribute writes (sequential)`);
  await sequentialWrites(store, db, counts.warmupWrites, n, commits); // warm-up (JIT, WAL checkpoint after the bulk create), untimed
  const seq = await measureWriter("attribute writes, sequential", () => sequentialWrites(store, db, counts.seqWrites, n, commits));
  const concurrent: DialectResult["writes"]["concurrent"] = [];
  for (const concurrency of [10, 100]) {
    progress(`${dialect}: attribute writes (${concurrency} concurrent units)`);
    const r = await measureWriter(`attribute writes, ${concurrency} concurrent`, () => concurrentWrites(store, db, counts.concurrentWrites, n, concurrency, commits));
    concurrent.push({ ...rate(r.count, r.ms, rawWrites, counts.seqWrites, "raw upsert, one transaction each"), concurrency, transactions: r.transactions, unitsPerTransaction: r.unitsPerTx });
  }

  // ---- flush: the heap must come back
  store.flush();
  await settle();
  const heapAfterFlush = heapUsed();
  const liveAfterFlush = store.stats().object.live;

  // ---- cold gets (one object per call) vs the raw driver's three SELECTs
  progress(`${dialect}: cold gets (${counts.coldGets} objects)`);
  const coldIds = Array.from({ length: counts.coldGets }, (_, k) => 1 + Math.floor((k * n) / counts.coldGets));
  const rawColdMs = await timedMs(async () => {
    for (const id of coldIds) await raw.getById(id);
  });
  const coldMs = await timedMs(async () => {
    for (const id of coldIds) {
      const obj = await getById(id);
      if (!obj) throw new Error(`bench: #${id} did not load`);
    }
  });

  // ---- bulk load all N back: heap per loaded object, then flush again
  store.flush();
  await settle();
  const loadedBefore = heapUsed();
  progress(`${dialect}: loading all ${n} objects back`);
  const bulkMs = await timedMs(async () => {
    for (let from = 1; from <= n; from += 1000) {
      const chunk = Array.from({ length: Math.min(1000, n - from + 1) }, (_, k) => from + k);
      await store.load("object", chunk);
    }
  });
  await settle();
  const loadedResident = heapUsed();
  const liveLoaded = store.stats().object.live;
  if (liveLoaded < n) throw new Error(`bench: only ${liveLoaded} of ${n} loaded objects are live (is the LRU large enough?)`);
  store.flush();
  await settle();
  const loadedAfterFlush = heapUsed();
  const liveAfterFlush2 = store.stats().object.live;

  // ---- look in a room with 50 things and 20 exits: time and queries per command
  progress(`${dialect}: look in a room with 50 things and 20 exits`);
  const look = await runLookBench(db, store, quick ? 500 : 2_000);

  setStore(null);
  await raw.close();
  await db.close();

  const coldGetByIdNs = (coldMs * 1e6) / counts.coldGets;
  const rawColdNs = (rawColdMs * 1e6) / counts.coldGets;
  const extrapolated = n !== 100_000;
  return {
    dialect,
    n,
    seconds: (now() - started) / 1000,
    loadAverage: { start: loadStart, end: os.loadavg()[0]!, cores: os.cpus().length },
    create: {
      ...rate(n, createMs, rawCreate, counts.baseCreate, `raw upserts (1 object + 5 attribute rows), ${CREATE_UNIT_SIZE} objects per transaction`),
      unitSize: CREATE_UNIT_SIZE,
      attributesPerObject: 5,
      rowsPerSecond: (n * 6) / (createMs / 1000),
    },
    roundTrips,
    get: {
      warmPeek,
      warmGetById,
      mapGet: plain.mapGet,
      ...diag,
      peekVsMap: warmPeek.cpuNs / plain.mapGet.cpuNs,
      getByIdVsMap: warmGetById.cpuNs / diag.asyncMapGet.cpuNs,
      coldGetByIdNs,
      coldSamples: counts.coldGets,
      rawColdNs,
      coldVsWarm: coldGetByIdNs / warmPeek.wallNs,
      coldVsRaw: coldGetByIdNs / rawColdNs,
      bulkLoadNsPerObject: (bulkMs * 1e6) / n,
    },
    look,
    writes: {
      sequential: { ...rate(seq.count, seq.ms, rawWrites, counts.seqWrites, "raw upsert, one transaction each"), transactions: seq.transactions },
      concurrent,
    },
    heap: {
      before: heapBefore,
      resident: heapResident,
      perObject,
      plainPerObject: plain.perObject,
      perObjectVsPlain: perObject / plain.perObject,
      resident100k: extrapolated ? heapBefore + perObject * 100_000 : heapResident,
      extrapolated,
      afterFlush: heapAfterFlush,
      afterFlushVsBefore: (heapAfterFlush - heapBefore) / heapBefore,
      liveAfterFlush,
      loaded: {
        before: loadedBefore,
        resident: loadedResident,
        perObject: (loadedResident - loadedBefore) / n,
        afterFlush: loadedAfterFlush,
        afterFlushVsBefore: (loadedAfterFlush - loadedBefore) / loadedBefore,
        liveAfterFlush: liveAfterFlush2,
      },
    },
  };
}

/** The last object reads back as created (checked in a function of its own, so no reference outlives it). */
function checkCreated(store: Store, n: number): void {
  const obj = store.peek({ kind: "object", id: n }) as DefaultObject | null;
  if (!obj || obj.key !== keyOf(n) || obj.db.hp !== attributesOf(n).hp) throw new Error("bench: created objects do not read back as expected");
}

async function timedMs(fn: () => Promise<unknown>): Promise<number> {
  const start = now();
  await fn();
  return now() - start;
}

function rate(count: number, ms: number, baseMs: number, baseCount: number, what: string): RateFigure {
  const perSecond = count / (ms / 1000);
  const basePerSecond = baseCount / (baseMs / 1000);
  return { count, ms, perSecond, baseline: { what, count: baseCount, ms: baseMs, perSecond: basePerSecond }, ratio: perSecond / basePerSecond };
}

async function createObjects(db: Database, n: number): Promise<void> {
  for (let from = 1; from <= n; from += CREATE_UNIT_SIZE) {
    const to = Math.min(n, from + CREATE_UNIT_SIZE - 1);
    await runInUnitOfWork(db, async () => {
      for (let i = from; i <= to; i++) await createObject(undefined, { key: keyOf(i), attributes: attributesOf(i) });
    });
  }
}

/** Heap per plain object (the same five values in a Map by id), and `Map.get` ns/op on it. */
async function plainObjectBaseline(n: number, ops: number): Promise<{ perObject: number; mapGet: LoopTime }> {
  await settle();
  const before = heapUsed();
  let map: Map<number, Record<string, unknown>> | null = new Map();
  for (let i = 1; i <= n; i++) map.set(i, attributesOf(i));
  await settle();
  const perObject = (heapUsed() - before) / n;
  const ids = randomIds(ops, n);
  const m = map;
  const mapGet = bestOf(3, ids.length, () => {
    let hits = 0;
    const start = now();
    for (let i = 0; i < ids.length; i++) if (m.get(ids[i]!) !== undefined) hits++;
    const ms = now() - start;
    if (hits !== ids.length) throw new Error("bench: Map.get missed");
    return (ms * 1e6) / ids.length;
  });
  map = null;
  return { perObject, mapGet };
}

/** Baselines for the cached gets that need the process as it is now (AsyncLocalStorage active). */
async function getDiagnostics(n: number, ids: Int32Array, asyncOps: number): Promise<{ asyncMapGet: LoopTime; identityMapGet: LoopTime; identityMapNoLruGet: LoopTime }> {
  const objects = Array.from({ length: n }, (_, i) => ({ id: i + 1 }));
  const map = new Map(objects.map((o) => [o.id, o]));
  const lookup = async (id: number) => map.get(id);
  const asyncMapGet = await bestOfAsync(3, asyncOps, async () => {
    let hits = 0;
    const start = now();
    for (let i = 0; i < asyncOps; i++) if ((await lookup(ids[i]!)) !== undefined) hits++;
    const ms = now() - start;
    if (hits !== asyncOps) throw new Error("bench: async Map.get missed");
    return (ms * 1e6) / asyncOps;
  });
  const identityLoop = (lruSize: number) => {
    const im = new IdentityMap<{ id: number }>({ lruSize });
    for (const o of objects) im.add(o.id, o);
    return bestOf(3, ids.length, () => {
      let hits = 0;
      const start = now();
      for (let i = 0; i < ids.length; i++) if (im.get(ids[i]!) !== undefined) hits++;
      const ms = now() - start;
      if (hits !== ids.length) throw new Error("bench: IdentityMap.get missed");
      return (ms * 1e6) / ids.length;
    });
  };
  return { asyncMapGet, identityMapGet: identityLoop(n), identityMapNoLruGet: identityLoop(0) };
}

function peekLoop(store: Store, ids: Int32Array): number {
  let hits = 0;
  const start = now();
  for (let i = 0; i < ids.length; i++) if (store.peek({ kind: "object", id: ids[i]! }) !== null) hits++;
  const ms = now() - start;
  if (hits !== ids.length) throw new Error(`bench: peek missed ${ids.length - hits} resident objects`);
  return (ms * 1e6) / ids.length;
}

async function getByIdLoop(ids: Int32Array, ops: number): Promise<number> {
  let hits = 0;
  const start = now();
  for (let i = 0; i < ops; i++) if ((await getById(ids[i]!)) !== null) hits++;
  const ms = now() - start;
  if (hits !== ops) throw new Error("bench: getById missed resident objects");
  return (ms * 1e6) / ops;
}

/**
 * Best of `times` runs of an in-memory loop of `ops` operations, in ns/op of CPU time
 * (process user+system time): on a shared 2-core machine wall time mostly measures the
 * other processes, while CPU time measures the code. `fn` returns its wall ns/op.
 */
function bestOf(times: number, ops: number, fn: () => number): LoopTime {
  const best = { wallNs: Number.POSITIVE_INFINITY, cpuNs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < times; i++) {
    const cpu0 = process.cpuUsage();
    const wallNs = fn();
    const cpu = process.cpuUsage(cpu0);
    best.wallNs = Math.min(best.wallNs, wallNs);
    best.cpuNs = Math.min(best.cpuNs, ((cpu.user + cpu.system) * 1000) / ops);
  }
  return best;
}

async function bestOfAsync(times: number, ops: number, fn: () => Promise<number>): Promise<LoopTime> {
  const best = { wallNs: Number.POSITIVE_INFINITY, cpuNs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < times; i++) {
    const cpu0 = process.cpuUsage();
    const wallNs = await fn();
    const cpu = process.cpuUsage(cpu0);
    best.wallNs = Math.min(best.wallNs, wallNs);
    best.cpuNs = Math.min(best.cpuNs, ((cpu.user + cpu.system) * 1000) / ops);
  }
  return best;
}

/** ns/op of a loop: wall clock and CPU time. */
export interface LoopTime {
  wallNs: number;
  cpuNs: number;
}

/** One attribute write (`obj.db.hp = i`, an existing attribute) per unit of work, one after another. */
async function sequentialWrites(store: Store, db: Database, count: number, n: number, commits: CommitCounter): Promise<{ count: number; ms: number; transactions: number }> {
  const tx0 = commits.transactions;
  const ms = await timedMs(async () => {
    for (let i = 0; i < count; i++) {
      const obj = store.peek({ kind: "object", id: (i % n) + 1 }) as DefaultObject;
      await runInUnitOfWork(db, async () => {
        obj.db.hp = i;
      });
    }
  });
  return { count, ms, transactions: commits.transactions - tx0 };
}

/** The same writes from `concurrency` concurrent workers, each running one unit of work at a time. */
async function concurrentWrites(
  store: Store,
  db: Database,
  count: number,
  n: number,
  concurrency: number,
  commits: CommitCounter,
): Promise<{ count: number; ms: number; transactions: number; unitsPerTx: number }> {
  const tx0 = commits.transactions;
  const b0 = commits.batches;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const obj = store.peek({ kind: "object", id: (i % n) + 1 }) as DefaultObject;
      await runInUnitOfWork(db, async () => {
        obj.db.hp = i;
      });
    }
  };
  const ms = await timedMs(() => Promise.all(Array.from({ length: concurrency }, worker)));
  const transactions = commits.transactions - tx0;
  return { count, ms, transactions, unitsPerTx: transactions > 0 ? (commits.batches - b0) / transactions : Number.NaN };
}
