/**
 * Options the launcher passes to the portal supervisor (`portal-supervisor.ts`) after
 * `--game DIR --portal-entry FILE`.
 */

/**
 * `start --foreground`: the supervisor stops the game when the launcher's IPC channel
 * closes (the launcher died), instead of running on as a daemon does.
 */
export const STOP_WITH_LAUNCHER_ARG = "--stop-with-launcher";
