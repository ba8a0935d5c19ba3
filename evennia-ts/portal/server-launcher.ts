/**
 * How the portal starts the server. The portal supervises whatever the launcher
 * returns; `main.ts` launches a child process, tests may launch in-process.
 */

/** How a server run ended. */
export interface ServerExit {
  code: number | null;
  signal: string | null;
  /** Why the server could not start, when it said so before exiting. */
  failure?: { code: string; message: string };
}

/** A running server the portal supervises. */
export interface ServerHandle {
  /** OS pid of the server, or null when it runs inside the portal's process. */
  readonly pid: number | null;
  /** Resolves once the server has ended, however it ended. */
  readonly exited: Promise<ServerExit>;
  /** Force the server down (SIGKILL for a process). */
  kill(): void;
}

/**
 * Starts a server that will connect to the link on `linkPort` with `token`, or to the
 * portal's local socket `linkPath` (a Unix socket or Windows pipe) when one is given.
 */
export type ServerLauncher = (linkPort: number, token: string, linkPath?: string | null) => ServerHandle;

/** What checking the game's code before a reload found. */
export type GameCodeCheck =
  | { ok: true }
  | {
      ok: false;
      /** One line for players: which modules are at fault. */
      summary: string;
      /** Every problem with its error and hint, for the operator. */
      details: string;
    };

/**
 * A server started ahead of a reload, while the current one still runs: it loads and
 * checks the game's code, then waits to be admitted. Admitted once the old server has
 * exited, it opens the database and joins the link with its code already loaded, so a
 * reload keeps players waiting only for that, not for node and the game to load.
 */
export interface StandbyServer {
  /** What its code check found. When not ok, the standby server exits by itself. */
  readonly checked: Promise<GameCodeCheck>;
  /** Let it start (after a check that was ok); from here on it is a running server. */
  admit(): ServerHandle;
  /** Give it up (a refused or abandoned restart): it is killed if still running. */
  discard(): void;
}

/** Starts a {@link StandbyServer} for the link on `linkPort` (or `linkPath`) with `token`. */
export type StandbyLauncher = (linkPort: number, token: string, linkPath?: string | null) => StandbyServer;
