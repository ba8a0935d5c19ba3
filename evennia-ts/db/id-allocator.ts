/**
 * Allocates row ids in the server process, so that a unit of work can create rows
 * (and use their ids) before it commits. The server is the only writer of the
 * game's tables.
 *
 * Ids are never handed out twice: the highest id handed out per table is kept in
 * `id_high_water`, written in the same transaction as the rows that use the ids
 * (staged with every create, see {@link IdAllocator.highWaterWrite}). At start the
 * allocator continues above both that mark and the table's highest id, so deleting
 * the newest row and restarting does not give its id to a new row.
 *
 * While an id is handed out and its mark not committed (a create whose unit of work
 * is still running, or was rolled back), another unit may commit a row that points
 * at it (an object moved into a box being created): such units write the mark too
 * ({@link IdAllocator.tablesAhead}), or a restart could give the id to another row.
 */
import { EvenniaError } from "../utils/errors.ts";
import type { Database } from "./database.ts";
import type { UnitOfWork } from "./unit-of-work.ts";
import { IdHighWaterTable } from "./entities/schemas.ts";
import { upsert, type UpsertWrite } from "./writes.ts";

const NONE: readonly string[] = Object.freeze([]);
const HIGH_WATER_SHAPE = { columns: ["table_name", "high_water"], conflictKey: ["table_name"], update: ["high_water"] } as const;

/** Hands out increasing ids per table. */
export class IdAllocator {
  /** The highest id handed out (or found) per table. */
  private readonly highest = new Map<string, number>();
  /** The highest id per table known to be covered on disk (by a committed mark or row). */
  private readonly committed = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /** Read each table's high-water mark and highest id. */
  async init(tables: string[]): Promise<void> {
    for (const table of tables) {
      const [row] = await this.db.query<{ max: number | string | null }>(`SELECT MAX(id) AS max FROM ${table}`);
      const [mark] = await this.db.query<{ high_water: number | string }>("SELECT high_water FROM id_high_water WHERE table_name = ?", [table]);
      const top = Math.max(Number(row?.max ?? 0), Number(mark?.high_water ?? 0));
      this.highest.set(table, top);
      this.committed.set(table, top);
    }
  }

  /** A fresh id for `table`. Stage {@link highWaterWrite} in the unit of work that inserts it. */
  allocate(table: string): number {
    const top = this.highest.get(table);
    if (top === undefined) throw new EvenniaError("EV_ERR_INTERNAL", `IdAllocator: table ${table} was not initialised`);
    this.highest.set(table, top + 1);
    return top + 1;
  }

  /**
   * The write that records `table`'s high-water mark. Build it at commit time: it
   * holds the highest id handed out by then, so marks written by later commits never
   * go down (units commit in the order they build their writes).
   */
  highWaterWrite(table: string): UpsertWrite {
    return upsert(IdHighWaterTable, HIGH_WATER_SHAPE, [table, this.highest.get(table) ?? 0]);
  }

  /** Stage `table`'s mark in `uow` (built at commit, see {@link highWaterWrite}); once committed, ids up to it are covered. */
  stageHighWater(uow: UnitOfWork, table: string): void {
    uow.stage(`ids:${table}`, () => {
      const write = this.highWaterWrite(table);
      const value = write.values[1] as number;
      uow.afterCommit(() => {
        if (value > (this.committed.get(table) ?? 0)) this.committed.set(table, value);
      });
      return [write];
    });
  }

  /** Tables with ids handed out whose mark has not committed yet (the shared empty list when none: called per row written). */
  tablesAhead(): readonly string[] {
    let ahead: string[] | null = null;
    for (const [table, top] of this.highest) if (top > (this.committed.get(table) ?? 0)) (ahead ??= []).push(table);
    return ahead ?? NONE;
  }
}
