/**
 * Units of work. Each command, inputfunc and timer callback runs in one: the writes
 * it makes are staged, then committed in one transaction when it ends, and only
 * then is its output delivered — what a player was told has happened is on disk.
 * If it throws, or the commit fails, nothing is written, the in-memory changes it
 * made are undone, and its output is discarded.
 *
 * Writes made outside any unit of work join an implicit one that commits on the
 * next turn of the event loop.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { getLogger } from "../utils/logger.ts";
import type { Database } from "./database.ts";
import type { Write } from "./writes.ts";
import { EvenniaError } from "../utils/errors.ts";

const log = getLogger("db.uow");

/** A write staged under a key; a later write under the same key replaces it. Built at commit. */
type StagedWrite = () => Write[];

/**
 * Stages the write of a key again, in another unit of work, as memory holds it then.
 * Given to {@link UnitOfWork.stage} for writes built from live memory (a row, an
 * attribute, a tag): see {@link UnitOfWork.rollback}.
 */
export type RestageWrite = (uow: UnitOfWork) => void;

/** Open units of work by the keys they staged with a {@link RestageWrite}: a commit building one of these keys tells them. */
const openRestageable = new Map<string, Set<UnitOfWork>>();

let serials = 0;

/** One unit of work. */
export class UnitOfWork {
  /**
   * Unique in this process (from 1): what remembers a unit of work past its end keeps
   * this number, not the unit (whose undo closures would stay alive with it).
   */
  readonly serial = ++serials;
  private readonly writes = new Map<string, StagedWrite>();
  /** How to stage each key again after a rollback ({@link stage}'s `restage`). */
  private readonly restages = new Map<string, RestageWrite>();
  /** Keys of {@link restages} that another unit's commit built while this unit had them staged. */
  private readonly overwritten = new Set<string>();
  private readonly undoLog: (() => void)[] = [];
  private readonly afterCommitCallbacks: (() => void)[] = [];
  /** The group of {@link afterCommitGrouped} at the end of the callbacks, while nothing came after it. */
  private lastGroup: { key: object; run: (key: object, items: unknown[]) => void; items: unknown[] } | null = null;
  private finished = false;

  constructor(readonly db: Database) {}

  /**
   * Stage a write. `key` identifies what is written (e.g. `object:12`); staging the
   * same key again replaces the earlier write, so the row is written once, as it is
   * at commit time. `build` runs at commit.
   *
   * A write built from live memory also gives `restage`: another unit committing the same
   * key meanwhile writes memory as it is then, this unit's uncommitted change included; if
   * this unit then rolls back, `restage` stages the key again (in the implicit unit of work)
   * so that the database ends as memory does after the undo.
   */
  stage(key: string, build: StagedWrite, restage?: RestageWrite): void {
    this.assertOpen();
    // delete first so the key moves to the end: writes run in the order of their last staging
    this.writes.delete(key);
    this.writes.set(key, build);
    if (restage) {
      this.restages.set(key, restage);
      let units = openRestageable.get(key);
      if (!units) openRestageable.set(key, (units = new Set()));
      units.add(this);
    }
  }

  /** Record how to undo an in-memory change if this unit of work fails. */
  recordUndo(undo: () => void): void {
    if (!this.finished) this.undoLog.push(undo);
  }

  /** Run `fn` after a successful commit (output delivery, cache updates). */
  afterCommit(fn: () => void): void {
    if (this.finished) fn();
    else {
      this.afterCommitCallbacks.push(fn);
      this.lastGroup = null;
    }
  }

  /**
   * After commit, `run(key, items)`: consecutive calls with the same `key` and `run`
   * (nothing else registered between them) are one call with all their items, in order.
   * A room's `say` to 200 sessions registers one callback, not 200 (see `ServerSession.msg`).
   */
  afterCommitGrouped<K extends object, T>(key: K, item: T, run: (key: K, items: T[]) => void): void {
    if (this.finished) {
      run(key, [item]);
      return;
    }
    const last = this.lastGroup;
    if (last && last.key === key && last.run === run) {
      last.items.push(item);
      return;
    }
    const group = { key, run: run as (key: object, items: unknown[]) => void, items: [item] as unknown[] };
    this.afterCommitCallbacks.push(() => group.run(group.key, group.items));
    this.lastGroup = group;
  }

  /** Number of staged writes. */
  get size(): number {
    return this.writes.size;
  }

  /** True once committed or rolled back. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Commit staged writes in one transaction, then run after-commit callbacks. */
  async commit(): Promise<void> {
    this.assertOpen();
    try {
      // a builder that throws (a value that cannot be encoded) fails the unit like a failed write
      const writes: Write[] = [];
      for (const [key, build] of this.writes) {
        this.noteBuilt(key);
        for (const w of build()) writes.push(w);
      }
      this.writes.clear();
      if (writes.length > 0) await this.db.write(writes);
    } catch (err) {
      this.rollback();
      throw err;
    }
    this.finished = true;
    this.forgetRestages();
    // drop what this unit held: a finished unit may stay reachable (async contexts, undo bookkeeping)
    this.undoLog.length = 0;
    const callbacks = this.afterCommitCallbacks.splice(0);
    this.lastGroup = null;
    for (const fn of callbacks) {
      try {
        fn();
      } catch (err) {
        log.error("after-commit callback failed", err);
      }
    }
  }

  /**
   * Discard staged writes and undo in-memory changes, newest first. Keys that another
   * unit's commit wrote while this unit had changed them (see {@link stage}) are staged
   * again as memory holds them after the undo.
   */
  rollback(): void {
    if (this.finished) return;
    this.finished = true;
    this.writes.clear();
    this.afterCommitCallbacks.length = 0;
    this.lastGroup = null;
    const undo = this.undoLog.splice(0);
    for (let i = undo.length - 1; i >= 0; i--) {
      try {
        undo[i]!();
      } catch (err) {
        log.error("undo step failed", err);
      }
    }
    const restage = [...this.overwritten].map((key) => this.restages.get(key)!);
    this.forgetRestages();
    if (restage.length === 0) return;
    const target = outsideUnitOfWork(() => unitOfWorkFor(this.db));
    for (const fn of restage) {
      try {
        fn(target);
      } catch (err) {
        log.error("restaging a rolled-back write failed", err);
      }
    }
  }

  /** A commit is building `key`: every other open unit that staged it restageable must write it again if it rolls back. */
  private noteBuilt(key: string): void {
    const units = openRestageable.get(key);
    if (units) for (const other of units) if (other !== this && other.db === this.db) other.overwritten.add(key);
  }

  /** Leave {@link openRestageable}; this unit has finished. */
  private forgetRestages(): void {
    for (const key of this.restages.keys()) {
      const units = openRestageable.get(key);
      units?.delete(this);
      if (units?.size === 0) openRestageable.delete(key);
    }
    this.restages.clear();
    this.overwritten.clear();
  }

  private assertOpen(): void {
    if (this.finished) throw new EvenniaError("EV_ERR_INTERNAL", "this unit of work has already finished");
  }
}

const storage = new AsyncLocalStorage<UnitOfWork>();
let implicit: UnitOfWork | null = null;

/** The unit of work the caller runs in, if any. */
export function currentUnitOfWork(): UnitOfWork | undefined {
  const uow = storage.getStore();
  return uow && !uow.isFinished ? uow : undefined;
}

/**
 * Run `fn` outside the current unit of work: what it writes or sends is not held for
 * that unit's commit (it runs units of its own, or writes implicitly). A batch run
 * uses it to commit each entry as it goes, as if the builder had typed it.
 */
export function outsideUnitOfWork<T>(fn: () => T): T {
  return storage.exit(fn);
}

/**
 * The unit of work to stage a write in: the current one, or an implicit one that
 * commits on the next turn of the event loop.
 */
export function unitOfWorkFor(db: Database): UnitOfWork {
  const current = currentUnitOfWork();
  if (current) return current;
  if (implicit && !implicit.isFinished && implicit.db === db) return implicit;
  const uow = new UnitOfWork(db);
  implicit = uow;
  setImmediate(() => {
    if (implicit === uow) implicit = null;
    if (uow.isFinished) return; // committed already by flushImplicitWrites
    uow.commit().catch((err) => log.error("implicit unit of work failed to commit; its changes were undone", err));
  });
  return uow;
}

/** Wait until the implicit unit of work (writes made outside any) has committed. */
export async function flushImplicitWrites(): Promise<void> {
  const uow = implicit;
  if (!uow) return;
  implicit = null;
  if (!uow.isFinished) await uow.commit();
}

/**
 * Run `fn` in a new unit of work: commit when it resolves, roll back (and rethrow)
 * when it throws. Nested calls join the outer unit of work.
 */
export async function runInUnitOfWork<T>(db: Database, fn: (uow: UnitOfWork) => Promise<T> | T): Promise<T> {
  const outer = currentUnitOfWork();
  if (outer) return fn(outer);
  const uow = new UnitOfWork(db);
  let result: T;
  try {
    result = await storage.run(uow, () => fn(uow));
  } catch (err) {
    uow.rollback();
    throw err;
  }
  await uow.commit();
  return result;
}

/**
 * Run `fn` in a unit of work of its own, even when called from inside another (a
 * background result or a signal delivered while the command that asked for it still
 * runs): it commits or rolls back alone. (Added for runAsync, issue 14.)
 */
export function runInNewUnitOfWork<T>(db: Database, fn: (uow: UnitOfWork) => Promise<T> | T): Promise<T> {
  return storage.exit(() => runInUnitOfWork(db, fn));
}
