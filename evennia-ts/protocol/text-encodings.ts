/**
 * The text encodings a session may ask for (client option `encoding`): the portal
 * sends and reads telnet text in UTF-8 or Latin-1. The game (the `encoding` and
 * `option` commands) and the portal agree on the names through this module.
 */

/** An encoding the portal can send and read. */
export type TextEncodingName = "utf-8" | "latin-1";

/** Every encoding the portal can use, by its canonical name. */
export const TEXT_ENCODINGS: readonly TextEncodingName[] = ["utf-8", "latin-1"];

/** Other names each encoding goes by (lower case, as Python's codec aliases). */
const ALIASES: Readonly<Record<string, TextEncodingName>> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "utf_8": "utf-8",
  u8: "utf-8",
  "latin-1": "latin-1",
  latin1: "latin-1",
  "latin_1": "latin-1",
  l1: "latin-1",
  "iso-8859-1": "latin-1",
  "iso8859-1": "latin-1",
  "iso_8859_1": "latin-1",
  "iso-8859-1:1987": "latin-1",
  cp819: "latin-1",
};

/** The canonical name of `name` (`"UTF8"` → `"utf-8"`, `"ISO-8859-1"` → `"latin-1"`), or null when the portal cannot use it. */
export function normalizeTextEncoding(name: unknown): TextEncodingName | null {
  if (typeof name !== "string") return null;
  return ALIASES[name.trim().toLowerCase()] ?? null;
}
