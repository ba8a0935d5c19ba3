/**
 * Runs once ever, on the game's very first start, after Limbo (the start room)
 * is made (Evennia's `at_initial_setup.py`): build a starting world here. It
 * runs in a unit of work; if it throws, its changes are rolled back, the error
 * is logged, and it is tried again at the next start.
 */
export function atInitialSetup(): void {}
