/**
 * `color ansi | xterm256 | truecolor`: colour charts showing each colour with the
 * markup that makes it, to check what a client can show (Evennia's CmdColorTest).
 */
import { padMarkup, visibleLength } from "../../utils/text/markup.ts";
import { Command } from "../command.ts";

/** The ANSI colour letters in Evennia's chart order. */
const LETTERS = ["r", "g", "y", "b", "m", "c", "w", "x"];

/** `code` drawn in itself, followed by the markup that makes it (`|r` → "|r||r|n"). */
function sample(code: string, suffix = ""): string {
  return `${code}${code.replace(/\|/g, "||")}${suffix}|n`;
}

/** Columns of cells as rows of left-aligned text, one space between columns. */
function columnsToRows(columns: string[][]): string[] {
  const height = Math.max(0, ...columns.map((c) => c.length));
  const widths = columns.map((c) => Math.max(0, ...c.map((cell) => visibleLength(cell))));
  const rows: string[] = [];
  for (let r = 0; r < height; r++) rows.push(columns.map((c, i) => padMarkup(c[r] ?? "", widths[i]! + 1, "l")).join(""));
  return rows;
}

/** A colour of the rainbow from red over green to blue, for column `i` of `count`. */
function rainbowHex(i: number, count: number): string {
  const red = 255 - (i * 255) / count;
  let green = (i * 510) / count;
  const blue = (i * 255) / count;
  if (green > 255) green = 510 - green;
  const hex = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, "0");
  return `#${hex(red)}${hex(green)}${hex(blue)}`;
}

/** `color`: show a colour chart. */
export class CmdColorTest extends Command {
  override key = "color";
  override helpCategory = "general";
  override help = `Test which colours your client shows.

Usage:
  color ansi | xterm256 | truecolor

Prints a chart of colours, each written with the markup that produces it:
the 16 ANSI colours most clients show, the 256 xterm colours, or a band of
24-bit (truecolor) hues. Nothing checks what your client supports: if it
cannot show a chart, you see plain or odd text instead.

Examples:
  color ansi
  color xterm256
  color truecolor`;

  override async func(): Promise<void> {
    const choice = this.args.trim().toLowerCase();
    if (choice.startsWith("a")) this.msg(this.ansiChart());
    else if (choice.startsWith("x")) this.msg(this.xtermChart());
    else if (choice.startsWith("t")) this.msg(this.truecolorChart());
    else this.msg("Usage: color ansi || xterm256 || truecolor");
  }

  private ansiChart(): string {
    const brightFg = LETTERS.map((l) => sample(`|${l}`));
    const darkFg = LETTERS.map((l) => sample(`|${l.toUpperCase()}`));
    const brightBg = LETTERS.map((l) => sample(`|[${l}`));
    const darkBg = LETTERS.map((l) => sample(`|[${l.toUpperCase()}`));
    const rows = columnsToRows([brightFg, darkFg, brightBg, darkBg]);
    return [
      "ANSI colors:",
      ...rows.map((r) => ` ${r}`),
      "||X : black. ||/ : line break, ||- : tab, ||_ : space, ||* : inverse, ||u : underline",
      "For a foreground and a background together, put the background last: ||r||[B.",
      "Note: the bright backgrounds (||[r ...) need a client that handles xterm256 colors.",
    ].join("\n");
  }

  private xtermChart(): string {
    const cube: string[][] = Array.from({ length: 12 }, () => []);
    for (let r = 0; r < 6; r++) {
      for (let g = 0; g < 6; g++) {
        for (let b = 0; b < 6; b++) {
          cube[r]!.push(`|${r}${g}${b}||${r}${g}${b}|n `);
          cube[6 + r]!.push(`|${5 - r}${5 - g}${5 - b}|[${r}${g}${b}||[${r}${g}${b}|n `);
        }
      }
    }
    const greys: string[][] = Array.from({ length: 12 }, () => []);
    for (let batch = 0; batch < 5; batch++) {
      for (let step = 0; step < 6; step++) {
        const index = batch * 6 + step;
        if (index >= 26) {
          greys[step]!.push("      ");
          greys[6 + step]!.push("       ");
          continue;
        }
        const letter = String.fromCharCode(97 + index);
        const inverse = String.fromCharCode(122 - index);
        greys[step]!.push(`|=${letter}||=${letter} |n `);
        greys[6 + step]!.push(`|=${inverse}|[=${letter}||[=${letter} |n `);
      }
    }
    return [
      "Xterm256 colors (if not every hue shows, your client may not tell the game it handles xterm256):",
      ...cube.map((row) => row.join("")),
      ...greys.map((row) => row.join("")),
    ].join("\n");
  }

  private truecolorChart(): string {
    const width = this.clientWidth();
    const band = Array.from({ length: width }, (_, i) => `|[${rainbowHex(i, width)} `).join("");
    return [
      "",
      "True Colors (if this is not a smooth rainbow, your client may not tell the game it handles truecolor):",
      `${band}|n`,
      "fg: |#FF0000||#FF0000|n (|#F00||#F00|n) to |#0000FF||#0000FF|n (|#00F||#00F|n)",
      "bg: |[#FF0000||[#FF0000|n (|[#F00||[#F00|n) to |[#0000FF||[#0000FF|n (|[#00F||[#00F|n)",
    ].join("\n");
  }
}
