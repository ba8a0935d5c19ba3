/**
 * Reading the `<obj>/<attr>[/<attr>...][:<category>]` arguments of the building
 * commands that work on attributes (`set`, `wipe`, `cpattr`, `examine obj/attr`),
 * as Evennia's `ObjManipCommand.parse` reads them: attribute names are lower-cased,
 * but a nested key written after one (`stats['Str']`) keeps its case.
 */

/** One comma-separated part of a side of `=`: an object name, its attributes and a category. */
export interface ObjAttrSpec {
  /** The object's name, dbref (`#12`) or `*account`. */
  name: string;
  /** Attribute names given after `/` (empty when none). */
  attrs: string[];
  /** The category given after the last `:`, or null. */
  category: string | null;
}

/** The attribute part of a nested name: `stats` in `stats['Str'][0]`, and the bracketed keys. */
const NESTED_NAME = /^(?<attr>[^[]*)(?<keys>(\[[^\]]*\]\s*)+)?$/;

/** Read one part (`box/width/height:dimension`). */
export function parseObjAttr(part: string): ObjAttrSpec {
  let text = part.trim();
  let category: string | null = null;
  const colon = text.lastIndexOf(":");
  if (colon >= 0) {
    category = text.slice(colon + 1).trim() || null;
    text = text.slice(0, colon).trim();
  }
  const slash = text.indexOf("/");
  if (slash < 0) return { name: text, attrs: [], category };
  const name = text.slice(0, slash).trim();
  const attrs: string[] = [];
  for (const raw of text.slice(slash + 1).split("/")) {
    const piece = raw.trim();
    if (!piece) continue;
    const match = NESTED_NAME.exec(piece);
    if (!match?.groups) continue;
    attrs.push(match.groups.attr!.trim().toLowerCase() + (match.groups.keys ?? "").trim());
  }
  return { name, attrs, category };
}

/** Read every comma-separated part of one side of `=`. */
export function parseObjAttrList(parts: readonly string[]): ObjAttrSpec[] {
  return parts.filter((p) => p.trim() !== "").map(parseObjAttr);
}
