/**
 * How the portal starts the server. The portal supervises whatever the launcher
 * returns; `main.ts` launches a child process, tests may launch in-process.
 */

/** How a server run ended. */
export interface ServerExit {
  code: number | null;
  signal: string | null;
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

/** Starts a server that will connect to the link on `linkPort` with `token`. */
export type ServerLauncher = (linkPort: number, token: string) => ServerHandle;
