/**
 * Server lifecycle hooks (Evennia's `at_server_startstop.py`). The server calls
 * each exported function at the moment its name says; each runs in its own unit
 * of work, and one that throws is logged without stopping the server. Delete
 * the ones you do not need.
 *
 * Order at a start: atServerInit → (first start only: the initial setup and
 * atInitialSetup) → atServerStart → atServerReloadStart or atServerColdStart.
 * Order at a stop: atServerReloadStop or atServerColdStop → atServerStop.
 */

/** Every start, first of all: the database is open, no session is known yet. */
export function atServerInit(): void {}

/** Every start, once the portal's sessions are known (players are back in after a reload). */
export function atServerStart(): void {}

/** Every stop, whatever the reason. */
export function atServerStop(): void {}

/** A start after a reload (or a crash): players stayed connected and keep playing. */
export function atServerReloadStart(): void {}

/** A stop for a reload: players stay connected and their characters stay in the world. */
export function atServerReloadStop(): void {}

/** A start after a full stop or a reset: nobody is logged in. */
export function atServerColdStart(): void {}

/** A stop for a shutdown or a reset: players have been logged out. */
export function atServerColdStop(): void {}
