/**
 * The current text style while rendering markup, how markup tokens change it at a given
 * colour depth, and the shortest SGR escape sequence that moves a terminal from one
 * style to another.
 */
import {
  BRIGHT_BG_XTERM,
  rgbToXterm,
  xtermToAnsi16,
  xtermToAnsi8,
  type Color,
} from "../../utils/text/colors.ts";
import type { MarkupToken, TextAttribute } from "../../utils/text/markup-parser.ts";

/** How many colours a client shows: none, the 16 ANSI colours, xterm's 256, or 24-bit. */
export type ColorDepth = "none" | "ansi" | "xterm256" | "truecolor";

/** A text style: colours (`null` is the terminal default) and attributes. */
export interface StyleState {
  fg: Color | null;
  bg: Color | null;
  bold: boolean;
  underline: boolean;
  italic: boolean;
  strike: boolean;
  blink: boolean;
  inverse: boolean;
}

const ATTRIBUTES: readonly TextAttribute[] = ["bold", "italic", "underline", "blink", "inverse", "strike"];
const SGR_ON: Readonly<Record<TextAttribute, string>> = {
  bold: "1",
  italic: "3",
  underline: "4",
  blink: "5",
  inverse: "7",
  strike: "9",
};
const SGR_OFF: Readonly<Record<TextAttribute, string>> = {
  bold: "22",
  italic: "23",
  underline: "24",
  blink: "25",
  inverse: "27",
  strike: "29",
};

/** A fresh default style (terminal defaults, no attributes). */
export function defaultStyle(): StyleState {
  return { fg: null, bg: null, bold: false, underline: false, italic: false, strike: false, blink: false, inverse: false };
}

/** True when `s` is the default style. */
export function isDefaultStyle(s: StyleState): boolean {
  return s.fg === null && s.bg === null && !ATTRIBUTES.some((a) => s[a]);
}

function sameColor(a: Color | null, b: Color | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === "rgb" && b.kind === "rgb") return a.r === b.r && a.g === b.g && a.b === b.b;
  return (a as { index: number }).index === (b as { index: number }).index;
}

/** True when two styles look the same. */
export function sameStyle(a: StyleState, b: StyleState): boolean {
  return sameColor(a.fg, b.fg) && sameColor(a.bg, b.bg) && ATTRIBUTES.every((k) => a[k] === b[k]);
}

/** A copy of `s`. */
export function copyStyle(s: StyleState): StyleState {
  return { ...s };
}

/**
 * Applies a style token (`reset`, `fg`, `bg`, `attr`; others are ignored) to `state`,
 * converting colours the client cannot show to the nearest it can:
 * truecolor → xterm256 → the 16 ANSI colours. In ANSI a bright foreground is the
 * dark colour plus bold (as in Evennia), so a downgraded foreground also sets bold;
 * ANSI has no bright backgrounds, so those become the nearest dark one.
 */
export function applyStyleToken(state: StyleState, token: MarkupToken, depth: ColorDepth): void {
  switch (token.type) {
    case "reset":
      Object.assign(state, defaultStyle());
      return;
    case "attr":
      state[token.attr] = token.on;
      return;
    case "fg":
      applyForeground(state, token.color, token.bold, depth);
      return;
    case "bg":
      state.bg = normalizeBackground(token.color, depth);
      return;
    default:
      return;
  }
}

function applyForeground(state: StyleState, color: Color, bold: boolean | null, depth: ColorDepth): void {
  if (color.kind === "ansi") {
    state.fg = color;
    if (bold !== null) state.bold = bold;
    return;
  }
  const xterm = color.kind === "xterm" ? color.index : rgbToXterm(color.r, color.g, color.b);
  if (depth === "ansi" || depth === "none") {
    const n = xtermToAnsi16(xterm);
    state.fg = { kind: "ansi", index: n % 8 };
    state.bold = n >= 8;
    return;
  }
  state.fg = depth === "truecolor" || color.kind === "xterm" ? color : { kind: "xterm", index: xterm };
}

function normalizeBackground(color: Color, depth: ColorDepth): Color {
  const lowDepth = depth === "ansi" || depth === "none";
  if (color.kind === "ansi") {
    if (color.index < 8) return color;
    const base = color.index % 8;
    return lowDepth ? { kind: "ansi", index: base } : { kind: "xterm", index: BRIGHT_BG_XTERM[base] ?? 16 };
  }
  if (color.kind === "rgb" && depth === "truecolor") return color;
  const xterm = color.kind === "xterm" ? color.index : rgbToXterm(color.r, color.g, color.b);
  return lowDepth ? { kind: "ansi", index: xtermToAnsi8(xterm) } : { kind: "xterm", index: xterm };
}

function colorParams(c: Color | null, background: boolean): string {
  const base = background ? 4 : 3;
  if (c === null) return `${base}9`;
  switch (c.kind) {
    case "ansi":
      return c.index < 8 ? `${base}${c.index}` : `${background ? 10 : 9}${c.index - 8}`;
    case "xterm":
      return `${base}8;5;${c.index}`;
    case "rgb":
      return `${base}8;2;${c.r};${c.g};${c.b}`;
  }
}

function fullParams(s: StyleState): string[] {
  const params: string[] = [];
  for (const a of ATTRIBUTES) if (s[a]) params.push(SGR_ON[a]);
  if (s.fg !== null) params.push(colorParams(s.fg, false));
  if (s.bg !== null) params.push(colorParams(s.bg, true));
  return params;
}

/**
 * The shortest SGR escape sequence (`ESC [ ... m`) that changes a terminal showing style
 * `from` to style `to`: either the individual changes or a reset followed by `to`,
 * whichever is shorter. Empty when nothing changes.
 */
export function sgrTransition(from: StyleState, to: StyleState): string {
  if (sameStyle(from, to)) return "";
  const changes: string[] = [];
  for (const a of ATTRIBUTES) if (from[a] !== to[a]) changes.push(to[a] ? SGR_ON[a] : SGR_OFF[a]);
  if (!sameColor(from.fg, to.fg)) changes.push(colorParams(to.fg, false));
  if (!sameColor(from.bg, to.bg)) changes.push(colorParams(to.bg, true));
  const incremental = changes.join(";");
  const viaReset = ["0", ...fullParams(to)].join(";");
  return `\x1b[${incremental.length < viaReset.length ? incremental : viaReset}m`;
}
