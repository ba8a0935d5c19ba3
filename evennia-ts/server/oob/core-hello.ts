/**
 * GMCP `Core.Hello {"client": "Mudlet", "version": "4.17"}` (cmdname `core_hello`):
 * the client's name and version, kept as `client_name` / `client_version` in
 * `session.clientOptions` (the portal's telnet layer records the same names).
 */
import type { InputFunc } from "../inputfuncs.ts";

/** Longest client name or version kept. */
const MAX_LENGTH = 64;

/** `core_hello`: remember who the client is. */
export const coreHelloInputFunc: InputFunc = (session, args, kwargs) => {
  const client = kwargs.client ?? kwargs.Client ?? args[0];
  const version = kwargs.version ?? kwargs.Version ?? args[1];
  if (typeof client === "string" && client.trim()) session.clientOptions.client_name = client.trim().slice(0, MAX_LENGTH);
  if (typeof version === "string" || typeof version === "number") {
    const text = String(version).trim();
    if (text) session.clientOptions.client_version = text.slice(0, MAX_LENGTH);
  }
};
