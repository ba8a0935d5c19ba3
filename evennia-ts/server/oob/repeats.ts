/**
 * Evennia's `repeat` and `unrepeat` inputfuncs: a client asks the server to call a
 * named function for it every so many seconds (a status line refreshed every 10 s,
 * say), and to stop.
 *
 * ```
 * client: ["repeat", [], {"callback": "test1", "interval": 10}]
 * server, every 10 s: ["repeat", ["Repeat called: 1733280000.123"], {}]
 * client: ["unrepeat", [], {"callback": "test1", "interval": 10}]
 * ```
 *
 * Only functions in a whitelist run; an unknown name is answered with the list. The
 * defaults `test1` and `test2` are Evennia's examples; a game offers its own with
 * {@link registerRepeatable}. The interval is whole seconds, at least 5 (default 60,
 * at most a day). Repeats run on the ticker handler (every repeat of one interval
 * shares one timer), each call in its own unit of work, run after the tick so that a
 * slow call holds up no other (one still running skips its next tick); they come back
 * after a server reload and end with the session.
 */
import { currentUnitOfWork } from "../../db/unit-of-work.ts";
import { tickerHandler } from "../../timers/ticker-handler.ts";
import { runTimerCallback } from "../../timers/timer-context.ts";
import { EvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import type { InputFunc } from "../inputfuncs.ts";
import type { ServerSession } from "../server-session.ts";
import { saveSessionList } from "./saved-list.ts";

const log = getLogger("server.oob");

/** A function a client may have repeated: called with the session it repeats for. */
export type RepeatableFunc = (session: ServerSession) => void | Promise<void>;

/** Shortest interval, in seconds (as Evennia). */
export const MIN_REPEAT_INTERVAL = 5;
/** Longest interval, in seconds. */
export const MAX_REPEAT_INTERVAL = 86_400;
const DEFAULT_INTERVAL = 60;
/** Most repeats one session may hold. */
export const MAX_REPEATS_PER_SESSION = 16;
const SAVED_KEY = "oob_repeats";

const repeatables = new Map<string, RepeatableFunc>();
/** The repeats of each session that has any: ticker idstring → [callback name, interval]. */
const bySession = new Map<ServerSession, Map<string, readonly [string, number]>>();
/** The repeat calls of each session still running, by ticker idstring. */
const running = new WeakMap<ServerSession, Set<string>>();

/**
 * Offer `fn` to clients as `name` (case-sensitive, as Evennia's; replaces an earlier one).
 *
 * @example
 * registerRepeatable("vitals", (session) => session.msg({ vitals: [[], { hp: session.puppet?.db.hp ?? 0 }] }));
 */
export function registerRepeatable(name: string, fn: RepeatableFunc): void {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    throw new EvenniaError("EV_ERR_CONFIG", `invalid repeatable name "${name}" (letters, digits, _ . - only, at most 64)`);
  }
  repeatables.set(name, fn);
}

/** Stop offering `name` (its running repeats stop at their next call). True when it was offered. */
export function unregisterRepeatable(name: string): boolean {
  return repeatables.delete(name);
}

/** The names clients may repeat, sorted. */
export function repeatableNames(): string[] {
  return [...repeatables.keys()].sort();
}

/** The repeats `session` holds, as `[callback, interval]`, sorted. */
export function repeatsOf(session: ServerSession): [string, number][] {
  return [...(bySession.get(session)?.values() ?? [])].map(([name, interval]): [string, number] => [name, interval]).sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
}

/** Stop every repeat of `session` (it disconnected). */
export function forgetRepeats(session: ServerSession): void {
  const mine = bySession.get(session);
  if (!mine) return;
  bySession.delete(session);
  for (const [idstring, [, interval]] of mine) tickerHandler.remove(interval, fireRepeat, { idstring });
}

/** Forget every session's repeats (a server starting in this process; the old one's ticker stopped with it). */
export function resetRepeats(): void {
  bySession.clear();
}

/** After a reload: start again the repeats the session had before it. */
export function restoreRepeats(session: ServerSession): void {
  const saved = session.saved[SAVED_KEY];
  if (!Array.isArray(saved)) return;
  for (const entry of saved) {
    if (Array.isArray(entry) && typeof entry[0] === "string" && typeof entry[1] === "number") startRepeat(session, entry[0], entry[1], false);
  }
  remember(session);
}

/** `repeat`: `{callback, interval?, stop?}`. */
export const repeatInputFunc: InputFunc = (session, _args, kwargs) => {
  const name = typeof kwargs.callback === "string" ? kwargs.callback.trim() : "";
  if (!repeatables.has(name)) {
    session.msg(`Allowed repeating functions are: ${repeatableNames().join(", ") || "(none)"}`);
    return;
  }
  if (kwargs.stop === true) {
    stopRepeat(session, name, kwargs.interval === undefined ? null : intervalOf(kwargs.interval));
    return;
  }
  startRepeat(session, name, intervalOf(kwargs.interval), true);
};

/** `unrepeat`: `{callback, interval?}`; with no interval, every repeat of the callback stops. */
export const unrepeatInputFunc: InputFunc = (session, args, kwargs) => repeatInputFunc(session, args, { ...kwargs, stop: true });

/** Whole seconds from `MIN_REPEAT_INTERVAL` to `MAX_REPEAT_INTERVAL`; the default for anything not a number. */
function intervalOf(raw: unknown): number {
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n)) return DEFAULT_INTERVAL;
  return Math.min(MAX_REPEAT_INTERVAL, Math.max(MIN_REPEAT_INTERVAL, Math.trunc(n)));
}

function idstringOf(session: ServerSession, name: string, interval: number): string {
  return `oob-repeat:${session.sessid}:${name}:${interval}`;
}

function startRepeat(session: ServerSession, name: string, interval: number, save: boolean): void {
  if (!repeatables.has(name)) return;
  const clamped = intervalOf(interval);
  const idstring = idstringOf(session, name, clamped);
  let mine = bySession.get(session);
  if (mine?.has(idstring)) return;
  if ((mine?.size ?? 0) >= MAX_REPEATS_PER_SESSION) {
    session.msg(`You can have at most ${MAX_REPEATS_PER_SESSION} repeats running.`);
    return;
  }
  tickerHandler.add(clamped, fireRepeat, { idstring, persistent: false, args: [session, name, idstring] });
  if (!mine) bySession.set(session, (mine = new Map()));
  const entries = mine;
  entries.set(idstring, [name, clamped]);
  // the ticker drops the subscription if the unit of work fails; so does the bookkeeping
  currentUnitOfWork()?.recordUndo(() => {
    entries.delete(idstring);
    if (entries.size === 0 && bySession.get(session) === entries) bySession.delete(session);
  });
  if (save) remember(session);
}

function stopRepeat(session: ServerSession, name: string, interval: number | null): void {
  const mine = bySession.get(session);
  if (!mine) return;
  let stopped = false;
  for (const [idstring, [n, i]] of mine) {
    if (n !== name || (interval !== null && i !== interval)) continue;
    tickerHandler.remove(i, fireRepeat, { idstring });
    mine.delete(idstring);
    stopped = true;
  }
  if (!stopped) return;
  if (mine.size === 0) bySession.delete(session);
  remember(session);
}

/** The ticker's callback for every repeat. */
async function fireRepeat(session: ServerSession, name: string, idstring = ""): Promise<void> {
  const fn = repeatables.get(name);
  if (!fn) {
    log.info(`repeat ${name} of session ${session.sessid} is no longer offered; stopped`);
    stopRepeat(session, name, null);
    return;
  }
  const tick = currentUnitOfWork();
  if (!tick) {
    await fn(session);
    return;
  }
  // The ticker runs the subscribers of an interval one after another and waits for each: a
  // repeatable that is slow or never settles would hold up every session's repeats and the
  // game's own tickers of that interval. So the call runs on its own, in its own unit of work
  // after this one commits (runTimerCallback logs a failure), and a call still running is
  // not started again at the next tick.
  let calls = running.get(session);
  if (calls?.has(idstring)) {
    log.debug(`repeat ${name} of session ${session.sessid} still runs from the last tick; skipped`);
    return;
  }
  if (!calls) running.set(session, (calls = new Set()));
  const mine = calls;
  mine.add(idstring);
  tick.recordUndo(() => mine.delete(idstring));
  void runTimerCallback(tick.db, `repeat ${name} of session ${session.sessid}`, async () => {
    try {
      await fn(session);
    } finally {
      mine.delete(idstring);
    }
  });
}

/** Keep the session's repeats across reloads (in the portal's copy of its data). */
function remember(session: ServerSession): void {
  saveSessionList(session, SAVED_KEY, repeatsOf(session));
}

/** Evennia's example: sends `["repeat", ["Repeat called: <unix time>"], {}]`. */
const testRepeat: RepeatableFunc = (session) => {
  session.msg({ repeat: [[`Repeat called: ${Date.now() / 1000}`], {}] });
};
registerRepeatable("test1", testRepeat);
registerRepeatable("test2", testRepeat);
