/**
 * Asking a session for its next line: `getInput(session, "Password: ", cb, {hidden: true})`.
 * The question goes out as a prompt; the next line the session sends goes to the
 * callback instead of the command parser (in its own unit of work). With `hidden`
 * the client stops showing what is typed (telnet `IAC WILL ECHO`, the webclient's
 * password field) until that line arrives (`IAC WONT ECHO`); a hidden line is
 * never logged.
 */
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
  pending.set(session, { callback, hidden });
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
