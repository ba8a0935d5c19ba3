/**
 * Account names as players type them: the compatibility form they are kept and found
 * in (NFKC, as Evennia and Django normalise usernames), and the names made to pass for
 * another (letters of two look-alike alphabets, letters that show as nothing).
 */

/** `name` in Unicode's compatibility form, trimmed, runs of spaces made one: a full-width `Ｔest` is `Test`. */
export function normalizeAccountName(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ");
}

/** Scripts whose letters look alike (Latin `a`, Cyrillic `а`, Greek `ο` ...). */
const CONFUSABLE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** Letters that show as nothing (the Hangul fillers): `Anna` plus one of them looks like `Anna`. */
const INVISIBLE_LETTERS = /[\u115F\u1160\u3164\uFFA0]/u;

/**
 * True when `name` is made to look like another: it mixes letters of Latin, Cyrillic
 * and Greek (a Cyrillic `е` in `Tеst`), or holds a letter that shows as nothing.
 */
export function looksLikeAnotherName(name: string): boolean {
  return INVISIBLE_LETTERS.test(name) || CONFUSABLE_SCRIPTS.filter((script) => script.test(name)).length > 1;
}
