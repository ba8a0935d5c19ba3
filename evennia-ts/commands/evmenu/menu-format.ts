/**
 * How a menu node looks, as Evennia draws it: the node text, a line of `_`, the
 * options in columns (`key: description`, keys white and clickable), and another
 * line of `_`. `EvMenu`'s formatter methods call these; override the methods to
 * draw menus your own way.
 */
import { dedent } from "../../utils/text/format.ts";
import { EvTable } from "../../utils/text/evtable.ts";
import { maxLineWidth, stripMarkup, visibleLength } from "../../utils/text/markup.ts";

/** Space between option columns. */
const COLUMN_GAP = 4;
/** At least this many options a column before a new column starts. */
const MIN_ROWS = 4;

/** The node text: blank lines around it and the common indentation removed. */
export function formatNodeText(text: string): string {
  return dedent(text.replace(/^\n+|\n+$/g, "")).trimEnd();
}

/**
 * The options block: ` key: desc` entries in as many columns as `width` holds
 * (one with a screen reader), filled column by column, four rows at least.
 */
export function formatOptions(options: readonly (readonly [string, string | undefined])[], width: number, screenreader = false): string {
  if (options.length === 0) return "";
  let widest = -1;
  const entries: string[] = [];
  for (const [key, desc] of options) {
    if (!key && !desc) continue;
    const descText = desc ? `: ${desc}` : "";
    widest = Math.max(widest, maxLineWidth(key) + maxLineWidth(descText) + COLUMN_GAP);
    const plain = stripMarkup(key);
    // a key with its own colours keeps them; a plain key is shown white
    entries.push(plain !== key ? ` |lc${plain}|lt${key}|le${descText}` : ` |lc${plain}|lt|w${key}|n|le${descText}`);
  }
  if (entries.length === 0 || widest <= 0) return "";
  const ncols = screenreader ? 1 : Math.max(1, Math.floor(width / widest));
  const perColumn = Math.max(MIN_ROWS, Math.ceil(entries.length / ncols));
  const columns: string[][] = [];
  for (let start = 0; start < entries.length; start += perColumn) columns.push(entries.slice(start, start + perColumn));
  return new EvTable([], { table: columns, border: "none" })
    .toLines()
    .map((l) => l.trimEnd())
    .join("\n");
}

/** The whole node: text, separator, options, sized to the wider of the two (at most `width`). */
export function formatNode(nodetext: string, optionstext: string, width: number, borderChar = "_"): string {
  const widthOf = (text: string) => Math.max(0, ...text.split("\n").map((l) => visibleLength(l)));
  const textWidth = widthOf(nodetext);
  const total = Math.min(width, Math.max(widthOf(optionstext), textWidth));
  const above = textWidth ? `${borderChar.repeat(total)}\n\n` : "";
  const below = total ? `\n${borderChar.repeat(total)}\n\n` : "";
  return `${above}|n${nodetext}|n${below}|n${optionstext}`;
}
