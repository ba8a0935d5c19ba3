/**
 * Websocket frames ⇄ message triples. Every frame, both ways, is one JSON triple
 * `[cmdname, args, kwargs]` (the webclient speaks the message contract as it is).
 *
 * In: the frame must be JSON and pass `parseOobMessage` (`["text", ["look"], {}]`;
 * `args` and `kwargs` may be left out).
 *
 * Out: out-of-band triples go as they are. `text` and `prompt` carry HTML: the
 * markup in `args[0]` rendered by `renderHtml` (colour classes of Evennia's webclient,
 * escaped text, `<br>` for line feeds), and `kwargs.raw_text` holds the same text
 * with markup stripped, for clients that want plain text. With
 * `kwargs.options.raw` the text is not parsed as markup (only escaped); with
 * `kwargs.options.nocolor` it is stripped of markup before escaping. `kwargs.options`
 * itself (rendering instructions for the portal) is not sent.
 */
import type { OobMessage } from "../../protocol/message.ts";
import { isPlainObject, parseOobMessage } from "../../protocol/message.ts";
import { parseUntrustedMarkup } from "../../utils/text/markup-parser.ts";
import { escapeHtml, renderHtmlTokens } from "../text/html.ts";
import { plainText, sanitizeControlChars } from "../text/render.ts";

/** A decoded client frame, or why it was refused. */
export type DecodedFrame = { ok: true; message: OobMessage } | { ok: false; reason: string };

/** Decode one text frame from a client. */
export function decodeClientFrame(text: string): DecodedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "a frame must be JSON: [cmdname, args, kwargs]" };
  }
  const parsed = parseOobMessage(value);
  return parsed.ok ? parsed : { ok: false, reason: parsed.reason };
}

/** Plain text as HTML: escaped, line feeds as `<br>`. */
function plainHtml(text: string): string {
  return escapeHtml(text).replace(/\r/g, "").replace(/\n/g, "<br>");
}

/**
 * The triple a websocket client receives for `message` (text rendered as HTML).
 * `sessionFlags` are the session's `raw` / `nocolor` options, used where the message
 * names none of its own.
 */
export function renderForWebSocket(message: OobMessage, sessionFlags: { raw?: boolean; nocolor?: boolean } = {}): OobMessage {
  const [cmdname, args, kwargs] = message;
  if (cmdname !== "text" && cmdname !== "prompt") return message;
  const value = args[0];
  if (value === undefined || value === null) return message;
  const text = typeof value === "string" ? value : String(value);
  const { options, ...rest } = kwargs;
  const opts = { ...sessionFlags, ...(isPlainObject(options) ? options : {}) };
  let html: string;
  let plain: string;
  if (opts.raw === true) {
    plain = sanitizeControlChars(text);
    html = plainHtml(plain);
  } else {
    // parsed once for both
    const tokens = parseUntrustedMarkup(text);
    plain = plainText(tokens);
    html = opts.nocolor === true ? plainHtml(plain) : renderHtmlTokens(tokens);
  }
  return [cmdname, [html, ...args.slice(1)], { ...rest, raw_text: plain }];
}

/** Encode a triple as a frame (`sessionFlags` as {@link renderForWebSocket}). */
export function encodeServerFrame(message: OobMessage, sessionFlags: { raw?: boolean; nocolor?: boolean } = {}): string {
  return JSON.stringify(renderForWebSocket(message, sessionFlags));
}

/**
 * Encode the triples of `messages` as frames, in order: entries that are not arrays
 * are skipped, missing args and kwargs default to empty. A triple that cannot be
 * encoded is handed to `onUnencodable`, which says whether to skip it (true) or give
 * up (false: the result is then null).
 */
export function encodeServerFrames(
  messages: readonly OobMessage[],
  sessionFlags: { raw?: boolean; nocolor?: boolean },
  onUnencodable: (cmdname: string, err: unknown) => boolean,
): string[] | null {
  const frames: string[] = [];
  for (const message of messages) {
    if (!Array.isArray(message)) continue;
    const [cmdname, args = [], kwargs = {}] = message;
    try {
      frames.push(encodeServerFrame([cmdname, args, kwargs], sessionFlags));
    } catch (err) {
      if (!onUnencodable(String(cmdname), err)) return null;
    }
  }
  return frames;
}
