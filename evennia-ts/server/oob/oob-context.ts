/**
 * What the default inputfuncs need from the running server (login, the login
 * throttle, the game's name). Set once per server start by
 * `registerDefaultInputFuncs`; null while no server runs in this process.
 */
import type { CommandServices } from "../../commands/command.ts";

let current: CommandServices | null = null;

/** @internal set (or clear) the services of the running server. */
export function setOobServices(services: CommandServices | null): void {
  current = services;
}

/** The running server's services, or null. */
export function oobServices(): CommandServices | null {
  return current;
}
