/**
 * Errors raised by evennia-ts carry a stable code so that callers (and tests) can
 * react to the kind of failure without parsing the message.
 */

/** Every stable error code the framework raises. */
export type EvenniaErrorCode =
  | "EV_ERR_CONFIG"
  | "EV_ERR_PORT_IN_USE"
  | "EV_ERR_NOT_GAME_DIR"
  | "EV_ERR_ALREADY_RUNNING"
  | "EV_ERR_NOT_RUNNING"
  | "EV_ERR_LINK_FRAME"
  | "EV_ERR_LINK_AUTH"
  | "EV_ERR_LINK_SLOW"
  | "EV_ERR_DB"
  | "EV_ERR_DB_UNAVAILABLE"
  | "EV_ERR_SERIALIZE"
  | "EV_ERR_TYPECLASS"
  | "EV_ERR_NOT_FOUND"
  | "EV_ERR_NOT_LOADED"
  | "EV_ERR_LOCK_DENIED"
  | "EV_ERR_BAD_LOCK"
  | "EV_ERR_BAD_INPUT"
  | "EV_ERR_TELNET"
  | "EV_ERR_LIMIT"
  | "EV_ERR_GAME_CODE"
  | "EV_ERR_TEST_WAIT"
  | "EV_ERR_TASK"
  | "EV_ERR_INTERNAL";

/** An error with a stable {@link EvenniaErrorCode}. */
export class EvenniaError extends Error {
  override readonly name = "EvenniaError";
  constructor(
    readonly code: EvenniaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `err` is an {@link EvenniaError}, optionally with the given code. */
export function isEvenniaError(err: unknown, code?: EvenniaErrorCode): err is EvenniaError {
  return err instanceof EvenniaError && (code === undefined || err.code === code);
}

/** A short printable description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** {@link describeError} on one line (a compiler's message spans several), for a log line or a note. */
export function describeErrorOnOneLine(err: unknown): string {
  return describeError(err).replace(/\s*\n\s*/g, " ");
}
