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
 */
import { EvenniaError } from "../utils/errors.ts";
import type { Database } from "./database.ts";
import { IdHighWaterTable } from "./entities/schemas.ts";
import { upsert, type UpsertWrite } from "./writes.ts";

const HIGH_WATER_SHAPE = { columns: ["table_name", "high_water"], conflictKey: ["table_name"], update: ["high_water"] } as const;

/** Hands out increasing ids per table. */
export class IdAllocator {
  /** The highest id handed out (or found) per table. */
  private readonly highest = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /** Read each table's high-water mark and highest id. */
  async init(tables: string[]): Promise<void> {
    for (const table of tables) {
      const [row] = await this.db.query<{ max: number | string | null }>(`SELECT MAX(id) AS max FROM ${table}`);
      const [mark] = await this.db.query<{ high_water: number | string }>("SELECT high_water FROM id_high_water WHERE table_name = ?", [table]);
      this.highest.set(table, Math.max(Number(row?.max ?? 0), Number(mark?.high_water ?? 0)));
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
}
