/**
 * Input from the webclient, whichever transport carried it (websocket frames or
 * comet requests): the same checks and the same handling, so both behave alike.
 *
 * - `text` needs a string line; a line longer than `maxLineLength` is cut, with a
 *   notice to the player (as on telnet).
 * - `client_options` also updates the portal's copy of the session's options
 *   (scalar values only, at most 64, names lower-cased).
 * - Every triple then goes to the portal session as it is (the portal's input rate
 *   limits apply there).
 */
import type { MessageKwargs, OobMessage } from "../../protocol/message.ts";
import type { ClientOptions, PortalSessionSink } from "../session-transport.ts";

/** Most client options one `client_options` message may set on the portal. */
const MAX_OPTIONS = 64;

/** Why a well-formed triple is still refused from a webclient, or null when it is fine. */
export function webclientInputError(message: OobMessage): string | null {
  const [cmdname, args] = message;
  if (cmdname === "text" && typeof args[0] !== "string") return 'text needs a string: ["text", ["look"], {}]';
  return null;
}

/**
 * Hand one checked triple (see {@link webclientInputError}) to the portal session;
 * `tell` sends the player a line of text (the notice for a cut line).
 */
export function deliverWebclientInput(message: OobMessage, sink: PortalSessionSink, maxLineLength: number, tell: (text: string) => void): void {
  const [cmdname, args, kwargs] = message;
  if (cmdname === "text" && typeof args[0] === "string" && args[0].length > maxLineLength) {
    tell(`Your input was too long and was cut to ${maxLineLength} characters.`);
    args[0] = args[0].slice(0, maxLineLength);
  } else if (cmdname === "client_options") {
    const options = portalClientOptions(kwargs);
    if (Object.keys(options).length > 0) sink.updateClientOptions(options);
  }
  sink.input([[cmdname, args, kwargs]]);
}

/** Scalar client options a `client_options` message sets, for the portal's copy (names lower-cased). */
function portalClientOptions(kwargs: MessageKwargs): ClientOptions {
  const out: ClientOptions = {};
  let n = 0;
  for (const [rawKey, value] of Object.entries(kwargs)) {
    if (n >= MAX_OPTIONS) break;
    const key = rawKey.trim().toLowerCase();
    if (!key || key.length > 64 || key === "__proto__" || key === "get" || key === "cmdid" || key === "options") continue;
    if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
      out[key] = typeof value === "string" ? value.slice(0, 256) : value;
      n++;
    }
  }
  return out;
}
