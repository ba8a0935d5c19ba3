/**
 * Text tools for game code: markup-aware widths, padding and cropping, formatting
 * helpers (Evennia's wording), suggestions, and EvTable.
 */
import { describe, expect, it } from "vitest";
import { EvTable, type EvTableBorder } from "../../../evennia-ts/utils/text/evtable.ts";
import { crop, dedent, formatGrid, justify, listToString, timeFormat, wrap } from "../../../evennia-ts/utils/text/format.ts";
import { cropMarkup, padMarkup, stripMarkup, visibleLength } from "../../../evennia-ts/utils/text/markup.ts";
import { stringSimilarity, stringSuggestions } from "../../../evennia-ts/utils/text/suggestions.ts";
import { wrapText } from "../../../evennia-ts/utils/text/wrap.ts";
import { prng } from "../../seeded-random.ts";

describe("markup helpers", () => {
  it("strip markup and measure what is visible", () => {
    expect(stripMarkup("|rred|n and |[Bblue|n || pipe")).toBe("red and blue | pipe");
    expect(visibleLength("|rred|n")).toBe(3);
    expect(visibleLength("|500x|#ff0000y|n")).toBe(2);
    expect(visibleLength("漢字")).toBe(4);
  });
  it("pad with colour codes intact", () => {
    expect(padMarkup("|rab|n", 5)).toBe("|rab|n   ");
    expect(padMarkup("|rab|n", 5, "r")).toBe("   |rab|n");
    expect(padMarkup("ab", 6, "c", "-")).toBe("--ab--");
    expect(padMarkup("漢", 4)).toBe("漢  ");
  });
  it("crop to a width keeping every code", () => {
    expect(cropMarkup("|rHello world|n", 8)).toBe("|rHel|n[...]");
    expect(visibleLength(cropMarkup("|rHello world|n", 8))).toBe(8);
    expect(cropMarkup("short", 10)).toBe("short");
    expect(cropMarkup("漢字漢字", 5, "")).toBe("漢字");
  });
});

describe("plain text takes the short way (a who of 200 sessions measures every cell)", () => {
  it("measures and wraps plain ASCII as markup-aware code does (500 seeded strings)", () => {
    const alphabet = "ab |-_.:'\"x1 ~}{";
    for (let seed = 1; seed <= 500; seed++) {
      const random = prng(seed);
      let text = "";
      for (let i = Math.floor(random() * 30); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
      const width = 1 + Math.floor(random() * 35);
      // the same text with a code that renders to nothing at its start takes the long way
      const marked = `|n${text}`;
      expect(visibleLength(text), `seed ${seed}`).toBe(visibleLength(marked));
      expect(visibleLength(text), `seed ${seed}`).toBe(stripMarkup(text).length);
      expect(`|n${wrapText(text, width)}`, `seed ${seed}: ${JSON.stringify(text)} at ${width}`).toBe(wrapText(marked, width));
    }
    expect(wrapText("  two words  ", 13)).toBe("  two words  ");
    expect(wrapText("two words", 5)).toBe("two\nwords");
    expect(visibleLength("a||b")).toBe(3);
  });
});

describe("formatting", () => {
  it("crop, wrap and justify", () => {
    expect(crop("A long line of text", 10)).toBe("A lon[...]");
    expect(wrap("one two three four", 9)).toBe("one two\nthree\nfour");
    expect(wrap("one two three", 10, "> ")).toBe("> one two\n> three");
    expect(justify("one two three four five", 11, "f")).toBe("one     two\nthree  four\nfive       ");
    expect(justify("ab", 6, "r")).toBe("    ab");
    expect(justify("ab", 6, "c")).toBe("  ab  ");
  });
  it("listToString as Evennia's iter_to_str", () => {
    expect(listToString([1, 2, 3])).toBe("1, 2, and 3");
    expect(listToString([1, 2])).toBe("1 and 2");
    expect(listToString(["a"])).toBe("a");
    expect(listToString([])).toBe("");
    expect(listToString(["look", "lock"], { endsep: "or", addquote: true })).toBe('"look" or "lock"');
    expect(listToString([1, 2, 3], { endsep: "or" })).toBe("1, 2 or 3");
    expect(listToString([1, 2, 3], { sep: ";", endsep: ";" })).toBe("1; 2; 3");
  });
  it("timeFormat in Evennia's five styles", () => {
    const t = 86400 + 2 * 3600 + 3 * 60 + 4;
    expect(timeFormat(t, 0)).toBe("1d 02:03");
    expect(timeFormat(3723, 0)).toBe("01:02");
    expect(timeFormat(t, 1)).toBe("1d");
    expect(timeFormat(59, 1)).toBe("59s");
    expect(timeFormat(t, 2)).toBe("1 day, 2 hours, 3 minutes");
    expect(timeFormat(t, 3)).toBe("1 day, 2 hours, 3 minutes 4 seconds");
    expect(timeFormat(40 * 86400, 4)).toBe("a month");
    expect(timeFormat(3 * 3600, 4)).toBe("3 hours");
    expect(timeFormat(0, 4)).toBe("0 seconds");
  });
  it("dedent", () => {
    expect(dedent("    a\n      b\n\n    c")).toBe("a\n  b\n\nc");
  });
  it("suggestions score by character counts, as Evennia", () => {
    expect(stringSimilarity("lok", "look")).toBeCloseTo(4 / Math.sqrt(18));
    expect(stringSimilarity("", "x")).toBe(0);
    expect(stringSuggestions("lok", ["look", "lock", "say", "l"], { cutoff: 0.7 })).toEqual(["look", "lock"]);
  });
});

describe("EvTable", () => {
  it("draws the default tablecols border with a header line", () => {
    const table = new EvTable(["Name", "Level"]);
    table.addRow("Anna", 12);
    table.addRow("|rBob|n", 3);
    expect(stripMarkup(table.toString())).toBe(
      ["+------+-------+", "| Name | Level |", "+~~~~~~+~~~~~~~+", "| Anna | 12    |", "| Bob  | 3     |", "+------+-------+"].join("\n"),
    );
    expect(table.toString()).toContain("|rBob|n");
  });
  it("lays out plain cells exactly as cells with markup of no width (500 seeded tables)", () => {
    // plain rows take a fast path; a trailing |n sends the same row down the general one
    const borders: EvTableBorder[] = ["none", "table", "tablecols", "header", "incols", "cols", "rows", "cells"];
    const aligns = ["l", "r", "c"] as const;
    for (let seed = 1; seed <= 500; seed++) {
      const random = prng(seed);
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const word = () => Array.from({ length: Math.floor(random() * 12) }, () => pick("ab cdXYZ019-:".split(""))).join("");
      const ncols = 1 + Math.floor(random() * 4);
      const options = { border: pick(borders), align: pick(aligns), pad: Math.floor(random() * 3) };
      const headers = Array.from({ length: ncols }, word);
      const rows = Array.from({ length: Math.floor(random() * 6) }, () => Array.from({ length: ncols }, word));
      const plain = new EvTable(headers, options);
      const marked = new EvTable(headers, options);
      const column = Math.floor(random() * ncols);
      const align = pick(aligns);
      plain.reformatColumn(column, { align });
      marked.reformatColumn(column, { align });
      for (const row of rows) {
        plain.addRow(...row);
        marked.addRow(...row.map((cell) => `${cell}|n`));
      }
      expect(stripMarkup(marked.toString()), `seed ${seed}`).toBe(stripMarkup(plain.toString()));
    }
  });

  it("has Evennia's other borders", () => {
    const make = (border: EvTableBorder) => {
      const t = new EvTable(["a", "b"], { border });
      t.addRow("1", "2");
      t.addRow("3", "4");
      return stripMarkup(t.toString());
    };
    expect(make("none")).toBe([" a  b ", " 1  2 ", " 3  4 "].join("\n"));
    expect(make("header")).toBe([" a  b ", "~~~~~~", " 1  2 ", " 3  4 "].join("\n"));
    expect(make("cells")).toBe(["+---+---+", "| a | b |", "+~~~+~~~+", "| 1 | 2 |", "+---+---+", "| 3 | 4 |", "+---+---+"].join("\n"));
    expect(make("incols")).toBe([" a | b ", "~~~+~~~", " 1 | 2 ", " 3 | 4 "].join("\n"));
  });
  it("shrinks to maxwidth, wrapping cells, and counts wide characters and colour right", () => {
    const table = new EvTable(["Key", "Description"], { maxwidth: 30 });
    table.addRow("|gsword|n", "A long, sharp blade forged in the far north.");
    table.addRow("漢字", "wide");
    const lines = table.toLines().map(stripMarkup);
    for (const line of lines) expect(visibleLength(line)).toBe(30);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.join("\n")).toContain("漢字");
  });
  it("fills an exact width and takes column settings", () => {
    const table = new EvTable([], { width: 20, border: "table" });
    table.addRow("a", "b");
    table.reformatColumn(1, { align: "r" });
    const lines = table.toLines().map(stripMarkup);
    expect(lines.every((l) => visibleLength(l) === 20)).toBe(true);
    expect(lines[1]).toMatch(/^\| a +b \|$/);
  });
  it("accepts columns of data and adds columns", () => {
    const table = new EvTable(["x"], { table: [["1", "2"]] });
    table.addColumn(["a", "b"], { header: "y" });
    expect(stripMarkup(table.toString())).toContain("| 2 | b |");
  });
});

describe("formatGrid", () => {
  it("lays items out in columns, a verbatim item on its own line, no trailing spaces", () => {
    expect(formatGrid(["look", "say", "get", "drop", "inventory"], 24)).toEqual(["look       say", "get        drop", "inventory"]);
    expect(formatGrid(["a", "Topics:", "b"], 20, "  ", new Set([1]))).toEqual(["a", "Topics:", "b"]);
  });

  it("takes linear time on items with long runs of inner spaces, and a huge list does not overflow the stack", () => {
    // with the quadratic trailing trim this took minutes (the test's timeout fails it); now milliseconds
    const spaced = `a${" ".repeat(200_000)}b`;
    const lines = formatGrid([spaced, spaced], 80);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => !l.endsWith(" "))).toBe(true);
    const many = Array.from({ length: 200_000 }, (_, i) => `t${i}`);
    expect(formatGrid(many, 80).length).toBeGreaterThan(10_000);
  });
});
