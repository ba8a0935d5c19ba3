/**
 * Asking a session for its next line: `getInput(session, "Password: ", cb, {hidden: true})`.
 * The question goes out as a prompt; the next line the session sends goes to the
 * callback instead of the command parser (in its own unit of work). With `hidden`
 * the client stops showing what is typed (telnet `IAC WILL ECHO`, the webclient's
 * password field) until that line arrives (`IAC WONT ECHO`); a hidden line is
 * never logged.
 */
import type { Database } from "../db/database.ts";
import { currentUnitOfWork, runInUnitOfWork } from "../db/unit-of-work.ts";
import type { CommandSession } from "./command.ts";

/**
 * What runs with the answer. Returning true keeps the question open (as Evennia's
 * `get_input`): it is asked again and the next line comes here too — to refuse an
 * answer that is not valid. Anything else closes it.
 */
export type InputCallback = (line: string) => Promise<boolean | void> | boolean | void;

/** Options of {@link getInput}. */
export interface GetInputOptions {
  /** Hide what the player types (passwords). */
  hidden?: boolean;
}

/** A question waiting for its answer. */
export interface PendingInput {
  readonly callback: InputCallback;
  readonly hidden: boolean;
  /** The question, asked again when the callback returns true. */
  readonly prompt: string;
}

const pending = new WeakMap<CommandSession, PendingInput>();

/** Key of the session data (kept by the portal across reloads) marking a hidden question. */
const HIDDEN_KEY = "hidden_input";

/** Tell the portal (through the session's saved data, when it has some) whether a hidden question is open. */
function rememberHidden(session: CommandSession, open: boolean): void {
  const s = session as CommandSession & { setSaved?: (key: string, value: unknown) => void; saved?: Record<string, unknown> };
  if (typeof s.setSaved !== "function" || Boolean(s.saved?.[HIDDEN_KEY]) === open) return;
  s.setSaved(HIDDEN_KEY, open ? true : undefined);
}

/**
 * After a reload: a session whose hidden question (a password) the old server
 * left open gets a stand-in, so that the line it types next — the password —
 * is swallowed, not run as a command. Returns true when there was one.
 */
export function resumeLostHiddenInput(session: CommandSession & { saved: Record<string, unknown> }): boolean {
  if (!session.saved[HIDDEN_KEY]) return false;
  pending.set(session, {
    hidden: true,
    prompt: "",
    callback: () => {
      session.msg("The server restarted while it waited for that; what you typed was not used. Please try again.");
    },
  });
  return true;
}

/**
 * Ask `session` a question; its next line goes to `callback` (which returns true
 * to have the question asked again). A second question before the answer replaces the first.
 */
export function getInput(session: CommandSession, prompt: string, callback: InputCallback, options: GetInputOptions = {}): void {
  const hidden = options.hidden === true;
  const question: PendingInput = { callback, hidden, prompt };
  pending.set(session, question);
  rememberHidden(session, hidden);
  // a unit of work that fails takes its question back
  currentUnitOfWork()?.recordUndo(() => {
    if (pending.get(session) === question) pending.delete(session);
  });
  if (hidden) session.msg({ echo: [[], { hidden: true }] });
  session.msg({ prompt });
}

/** @internal the command handler takes the question a line answers (and forgets it) */
export function takePendingInput(session: CommandSession): PendingInput | undefined {
  const found = pending.get(session);
  if (found) pending.delete(session);
  if (found?.hidden) rememberHidden(session, false);
  return found;
}

/** True while `session` has a question waiting. */
export function hasPendingInput(session: CommandSession): boolean {
  return pending.has(session);
}

/**
 * Run the answer `line` to `question` in a unit of work on `db`. After a hidden
 * question what is typed is shown again — first thing, before anything the
 * callback says — unless the callback asked another hidden question (a password
 * asked twice keeps echo off). A callback returning true (and asking nothing
 * else) has its question asked again. Throws what the callback threw, echo restored.
 */
export async function answerInput(db: Database, session: CommandSession, line: string, question: PendingInput): Promise<void> {
  let showAgain = question.hidden;
  try {
    await runInUnitOfWork(db, async (uow) => {
      if (question.hidden) {
        uow.afterCommit(() => {
          if (showAgain) session.msg({ echo: [[], { hidden: false }] });
        });
      }
      const again = await question.callback(line);
      if (again === true && !pending.has(session)) getInput(session, question.prompt, question.callback, { hidden: question.hidden });
      if (pending.get(session)?.hidden) showAgain = false;
    });
  } catch (err) {
    if (question.hidden) session.msg({ echo: [[], { hidden: false }] });
    throw err;
  }
}
