/**
 * Game calendars: how a game time (seconds) reads as years, months, hours... and
 * when a game-time moment (`{hour: 6, min: 0}`) next comes.
 *
 * - {@link GregorianCalendar}: the real-world calendar (UTC), as Evennia's standard
 *   game time: `year`, `month` (1-12), `day` (1-31), `hour`, `min`, `sec`.
 * - {@link CustomCalendar}: units of fixed length, as Evennia's custom_gametime
 *   contrib (`{sec: 1, min: 60, hour: 3600, day: 86400, month: 2592000, year: 31104000}`),
 *   counted from 0, with optional names for their values (`names.month[0]` is the
 *   first month's name).
 *
 * A moment names some units; those larger than the largest named take their value
 * now, those smaller default to 0 (Evennia takes the current value of an unnamed
 * smaller unit; pass it explicitly to get that).
 */
import { EvenniaError } from "../utils/errors.ts";

/** A game-time moment by unit: `{hour: 6, min: 30}`. */
export type GameMoment = Partial<Record<string, number>>;

/** A calendar the game clock reads with. */
export interface GameCalendar {
  /** The units, largest first. */
  readonly units: readonly string[];
  /** A game time (seconds) as unit values (`{year: 2026, month: 12, ...}`). */
  breakdown(time: number): Record<string, number>;
  /** The first game time after `time` that matches `moment`; null when it never comes again. */
  nextMatch(time: number, moment: GameMoment): number | null;
  /** A game time in words for players. */
  format(time: number): string;
}

const GREGORIAN_UNITS = ["year", "month", "day", "hour", "min", "sec"] as const;
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Check a moment names only known units with whole numbers. */
function checkMoment(units: readonly string[], moment: GameMoment): string[] {
  const named = Object.keys(moment).filter((u) => moment[u] !== undefined && moment[u] !== null);
  if (named.length === 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `a game-time moment names at least one of ${units.join(", ")}`);
  for (const u of named) {
    if (!units.includes(u)) throw new EvenniaError("EV_ERR_BAD_INPUT", `"${u}" is not a unit of the game calendar (${units.join(", ")})`);
    const v = moment[u]!;
    if (!Number.isInteger(v) || v < 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `game-time ${u} must be a whole number >= 0, got ${String(v)}`);
  }
  return named;
}

/** The real-world calendar, UTC; game time is seconds since 1970-01-01. */
export class GregorianCalendar implements GameCalendar {
  readonly units = GREGORIAN_UNITS;

  breakdown(time: number): Record<string, number> {
    const d = new Date(Math.floor(time) * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      min: d.getUTCMinutes(),
      sec: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }

  nextMatch(time: number, moment: GameMoment): number | null {
    const named = checkMoment(this.units, moment);
    const now = this.breakdown(time);
    const largest = GREGORIAN_UNITS.findIndex((u) => named.includes(u));
    const value = (u: (typeof GREGORIAN_UNITS)[number], i: number): number => moment[u] ?? (i < largest ? now[u]! : u === "month" || u === "day" ? 1 : 0);
    const fields = GREGORIAN_UNITS.map((u, i) => value(u, i));
    const at = (f: number[]): number => Date.UTC(f[0]!, f[1]! - 1, f[2]!, f[3]!, f[4]!, f[5]!) / 1000;
    let projected = at(fields);
    if (projected <= time) {
      if (largest === 0) return null; // a year that has passed
      fields[largest - 1] = fields[largest - 1]! + 1; // the next year / month / day / hour / minute
      projected = at(fields);
    }
    return projected;
  }

  format(time: number): string {
    const b = this.breakdown(time);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${WEEKDAYS[b.weekday!]}, ${MONTHS[b.month! - 1]} ${b.day}, ${b.year}, ${pad(b.hour!)}:${pad(b.min!)}:${pad(b.sec!)}`;
  }
}

/** A calendar of fixed-length units; see the module description. */
export class CustomCalendar implements GameCalendar {
  readonly units: readonly string[];
  private readonly sizes: ReadonlyMap<string, number>;

  constructor(
    units: Record<string, number>,
    /** Names of each unit's values: `{month: ["Frostfall", ...]}`. */
    readonly names: Record<string, string[]> = {},
  ) {
    const entries = Object.entries(units);
    if (entries.length === 0) throw new EvenniaError("EV_ERR_CONFIG", "setting timeCalendar: units is empty");
    for (const [name, size] of entries) {
      if (!(Number.isFinite(size) && size > 0)) throw new EvenniaError("EV_ERR_CONFIG", `setting timeCalendar: unit "${name}" must last more than 0 seconds, got ${String(size)}`);
    }
    const sorted = entries.sort((a, b) => b[1] - a[1]);
    this.units = sorted.map(([n]) => n);
    this.sizes = new Map(sorted);
    for (const unit of Object.keys(names)) {
      if (!this.sizes.has(unit)) throw new EvenniaError("EV_ERR_CONFIG", `setting timeCalendar: names given for "${unit}", which is not a unit`);
    }
  }

  breakdown(time: number): Record<string, number> {
    let rest = Math.max(0, Math.floor(time));
    const out: Record<string, number> = {};
    for (const unit of this.units) {
      const size = this.sizes.get(unit)!;
      out[unit] = Math.floor(rest / size);
      rest -= out[unit]! * size;
    }
    return out;
  }

  nextMatch(time: number, moment: GameMoment): number | null {
    const named = checkMoment(this.units, moment);
    const largest = this.units.findIndex((u) => named.includes(u));
    const offsetOf = (from: number): number => {
      let offset = 0;
      for (let i = from; i < this.units.length; i++) offset += (moment[this.units[i]!] ?? 0) * this.sizes.get(this.units[i]!)!;
      return offset;
    };
    if (largest === 0) {
      const target = offsetOf(0);
      return target > time ? target : null;
    }
    // the current period of the next larger unit, and the moment inside it
    const now = this.breakdown(time);
    let periodStart = 0;
    for (let i = 0; i < largest; i++) periodStart += now[this.units[i]!]! * this.sizes.get(this.units[i]!)!;
    let target = periodStart + offsetOf(largest);
    if (target <= time) target += this.sizes.get(this.units[largest - 1]!)!;
    return target;
  }

  format(time: number): string {
    const b = this.breakdown(time);
    return this.units
      .map((u) => {
        const name = this.names[u]?.[b[u]!];
        return name ? `${u} ${b[u]} (${name})` : `${u} ${b[u]}`;
      })
      .join(", ");
  }
}

/** The calendar a `timeCalendar` setting describes (null: the Gregorian one). */
export function calendarFromSetting(setting: { units: Record<string, number>; names?: Record<string, string[]> } | null | undefined): GameCalendar {
  return setting ? new CustomCalendar(setting.units, setting.names) : new GregorianCalendar();
}
