/**
 * `EvTable`: text tables for game output, after Evennia's `evtable`.
 *
 * ```ts
 * const table = new EvTable(["Name", "Level"], { border: "cells", maxwidth: cmd.clientWidth() });
 * table.addRow("Anna", "12");
 * table.addRow("|rBob|n", "3");
 * cmd.msg(table.toString());
 * ```
 *
 * ```
 * +------+-------+
 * | Name | Level |
 * +~~~~~~+~~~~~~~+
 * | Anna | 12    |
 * +------+-------+
 * | Bob  | 3     |
 * +------+-------+
 * ```
 *
 * Widths are screen columns: colour codes take none, East Asian wide characters
 * two. A table wider than `width`/`maxwidth` shrinks its widest columns and wraps
 * their cells. Borders (Evennia's names): `tablecols` (default: outer frame and
 * column lines), `table` (outer frame), `cells` (every cell), `rows`, `cols`,
 * `incols` (column lines only), `header` (only the line under the header), `none`.
 */
import { cropMarkup, isPlainAscii, padBy, padMarkup, visibleLength, type Align } from "./markup.ts";
import { wrapText } from "./wrap.ts";

/** Border styles, as Evennia names them. */
export type EvTableBorder = "none" | "table" | "tablecols" | "header" | "incols" | "cols" | "rows" | "cells";

/** Vertical alignment in a cell taller than its text. */
export type VAlign = "t" | "c" | "b";

/** Options of {@link EvTable}. */
export interface EvTableOptions {
  /** Columns of data (each a list of cells), as Evennia's `table=`. */
  table?: readonly (readonly string[])[];
  /** Border style (default `tablecols`). */
  border?: EvTableBorder;
  /** Exact width of the whole table. */
  width?: number;
  /** Greatest width of the whole table (it shrinks, wrapping cells, to fit). */
  maxwidth?: number;
  /** Horizontal alignment of every cell (default left). */
  align?: Align;
  /** Vertical alignment (default centre, as Evennia). */
  valign?: VAlign;
  /** Spaces left and right of every cell's text (default 1). */
  pad?: number;
  /** The line under the header (default `~`). */
  headerLineChar?: string;
  /** Corners (default `+`). */
  cornerChar?: string;
  /** Vertical lines (default `|`, written `||` in markup). */
  borderVerticalChar?: string;
  /** Horizontal lines (default `-`). */
  borderHorizontalChar?: string;
  /** Every column as wide as the widest. */
  evenwidth?: boolean;
}

/** Per-column settings. */
export interface ColumnOptions {
  /** Fixed width (text, padding included; borders not). */
  width?: number;
  align?: Align;
  valign?: VAlign;
}

const MIN_COLUMN_TEXT = 3;

/** A text table. */
export class EvTable {
  private readonly header: string[] | null;
  private readonly columns: string[][] = [];
  private readonly columnOptions: ColumnOptions[] = [];
  private readonly options: EvTableOptions;

  constructor(headers: readonly string[] = [], options: EvTableOptions = {}) {
    this.options = options;
    this.header = headers.length ? headers.map(String) : null;
    const width = Math.max(headers.length, options.table?.length ?? 0);
    for (let i = 0; i < width; i++) this.columns.push([...(options.table?.[i] ?? []).map(String)]);
  }

  /** Number of data rows (the header not counted). */
  get rowCount(): number {
    let rows = 0;
    for (const column of this.columns) if (column.length > rows) rows = column.length;
    return rows;
  }

  /** Add a row of cells (more cells than columns adds columns). */
  addRow(...cells: unknown[]): this {
    const rows = this.rowCount;
    while (this.columns.length < cells.length) this.columns.push(new Array<string>(rows).fill(""));
    for (const column of this.columns) while (column.length < rows) column.push("");
    this.columns.forEach((column, i) => column.push(i < cells.length ? String(cells[i] ?? "") : ""));
    return this;
  }

  /** Add a column (with an optional header cell). */
  addColumn(cells: readonly unknown[], options: ColumnOptions & { header?: string } = {}): this {
    if (options.header !== undefined && this.header) this.header.push(options.header);
    this.columns.push(cells.map((c) => String(c ?? "")));
    this.columnOptions[this.columns.length - 1] = { width: options.width, align: options.align, valign: options.valign };
    return this;
  }

  /** Change the width or alignment of column `index`. */
  reformatColumn(index: number, options: ColumnOptions): this {
    this.columnOptions[index] = { ...this.columnOptions[index], ...options };
    return this;
  }

  /** The table as lines of text. */
  toLines(): string[] {
    const ncols = Math.max(this.columns.length, this.header?.length ?? 0);
    if (ncols === 0) return [];
    const nrows = this.rowCount;
    const rows: string[][] = [];
    if (this.header) {
      const row: string[] = [];
      for (let i = 0; i < ncols; i++) row.push(this.header[i] ?? "");
      rows.push(row);
    }
    for (let r = 0; r < nrows; r++) {
      const row: string[] = [];
      for (let i = 0; i < ncols; i++) row.push(this.columns[i]?.[r] ?? "");
      rows.push(row);
    }

    const border = this.options.border ?? "tablecols";
    const outer = border === "table" || border === "tablecols" || border === "cells" || border === "cols";
    const topBottom = border === "table" || border === "tablecols" || border === "cells" || border === "rows";
    const inner = border === "cols" || border === "tablecols" || border === "cells" || border === "incols";
    const betweenRows = border === "rows" || border === "cells";
    const headerLine = this.header !== null && border !== "none";
    const pad = Math.max(0, this.options.pad ?? 1);
    const vchar = this.options.borderVerticalChar ?? "||";
    const hchar = this.options.borderHorizontalChar ?? "-";
    const corner = this.options.cornerChar ?? "+";
    const headChar = this.options.headerLineChar ?? "~";

    const widths = this.columnWidths(rows, ncols, pad, (outer ? 2 : 0) + (inner ? ncols - 1 : 0));
    const rule = (ch: string) => {
      const segments = widths.map((w) => ch.repeat(w));
      const joint = inner ? corner : ch;
      const edge = outer ? corner : "";
      return edge + segments.join(inner ? joint : "") + edge;
    };
    const lines: string[] = [];
    if (topBottom) lines.push(rule(hchar));
    // per column, worked out once (a who of 200 sessions has 1,000 cells)
    const padding = " ".repeat(pad);
    const textWidths = widths.map((w) => w - 2 * pad);
    const aligns = widths.map((_, c) => this.columnOptions[c]?.align ?? this.options.align ?? "l");
    const valigns = widths.map((_, c) => this.columnOptions[c]?.valign ?? this.options.valign ?? "c");
    const edge = outer ? vchar : "";
    const joint = inner ? vchar : "";
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const isHeader = this.header !== null && r === 0;
      // most rows (a who of 1,000 sessions) are plain text that fits: one line, padded with spaces
      const plain = plainLine(row, textWidths, aligns, padding, edge, joint);
      if (plain !== null) {
        lines.push(plain);
        if (isHeader && headerLine) lines.push(rule(headChar));
        else if (r !== rows.length - 1 && betweenRows) lines.push(rule(hchar));
        continue;
      }
      const cellLines: string[][] = [];
      let height = 0;
      for (let c = 0; c < row.length; c++) {
        const lines = this.cellLines(row[c]!, textWidths[c]!, c);
        cellLines.push(lines);
        if (lines.length > height) height = lines.length;
      }
      for (let c = 0; c < cellLines.length; c++) cellLines[c] = valign(cellLines[c]!, height, valigns[c]!);
      for (let h = 0; h < height; h++) {
        let line = edge;
        for (let c = 0; c < cellLines.length; c++) {
          if (c > 0) line += joint;
          line += padding + padMarkup(cellLines[c]![h] ?? "", textWidths[c]!, aligns[c]!) + padding;
        }
        lines.push(line + edge);
      }
      const last = r === rows.length - 1;
      if (isHeader && headerLine) lines.push(rule(headChar));
      else if (!last && betweenRows) lines.push(rule(hchar));
    }
    if (topBottom) lines.push(rule(hchar));
    return lines;
  }

  /** The table as text. */
  toString(): string {
    return this.toLines().join("\n");
  }

  private cellLines(cell: string, width: number, _column: number): string[] {
    const w = Math.max(1, width);
    // plain text that fits (most cells): one line, as it is
    if (cell.length <= w && isPlainAscii(cell)) return [cell];
    const wrapped = wrapText(cell, w).split("\n");
    // wrapText splits over-long words; a cell still too wide (a wide character) is cropped
    return wrapped.map((l) => (visibleLength(l) > w ? cropMarkup(l, w, "") : l));
  }

  private columnWidths(rows: string[][], ncols: number, pad: number, borderWidth: number): number[] {
    const natural = Array.from({ length: ncols }, (_, c) => {
      const fixed = this.columnOptions[c]?.width;
      if (fixed !== undefined) return Math.max(2 * pad + 1, fixed);
      let widest = 0;
      for (const row of rows) {
        const cell = row[c] ?? "";
        if (!cell.includes("\n")) widest = Math.max(widest, visibleLength(cell));
        else for (const line of cell.split("\n")) widest = Math.max(widest, visibleLength(line));
      }
      return Math.max(1, widest) + 2 * pad;
    });
    let widths = this.options.evenwidth ? natural.map(() => Math.max(...natural)) : [...natural];
    const target = this.options.width ?? (this.options.maxwidth !== undefined && sum(widths) + borderWidth > this.options.maxwidth ? this.options.maxwidth : undefined);
    if (target === undefined) return widths;
    const room = Math.max(ncols * (2 * pad + 1), target - borderWidth);
    const fixed = new Set(widths.map((_, c) => c).filter((c) => this.columnOptions[c]?.width !== undefined));
    // shrink the widest free column one step at a time, never below a few characters
    const least = 2 * pad + MIN_COLUMN_TEXT;
    while (sum(widths) > room) {
      let widest = -1;
      widths.forEach((w, c) => {
        if (!fixed.has(c) && w > least && (widest < 0 || w > widths[widest]!)) widest = c;
      });
      if (widest < 0) break;
      widths[widest]!--;
    }
    // grow to an exact width: spread the rest over the free columns
    if (this.options.width !== undefined && sum(widths) < room) {
      const free = widths.map((_, c) => c).filter((c) => !fixed.has(c));
      const targets = free.length ? free : widths.map((_, c) => c);
      let missing = room - sum(widths);
      for (let i = 0; missing > 0; i = (i + 1) % targets.length, missing--) widths[targets[i]!]!++;
    }
    widths = widths.map((w) => Math.max(w, 2 * pad + 1));
    return widths;
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * The line of a row whose every cell is printable ASCII without markup and fits its
 * column (`isPlainAscii`: a character is a column), padded as `padMarkup` would; null
 * when a cell is not, and the row takes the general path (wrapping, markup, wide characters).
 */
function plainLine(row: readonly string[], widths: readonly number[], aligns: readonly Align[], padding: string, edge: string, joint: string): string | null {
  let line = edge;
  for (let c = 0; c < row.length; c++) {
    const cell = row[c]!;
    const width = Math.max(1, widths[c]!);
    if (cell.length > width || !isPlainAscii(cell)) return null;
    if (c > 0) line += joint;
    line += padding + padBy(cell, widths[c]! - cell.length, aligns[c]!) + padding;
  }
  return line + edge;
}

function valign(lines: string[], height: number, how: VAlign): string[] {
  const missing = height - lines.length;
  if (missing <= 0) return lines;
  if (how === "t") return [...lines, ...blankLines(missing)];
  if (how === "b") return [...blankLines(missing), ...lines];
  const top = Math.floor(missing / 2);
  return [...blankLines(top), ...lines, ...blankLines(missing - top)];
}

function blankLines(n: number): string[] {
  return new Array<string>(n).fill("");
}
