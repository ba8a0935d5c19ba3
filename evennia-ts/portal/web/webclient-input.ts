/**
 * Input from the webclient, whichever transport carried it (websocket frames or
 * comet requests): the same checks and the same handling, so both behave alike.
 *
 * - `text` needs a string line; a line longer than `maxLineLength` is cut, with a
 *   notice to the player (as on telnet).
 * - args and kwargs may nest at most {@link MAX_INPUT_DEPTH} levels deep.
 * - `client_options` also updates the portal's copy of the session's options
 *   (scalar values only, names lower-cased, screen sizes only as integers 1 to 65535)
 *   through a {@link WebclientOptionsReporter}:
 *   at most 64 names per connection, only what changed, once per event-loop turn.
 * - Every triple then goes to the portal session as it is (the portal's input rate
 *   limits apply there).
 */
import type { MessageKwargs, OobMessage } from "../../protocol/message.ts";
import type { ClientOptions, PortalSessionSink } from "../session-transport.ts";

/** Most client options one `client_options` message may set on the portal. */
const MAX_OPTIONS = 64;

/**
 * Deepest nesting of arrays and objects a webclient message's args and kwargs may
 * have. The webclient sends flat values; a frame of nested brackets (32 000 levels
 * fit in 64 KiB) is more than the link's JSON encoder can take (each such message
 * cost a failed encoding and an error in the portal's log) or than the server's code
 * should have to walk.
 */
export const MAX_INPUT_DEPTH = 32;

/** Why a well-formed triple is still refused from a webclient, or null when it is fine. */
export function webclientInputError(message: OobMessage): string | null {
  const [cmdname, args, kwargs] = message;
  if (cmdname === "text" && typeof args[0] !== "string") return 'text needs a string: ["text", ["look"], {}]';
  if (nestedDeeperThan(args, MAX_INPUT_DEPTH) || nestedDeeperThan(kwargs, MAX_INPUT_DEPTH)) {
    return `args and kwargs may nest at most ${MAX_INPUT_DEPTH} levels deep`;
  }
  return null;
}

/** True when `value` (parsed JSON) holds arrays or objects more than `max` levels deep; walked without recursion. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Most distinct option names one webclient connection may set on the portal's copy. */
export const MAX_REPORTED_OPTIONS = 64;

/**
 * What a webclient connection's `client_options` messages set on the portal's copy
 * of its options (and the portal passes on to the server), as telnet reports its
 * options: only values that changed, as one net change per event-loop turn (a flood
 * of `client_options` frames costs the portal and the server one message a turn, not
 * one a frame), and at most {@link MAX_REPORTED_OPTIONS} distinct names over the
 * connection's life beyond the options it started with (later new names are not
 * kept: the game still gets the message as input, under the input rate limit).
 */
export class WebclientOptionsReporter {
  /** The values the portal's copy holds: the connection's initial options, then what was reported. */
  private readonly reported: Map<string, ClientOptions[string]>;
  /** Names set beyond the initial options (at most {@link MAX_REPORTED_OPTIONS}). */
  private readonly addedNames = new Set<string>();
  private readonly pending = new Map<string, ClientOptions[string]>();
  private scheduled = false;
  private stopped = false;

  /** `initial`: the options the connection started with (their names are always accepted). */
  constructor(
    private readonly sink: PortalSessionSink,
    initial: Readonly<ClientOptions>,
  ) {
    this.reported = new Map(Object.entries(initial));
  }

  /** Options a `client_options` message set; reported at the end of this turn when they change anything. */
  update(options: ClientOptions): void {
    if (this.stopped) return;
    for (const [key, value] of Object.entries(options)) {
      if (!this.reported.has(key) && !this.addedNames.has(key)) {
        if (this.addedNames.size >= MAX_REPORTED_OPTIONS) continue;
        this.addedNames.add(key);
      }
      this.pending.set(key, value);
    }
    if (this.pending.size === 0 || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Options the game set on the portal's copy (the `option` command): what the client sends is compared with them. */
  gameSet(options: ClientOptions): void {
    for (const [key, value] of Object.entries(options)) this.reported.set(key, value);
  }

  /** The connection is gone: nothing more is reported. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private flush(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const changed: ClientOptions = {};
    let any = false;
    for (const [key, value] of this.pending) {
      if (this.reported.has(key) && this.reported.get(key) === value) continue;
      this.reported.set(key, value);
      changed[key] = value;
      any = true;
    }
    this.pending.clear();
    if (any) this.sink.updateClientOptions(changed);
  }
}

/**
 * Hand one checked triple (see {@link webclientInputError}) to the portal session;
 * `options` takes what a `client_options` message sets; `tell` sends the player a
 * line of text (the notice for a cut line).
 */
export function deliverWebclientInput(message: OobMessage, sink: PortalSessionSink, options: WebclientOptionsReporter, maxLineLength: number, tell: (text: string) => void): void {
  const [cmdname, args, kwargs] = message;
  if (cmdname === "text" && typeof args[0] === "string" && args[0].length > maxLineLength) {
    tell(`Your input was too long and was cut to ${maxLineLength} characters.`);
    args[0] = args[0].slice(0, maxLineLength);
  } else if (cmdname === "client_options") {
    options.update(portalClientOptions(kwargs));
  }
  sink.input([[cmdname, args, kwargs]]);
}

/** Options game code reads as a size in characters or lines. */
const SCREEN_SIZE_KEYS: ReadonlySet<string> = new Set(["screenwidth", "screenheight"]);

/** Largest screen width or height kept: what telnet NAWS can tell (the server's `client_options` checks the same). */
export const MAX_SCREEN_SIZE = 65535;

/** True for a screen size the portal's copy may hold: an integer from 1 to {@link MAX_SCREEN_SIZE}. */
function isScreenSize(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_SCREEN_SIZE;
}

/**
 * Scalar client options a `client_options` message sets, for the portal's copy (names
 * lower-cased; `screenwidth` and `screenheight` only as sizes NAWS could report). The
 * copy reaches the server's session as it is (and again at every re-sync), past the
 * checks of the server's `client_options` inputfunc: a width of 1e300 or "wide" from
 * a hostile page must stop here.
 */
function portalClientOptions(kwargs: MessageKwargs): ClientOptions {
  const out: ClientOptions = {};
  let n = 0;
  for (const [rawKey, value] of Object.entries(kwargs)) {
    if (n >= MAX_OPTIONS) break;
    const key = rawKey.trim().toLowerCase();
    if (!key || key.length > 64 || key === "__proto__" || key === "get" || key === "cmdid" || key === "options") continue;
    if (SCREEN_SIZE_KEYS.has(key) && !isScreenSize(value)) continue;
    if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
      out[key] = typeof value === "string" ? value.slice(0, 256) : value;
      n++;
    }
  }
  return out;
}
