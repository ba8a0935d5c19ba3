/**
 * What the game loop is doing: each command (and any timer callback that says so)
 * registers itself here while it runs, so that the stall watchdog
 * (`server/stall-watchdog.ts`) can name what blocked the event loop.
 *
 * ```ts
 * await trackActivity(`timer "weather" on #12`, () => changeWeather());
 * ```
 */

/** One piece of work in progress. */
export interface Activity {
  /** What it is and for whom: `command "dig" by Anna (session 3)`. */
  readonly label: string;
  /** When it started (`performance.now()`). */
  readonly startedAt: number;
  /** When it ended (`performance.now()`), or null while it runs. */
  endedAt: number | null;
}

/** How long an ended activity is remembered (ms): the watchdog looks back this far at most. */
const REMEMBER_MS = 60_000;
/** How many ended activities are remembered at most. */
const REMEMBER_COUNT = 200;

const running = new Set<Activity>();
const ended: Activity[] = [];

/**
 * Register work that starts now; pass it to {@link endActivity} when it is done.
 * `label` may be a function: it is called only if the label is read (the stall
 * watchdog reads it when the loop was blocked), so a command names itself without
 * building a string on every run.
 */
export function beginActivity(label: string | (() => string)): Activity {
  const activity = new RunningActivity(label, performance.now());
  running.add(activity);
  return activity;
}

/** An activity whose label is built on first reading. */
class RunningActivity implements Activity {
  endedAt: number | null = null;
  #label: string | (() => string);

  constructor(
    label: string | (() => string),
    readonly startedAt: number,
  ) {
    this.#label = label;
  }

  get label(): string {
    if (typeof this.#label === "function") this.#label = this.#label();
    return this.#label;
  }
}

/** The work is done. */
export function endActivity(activity: Activity): void {
  if (!running.delete(activity)) return;
  activity.endedAt = performance.now();
  ended.push(activity);
  const horizon = activity.endedAt - REMEMBER_MS;
  while (ended.length > REMEMBER_COUNT || (ended[0] && ended[0].endedAt! < horizon)) ended.shift();
}

/** Run `fn` as an activity named `label`. */
export async function trackActivity<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const activity = beginActivity(label);
  try {
    return await fn();
  } finally {
    endActivity(activity);
  }
}

/** Work that ran at some moment after `since` (`performance.now()` time): running now, or ended since. Oldest first. */
export function activitiesSince(since: number): Activity[] {
  const recent = ended.filter((a) => a.endedAt! >= since);
  return [...recent, ...running].sort((a, b) => a.startedAt - b.startedAt);
}
