/**
 * Renders Evennia markup (see {@link parseMarkup}) as terminal text for a client of a
 * given colour depth, or as plain text.
 */
import { parseUntrustedMarkup, type MarkupToken } from "../../utils/text/markup-parser.ts";
import {
  applyStyleToken,
  copyStyle,
  defaultStyle,
  isDefaultStyle,
  sgrTransition,
  type ColorDepth,
} from "./style-state.ts";

export { sanitizeControlChars } from "../../utils/text/sanitize.ts";
export type { ColorDepth } from "./style-state.ts";

/** What a client can show. `screenReader` wins over `color`: no colour, no decoration. */
export interface RenderCapabilities {
  color: ColorDepth;
  screenReader: boolean;
}

/**
 * Decorations removed for screen readers: Evennia's default `SCREENREADER_REGEX_STRIP`
 * (runs of two or more `-`, `~` or `=`, `+-...`, `+~` and a `+` ending a line).
 */
const SCREENREADER_STRIP = /\+-+|\+$|\+~|--+|~~+|==+/gm;

const RESET = "\x1b[0m";

/**
 * Renders markup as text for a terminal with the given capabilities.
 *
 * Control characters and escape sequences in the text are removed
 * ({@link sanitizeControlChars}; after parsing, so that removing them cannot create
 * markup), so the only escape sequences in the result are the SGR sequences made from
 * markup. Each is the shortest for its change and is written only just before text that
 * needs it, and a string that ends in a non-default style ends with a reset. Command links show their
 * text, URL links their URL (as Evennia does without MXP). Never throws.
 */
export function renderText(text: string, caps: RenderCapabilities): string {
  const tokens = parseUntrustedMarkup(String(text ?? ""));
  if (caps.screenReader) return plainText(tokens).replace(SCREENREADER_STRIP, "");
  if (caps.color === "none") return plainText(tokens);
  return styledText(tokens, caps.color);
}

/** Plain text of `text`: markup turned into what it stands for, no colour, no control characters but \n \t \r. */
export function stripMarkup(text: string): string {
  return plainText(parseUntrustedMarkup(String(text ?? "")));
}

/** Text of the tokens without any styling: {@link stripMarkup} of markup already parsed. */
export function plainText(tokens: readonly MarkupToken[]): string {
  let out = "";
  let inUrlLink = false;
  for (const t of tokens) {
    if (t.type === "text") {
      if (!inUrlLink) out += t.text;
    } else if (t.type === "link-start") {
      if (t.kind === "url") {
        out += t.target;
        inUrlLink = true;
      }
    } else if (t.type === "link-end") {
      inUrlLink = false;
    }
  }
  return out;
}

/** Text of the tokens with SGR sequences for the given (colour) depth. */
function styledText(tokens: readonly MarkupToken[], depth: ColorDepth): string {
  let out = "";
  const wanted = defaultStyle();
  let shown = defaultStyle();
  let inUrlLink = false;
  /** True when a style token came since the last text: only then can `shown` differ from `wanted` (a `who` of 1,000 rows is 8,000 text tokens and a few style tokens). */
  let styleMoved = false;
  const write = (s: string): void => {
    if (s === "") return;
    if (styleMoved) {
      styleMoved = false;
      const change = sgrTransition(shown, wanted);
      if (change !== "") {
        out += change;
        shown = copyStyle(wanted);
      }
    }
    out += s;
  };
  for (const t of tokens) {
    switch (t.type) {
      case "text":
        if (!inUrlLink) write(t.text);
        break;
      case "link-start":
        if (t.kind === "url") {
          write(t.target);
          inUrlLink = true;
        }
        break;
      case "link-end":
        inUrlLink = false;
        break;
      default:
        applyStyleToken(wanted, t, depth);
        styleMoved = true;
    }
  }
  if (!isDefaultStyle(shown)) out += RESET;
  return out;
}
