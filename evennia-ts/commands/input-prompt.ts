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

/** What runs with the answer. */
export type InputCallback = (line: string) => Promise<void> | void;

/** Options of {@link getInput}. */
export interface GetInputOptions {
  /** Hide what the player types (passwords). */
  hidden?: boolean;
}

/** A question waiting for its answer. */
export interface PendingInput {
  readonly callback: InputCallback;
  readonly hidden: boolean;
}

const pending = new WeakMap<CommandSession, PendingInput>();

/**
 * Ask `session` a question; its next line goes to `callback`. A second question
 * before the answer replaces the first.
 */
export function getInput(session: CommandSession, prompt: string, callback: InputCallback, options: GetInputOptions = {}): void {
  const hidden = options.hidden === true;
  const question = { callback, hidden };
  pending.set(session, question);
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
 * asked twice keeps echo off). Throws what the callback threw, echo restored.
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
      await question.callback(line);
      if (pending.get(session)?.hidden) showAgain = false;
    });
  } catch (err) {
    if (question.hidden) session.msg({ echo: [[], { hidden: false }] });
    throw err;
  }
}
