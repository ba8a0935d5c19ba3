/**
 * Small English inflection for object names, as Evennia uses the `inflect` library
 * when it lists things: "a sword", "an apple", "three swords", "13 coins", and lists
 * joined as "a, b, and c". It covers regular nouns, the common irregular ones and
 * multi-word names ("rusty sword" → "rusty swords", "pair of boots" stays whole
 * after "of"); it is not a dictionary.
 */

const IRREGULAR: Record<string, string> = {
  child: "children",
  person: "people",
  man: "men",
  woman: "women",
  mouse: "mice",
  goose: "geese",
  tooth: "teeth",
  foot: "feet",
  ox: "oxen",
  louse: "lice",
  die: "dice",
  leaf: "leaves",
  knife: "knives",
  wife: "wives",
  life: "lives",
  loaf: "loaves",
  wolf: "wolves",
  elf: "elves",
  dwarf: "dwarves",
  half: "halves",
  shelf: "shelves",
  thief: "thieves",
  staff: "staves",
  cactus: "cacti",
  fungus: "fungi",
  potato: "potatoes",
  tomato: "tomatoes",
  hero: "heroes",
  torpedo: "torpedoes",
  echo: "echoes",
};

/** Nouns that are the same in the plural. */
const UNCHANGED = new Set(["sheep", "deer", "fish", "moose", "series", "species", "armor", "armour", "bread", "gold", "silver", "money", "equipment", "information"]);

const SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

/** Keep the capitalisation of `model` on `word` (all caps, or first letter). */
function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase()) return word.toUpperCase();
  if (model[0] && model[0] === model[0].toUpperCase() && model[0] !== model[0].toLowerCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/** The plural of one word. */
function pluralWord(word: string): string {
  const lower = word.toLowerCase();
  if (UNCHANGED.has(lower)) return word;
  // own keys only: "constructor" read Object's constructor and pluralised to its source text
  const irregular = Object.hasOwn(IRREGULAR, lower) ? IRREGULAR[lower] : undefined;
  if (irregular) return matchCase(word, irregular);
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/**
 * The plural of a name: the head noun is inflected (the last word, or the word
 * before "of"/"with"/"from": "cup of tea" → "cups of tea"). Markup such as `|r` is
 * left as it is.
 */
export function pluralize(name: string, count = 2): string {
  if (count === 1) return name;
  const words = name.split(" ");
  let head = words.length - 1;
  const joiner = words.findIndex((w, i) => i > 0 && /^(of|with|from|in|on)$/i.test(w));
  if (joiner > 0) head = joiner - 1;
  // skip trailing markup-only tokens
  while (head > 0 && !/[a-z0-9]/i.test(words[head]!.replace(/\|[a-z]/gi, ""))) head--;
  const token = words[head]!;
  const parts = splitHeadToken(token);
  if (!parts) return name;
  words[head] = `${parts.before}${pluralWord(parts.word)}${parts.after}${parts.markupTail}`;
  return words.join(" ");
}

const isLetter = (ch: string | undefined): boolean => ch !== undefined && /^[A-Za-z]$/.test(ch);

/**
 * A token's last run of letters, what comes before and after it, and its trailing
 * markup (`|r` pairs), read from the end in one pass. (The regexes this replaces,
 * `/^(.*?)([A-Za-z]+)([^A-Za-z]*)$/` and `/(?:\|[a-zA-Z])*$/`, backtracked
 * quadratically: `$pluralize(aaa…a1b, 2)` in a pose took 100 ms for each receiver.)
 */
function splitHeadToken(token: string): { before: string; word: string; after: string; markupTail: string } | null {
  let end = token.length;
  while (end >= 2 && token[end - 2] === "|" && isLetter(token[end - 1])) end -= 2;
  const markupTail = token.slice(end);
  let wordEnd = end;
  while (wordEnd > 0 && !isLetter(token[wordEnd - 1])) wordEnd--;
  let wordStart = wordEnd;
  while (wordStart > 0 && isLetter(token[wordStart - 1])) wordStart--;
  if (wordStart === wordEnd) return null;
  return { before: token.slice(0, wordStart), word: token.slice(wordStart, wordEnd), after: token.slice(wordEnd, end), markupTail };
}

/** "a" or "an" before `name` (by its first sounded letter), and the name: "an apple". */
export function withArticle(name: string): string {
  const plain = name.replace(/\|[a-z]/gi, "").trim();
  const lower = plain.toLowerCase();
  const vowelSound = /^[aeiou]/.test(lower) && !/^(uni|use|usu|eu|one|once)/.test(lower);
  const silentH = /^(hour|honest|honou?r|heir)/.test(lower);
  return `${vowelSound || silentH ? "an" : "a"} ${name}`;
}

/** Numbers up to `threshold` in words ("three"), larger ones in digits ("13"), as Evennia shows counts. */
export function numberToWords(n: number, threshold = 12): string {
  if (Number.isInteger(n) && n >= 0 && n <= threshold && n < SMALL.length) return SMALL[n]!;
  return String(n);
}

/** "a sword" for one, "three swords" for several. */
export function numberedName(name: string, count: number): string {
  return count === 1 ? withArticle(name) : `${numberToWords(count)} ${pluralize(name, count)}`;
}

/** Join a list as Evennia's `iter_to_str`: "a", "a and b", "a, b, and c". */
export function joinList(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  if (items.length === 2) return `${items[0]} ${conjunction} ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, ${conjunction} ${items[items.length - 1]}`;
}
