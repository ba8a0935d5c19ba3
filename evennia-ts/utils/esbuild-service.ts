/**
 * esbuild for the framework's own compiles (the framework build, the game's code, the
 * `py` command's snippets). esbuild's API runs its work in a child process (the
 * service) that stays for the life of the process once started, about 16 MiB; a game
 * compiles at start and at reloads only, so the service is stopped when the last
 * compile that uses it ends, and the next one starts it again (a few milliseconds).
 */

type Esbuild = typeof import("esbuild");

/** Compiles using the service now; it is stopped when this drops to 0. */
let users = 0;
/** The service being stopped: work that starts meanwhile waits for it (a request sent to a stopping service fails). */
let stopping: Promise<void> | null = null;

/** Run `work` with esbuild; its service process is stopped once no other work uses it. */
export async function withEsbuild<T>(work: (esbuild: Esbuild) => Promise<T>): Promise<T> {
  const esbuild = await import("esbuild");
  while (stopping) await stopping;
  users++;
  try {
    return await work(esbuild);
  } finally {
    users--;
    if (users === 0) {
      stopping = esbuild.stop().finally(() => (stopping = null));
      await stopping;
    }
  }
}
