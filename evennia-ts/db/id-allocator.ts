/**
 * Allocates row ids in the server process, so that a unit of work can create rows
 * (and use their ids) before it commits. The server is the only writer of the
 * game's tables; it reads each table's highest id once at start.
 */
import type { Database } from "./database.ts";
import { EvenniaError } from "../utils/errors.ts";

/** Hands out increasing ids per table. */
export class IdAllocator {
  private readonly next = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /** Read the highest id of each table. */
  async init(tables: string[]): Promise<void> {
    for (const table of tables) {
      const [row] = await this.db.query<{ max: number | string | null }>(`SELECT MAX(id) AS max FROM ${table}`);
      this.next.set(table, Number(row?.max ?? 0) + 1);
    }
  }

  /** A fresh id for `table`. */
  allocate(table: string): number {
    const id = this.next.get(table);
    if (id === undefined) throw new EvenniaError("EV_ERR_INTERNAL", `IdAllocator: table ${table} was not initialised`);
    this.next.set(table, id + 1);
    return id;
  }
}
