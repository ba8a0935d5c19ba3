/**
 * The client options a player may set from the game (`option`, `encoding`,
 * `screenreader`), with Evennia's upper-case names, how each value is read, and
 * what it does here. Each one changes what the portal sends or how the server
 * lays text out; options Evennia lists that change nothing in evennia-ts (MCCP,
 * OOB, INPUTDEBUG ...) are not settable and are named in {@link UNSUPPORTED_OPTIONS}.
 */
import { normalizeTextEncoding, TEXT_ENCODINGS } from "../../protocol/text-encodings.ts";
import { EvenniaError } from "../../utils/errors.ts";

/** One settable client option. */
export interface ClientOptionSpec {
  /** The name players type and see (Evennia's, upper case). */
  readonly name: string;
  /** The key in `session.clientOptions`. */
  readonly key: string;
  /** What it changes. */
  readonly description: string;
  /** The value to store for what the player typed; throws `EV_ERR_BAD_INPUT` with a message. */
  parse(raw: string): unknown;
}

const TRUE_WORDS = new Set(["on", "true", "yes", "1"]);
const FALSE_WORDS = new Set(["off", "false", "no", "0"]);

/** `on`/`off` (also true/false, yes/no, 1/0). */
export function parseOnOff(raw: string): boolean {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new EvenniaError("EV_ERR_BAD_INPUT", `'${raw.trim()}' is not on or off.`);
}

function parseSize(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < min || n > max) throw new EvenniaError("EV_ERR_BAD_INPUT", `'${raw.trim()}' is not a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** A text encoding the portal can use, by its canonical name. */
export function parseEncoding(raw: string): string {
  const encoding = normalizeTextEncoding(raw);
  if (!encoding) throw new EvenniaError("EV_ERR_BAD_INPUT", `The encoding '|w${raw.trim()}|n' is invalid (this server speaks ${TEXT_ENCODINGS.join(", ")}).`);
  return encoding;
}

function flag(name: string, description: string): ClientOptionSpec {
  return { name, key: name.toLowerCase(), description, parse: parseOnOff };
}

/** Every option `option` may set, by upper-case name. */
export const CLIENT_OPTION_SPECS: ReadonlyMap<string, ClientOptionSpec> = new Map(
  [
    flag("ANSI", "16-colour ANSI codes (off, with no better colour, means no colour)"),
    flag("XTERM256", "256 colours"),
    flag("TRUECOLOR", "24-bit colours"),
    flag("NOCOLOR", "strip every colour"),
    flag("SCREENREADER", "plain text for screen readers: no colour, no decoration lines"),
    flag("RAW", "send text as written, markup not interpreted"),
    flag("MXP", "MXP links (when the client negotiated MXP)"),
    flag("NOGOAHEAD", "no telnet GA after prompts"),
    flag("COMMANDEND", "an empty prompt (telnet EOR/GA) after each command's output, for clients and tools that wait for it"),
    flag("AUTORESIZE", "follow the window size the client reports"),
    { name: "ENCODING", key: "encoding", description: "text encoding of the connection", parse: parseEncoding },
    { name: "SCREENWIDTH", key: "screenwidth", description: "width text is laid out for", parse: parseSize(20, 400) },
    { name: "SCREENHEIGHT", key: "screenheight", description: "lines per page of long output", parse: parseSize(5, 400) },
  ].map((spec) => [spec.name, spec]),
);

/** Options Evennia's `option` knows that change nothing here (they are refused with a note). */
export const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  "CLIENTNAME",
  "MCCP",
  "NOPROMPTGOAHEAD",
  "NOPKEEPALIVE",
  "OOB",
  "TERM",
  "UTF-8",
  "INPUTDEBUG",
  "FORCEDENDLINE",
  "LOCALECHO",
  "ISTYPING",
]);

/** The options to set for `spec` = `value`: a fixed screen size turns `autoresize` off, as in Evennia. */
export function optionUpdate(spec: ClientOptionSpec, value: unknown): Record<string, unknown> {
  const update: Record<string, unknown> = { [spec.key]: value };
  if (spec.key === "screenwidth" || spec.key === "screenheight") update.autoresize = false;
  return update;
}
