/**
 * Exit codes the processes agree on (the launcher's supervisor reads the portal's).
 */

/** The portal exits with this after an uncaught exception; its supervisor starts it again. */
export const EXIT_PORTAL_CRASHED = 70;
