/**
 * The front page's figures: accounts, characters, rooms, exits and other objects,
 * counted with two grouped queries (objects are classed by the typeclass each
 * stored path is registered as), and the newest accounts.
 */
import type { Database } from "../../db/database.ts";
import { DefaultCharacter } from "../../typeclasses/characters.ts";
import { DefaultExit } from "../../typeclasses/exits.ts";
import { findTypeclass } from "../../typeclasses/registry.ts";
import { DefaultRoom } from "../../typeclasses/rooms.ts";

/** How many of each there are in the database. */
export interface GameStatistics {
  accounts: number;
  characters: number;
  rooms: number;
  exits: number;
  /** Objects that are none of the above. */
  others: number;
  /** Every object (characters, rooms, exits and others). */
  objects: number;
}

/** A recently created account, as the front page lists it. */
export interface RecentAccount {
  name: string;
  /** ms since the epoch. */
  createdAt: number;
}

type ObjectClass = "characters" | "rooms" | "exits" | "others";

function classOf(typeclassPath: string): ObjectClass {
  const cls = findTypeclass(typeclassPath);
  if (!cls) return "others";
  if (cls === DefaultCharacter || cls.prototype instanceof DefaultCharacter) return "characters";
  if (cls === DefaultRoom || cls.prototype instanceof DefaultRoom) return "rooms";
  if (cls === DefaultExit || cls.prototype instanceof DefaultExit) return "exits";
  return "others";
}

/** Count the accounts and objects in `db` (what is committed). */
export async function gameStatistics(db: Database): Promise<GameStatistics> {
  const [accounts] = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM accounts");
  const byPath = await db.query<{ typeclass_path: string; n: number | string }>(
    "SELECT typeclass_path, COUNT(*) AS n FROM objects GROUP BY typeclass_path",
  );
  const stats: GameStatistics = { accounts: Number(accounts?.n ?? 0), characters: 0, rooms: 0, exits: 0, others: 0, objects: 0 };
  for (const row of byPath) {
    const n = Number(row.n);
    stats[classOf(row.typeclass_path)] += n;
    stats.objects += n;
  }
  return stats;
}

/** The `limit` newest accounts, newest first. */
export async function recentAccounts(db: Database, limit = 5): Promise<RecentAccount[]> {
  const count = Math.max(0, Math.min(Math.floor(limit), 100));
  const rows = await db.query<{ username: string; date_created: number | string }>(
    `SELECT username, date_created FROM accounts ORDER BY date_created DESC, id DESC LIMIT ${count}`,
  );
  return rows.map((r) => ({ name: r.username, createdAt: Number(r.date_created) }));
}
