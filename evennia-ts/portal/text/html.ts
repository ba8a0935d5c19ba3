/**
 * Renders Evennia markup as HTML for the webclient.
 *
 * Colours use the classes of Evennia's webclient stylesheet: `color-NNN` / `bgcolor-NNN`
 * with NNN the xterm palette index (000–015 the ANSI colours, 008–015 the bright ones a
 * bold ANSI colour becomes), and inline `color` / `background-color` for 24-bit colours.
 * Attributes are the classes `underline`, `italic`, `strikethrough` and `blink`; inverse
 * swaps the colours. The default colours (light grey on black) get no class.
 */
import { rgbToHex } from "../../utils/text/colors.ts";
import { parseUntrustedMarkup, type MarkupToken } from "../../utils/text/markup-parser.ts";
import { applyStyleToken, defaultStyle, type StyleState } from "./style-state.ts";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` with `& < > " '` replaced by entities, safe in element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const TAB = "    ";

/** What each character {@link htmlText} changes becomes, by character code: the escapes, and the line breaks and tabs. */
const HTML_TEXT_REPLACEMENTS: Readonly<Record<number, string>> = {
  ...Object.fromEntries(Object.entries(HTML_ESCAPES).map(([c, entity]) => [c.charCodeAt(0), entity])),
  0x0d: "",
  0x0a: "<br>",
  0x09: TAB,
};

/**
 * Escaped text with line feeds as `<br>`, tabs as four spaces (as Evennia's webclient)
 * and carriage returns dropped (a `\r\n` may arrive split over two tokens). One pass
 * over the text: a `who` of 1,000 players is 37 KB of it, rendered for every browser.
 */
function htmlText(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const replacement = HTML_TEXT_REPLACEMENTS[text.charCodeAt(i)];
    if (replacement === undefined) continue;
    out += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

const DEFAULT_FG = 7;
const DEFAULT_BG = 0;

/** The foreground as a palette index (bold makes an ANSI colour bright) or a hex string. */
function foreground(s: StyleState): number | string {
  const c = s.fg;
  if (c === null) return s.bold ? 15 : DEFAULT_FG;
  if (c.kind === "rgb") return rgbToHex(c.r, c.g, c.b);
  if (c.kind === "ansi" && s.bold) return c.index + 8;
  return c.index;
}

/** The background as a palette index or a hex string. */
function background(s: StyleState): number | string {
  const c = s.bg;
  if (c === null) return DEFAULT_BG;
  if (c.kind === "rgb") return rgbToHex(c.r, c.g, c.b);
  return c.index;
}

/** The `class` and `style` attributes for a style; "" when it is the default look. */
function spanAttributes(s: StyleState): string {
  let fg = foreground(s);
  let bg = background(s);
  if (s.inverse) [fg, bg] = [bg, fg];
  const classes: string[] = [];
  const styles: string[] = [];
  if (typeof fg === "string") styles.push(`color: ${fg}`);
  else if (fg !== DEFAULT_FG) classes.push(`color-${String(fg).padStart(3, "0")}`);
  if (typeof bg === "string") styles.push(`background-color: ${bg}`);
  else if (bg !== DEFAULT_BG) classes.push(`bgcolor-${String(bg).padStart(3, "0")}`);
  if (s.underline) classes.push("underline");
  if (s.italic) classes.push("italic");
  if (s.strike) classes.push("strikethrough");
  if (s.blink) classes.push("blink");
  let attrs = "";
  if (classes.length > 0) attrs += ` class="${classes.join(" ")}"`;
  if (styles.length > 0) attrs += ` style="${styles.join("; ")}"`;
  return attrs;
}

/** True for a URL that is safe to put in an `href` (http or https only). */
function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s"'<>`]+$/i.test(url);
}

/**
 * Renders markup as an HTML fragment. Every character of the input is escaped; the only
 * tags in the output are `<span>` (with `class`/`style` made from markup, never from
 * input text), `<br>` and `<a>` for links: command links as
 * `<a class="mxplink" href="#" data-command="...">` (no inline script; the webclient
 * handles the click), URL links only for http(s) URLs with `target="_blank"` and
 * `rel="noopener noreferrer"`, other URL links as their text. Never throws.
 */
export function renderHtml(text: string): string {
  return renderHtmlTokens(parseUntrustedMarkup(String(text ?? "")));
}

/** {@link renderHtml} of markup already parsed (`parseUntrustedMarkup`), for a caller that also wants its plain text. */
export function renderHtmlTokens(tokens: readonly MarkupToken[]): string {
  const style = defaultStyle();
  let out = "";
  let openSpan: string | null = null;
  let openLink = false;
  /** The attributes of the style as it is now; null when a style token changed it since they were made. */
  let attrsNow: string | null = "";
  const closeSpan = (): void => {
    if (openSpan !== null) out += "</span>";
    openSpan = null;
  };
  const write = (s: string): void => {
    if (s === "") return;
    const attrs = (attrsNow ??= spanAttributes(style));
    if (attrs !== (openSpan ?? "")) {
      closeSpan();
      if (attrs !== "") {
        out += `<span${attrs}>`;
        openSpan = attrs;
      }
    }
    out += htmlText(s);
  };
  for (const t of tokens) {
    switch (t.type) {
      case "text":
        write(t.text);
        break;
      case "link-start":
        closeSpan();
        if (t.kind === "command") {
          out += `<a class="mxplink" href="#" data-command="${escapeHtml(t.target)}">`;
          openLink = true;
        } else if (isSafeUrl(t.target)) {
          out += `<a class="mxplink" href="${escapeHtml(t.target)}" target="_blank" rel="noopener noreferrer">`;
          openLink = true;
        }
        break;
      case "link-end":
        closeSpan();
        if (openLink) out += "</a>";
        openLink = false;
        break;
      default:
        applyStyleToken(style, t, "truecolor");
        attrsNow = null;
    }
  }
  closeSpan();
  return out;
}
