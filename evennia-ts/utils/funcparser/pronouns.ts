/**
 * Pronouns for actor-stance messages (`$pron(his)`): the form the actor reads
 * ("your") and the form everyone else reads ("his", "her", "their", "its"), as
 * Evennia's `pronoun_to_viewpoints`.
 *
 * A pronoun has a type — subject (I, he), object (me, him), possessive adjective
 * (my, his), possessive pronoun (mine, his), reflexive (myself, himself) — a person
 * and, in the third person, a gender (male, female, neutral, plural). Words that
 * could be two types ("her", "his", "you") take the type from the options, else
 * the first that fits.
 */

/** The kinds of pronoun. */
export type PronounType = "subject" | "object" | "adjective" | "possessive" | "reflexive";
/** Genders of the third person (plural counts as one). */
export type PronounGender = "male" | "female" | "neutral" | "plural";
/** The person a pronoun is in. */
export type PronounPerson = "1st" | "2nd" | "3rd";

const TYPES: readonly PronounType[] = ["subject", "object", "adjective", "possessive", "reflexive"];

/** Each row's five forms, in {@link TYPES} order. */
const TABLE: Record<string, readonly string[]> = {
  "1st": ["I", "me", "my", "mine", "myself"],
  "1st plural": ["we", "us", "our", "ours", "ourselves"],
  "2nd": ["you", "you", "your", "yours", "yourself"],
  "2nd plural": ["you", "you", "your", "yours", "yourselves"],
  male: ["he", "him", "his", "his", "himself"],
  female: ["she", "her", "her", "hers", "herself"],
  neutral: ["it", "it", "its", "its", "itself"],
  plural: ["they", "them", "their", "theirs", "themselves"],
};

/** What the options of `$pron(word, options)` can say. */
const OPTION_WORDS: Record<string, { type?: PronounType; gender?: PronounGender; person?: PronounPerson }> = {
  subject: { type: "subject" }, sp: { type: "subject" },
  object: { type: "object" }, op: { type: "object" },
  adjective: { type: "adjective" }, pa: { type: "adjective" },
  possessive: { type: "possessive" }, pp: { type: "possessive" },
  male: { gender: "male" }, m: { gender: "male" },
  female: { gender: "female" }, f: { gender: "female" },
  neutral: { gender: "neutral" }, n: { gender: "neutral" }, neuter: { gender: "neutral" },
  plural: { gender: "plural" }, p: { gender: "plural" },
  "1st": { person: "1st" }, "1": { person: "1st" },
  "2nd": { person: "2nd" }, "2": { person: "2nd" },
  "3rd": { person: "3rd" }, "3": { person: "3rd" },
};

/** A gender from any spelling ("m", "Female", "they"), or null. */
export function normalizeGender(value: unknown): PronounGender | null {
  const word = String(value ?? "").trim().toLowerCase();
  if (word === "they") return "plural";
  const gender = OPTION_WORDS[word]?.gender;
  return gender ?? null;
}

/** Options: "op m", "object pronoun, female", ["pa", "p"]. */
function readOptions(options: string | readonly string[]): { type?: PronounType; gender?: PronounGender; person?: PronounPerson } {
  const words = (typeof options === "string" ? [options] : options).join(" ").toLowerCase().split(/[\s,]+/).filter((w) => w && w !== "pronoun" && w !== "person");
  const found: { type?: PronounType; gender?: PronounGender; person?: PronounPerson } = {};
  for (const w of words) Object.assign(found, Object.fromEntries(Object.entries(OPTION_WORDS[w] ?? {}).filter(([k]) => !(k in found))));
  return found;
}

/**
 * The actor's form and the others' form of `pronoun`: `"his"` → `["your", "his"]`,
 * `"I"` with gender female → `["I", "she"]`. `gender` is the actor's (used unless
 * the word or the options say otherwise); `viewpoint` is the actor's person for
 * third-person words (default 2nd).
 */
export function pronounViewpoints(
  pronoun: string,
  options: string | readonly string[] = [],
  defaults: { gender?: PronounGender; viewpoint?: PronounPerson } = {},
): [actor: string, others: string] {
  const word = String(pronoun).trim();
  const lower = word.toLowerCase();
  const wanted = readOptions(options);
  const rows = Object.entries(TABLE).filter(([, forms]) => forms.some((f) => f.toLowerCase() === lower));
  if (rows.length === 0) return [word, word];
  const typesOfWord = TYPES.filter((_, i) => rows.some(([, forms]) => forms[i]!.toLowerCase() === lower));
  const type = wanted.type && typesOfWord.includes(wanted.type) ? wanted.type : typesOfWord.includes("subject") ? "subject" : typesOfWord[0]!;
  const index = TYPES.indexOf(type);
  const row = rows[0]![0];
  const isFirst = row.startsWith("1st");
  const isThird = !row.startsWith("1st") && !row.startsWith("2nd");
  const plural = row.endsWith("plural") && !isThird;
  // the others' form: the gender asked for, else the word's own (he → male), else the actor's
  const gender: PronounGender = wanted.gender ?? (isThird ? (row as PronounGender) : plural ? "plural" : (defaults.gender ?? "neutral"));
  const others = TABLE[gender]![index]!;
  // the actor's form: a first-person word stays first person, else the viewpoint asked for (2nd by default)
  const person = isFirst ? "1st" : (wanted.person ?? defaults.viewpoint ?? "2nd");
  const actorRow = person === "3rd" ? gender : `${person}${plural || (isThird && gender === "plural" && person !== "1st") ? " plural" : ""}`;
  const actor = TABLE[actorRow === "1st plural" && !plural ? "1st" : actorRow]![index]!;
  const keepCase = (form: string) => (word[0] && word[0] !== word[0].toLowerCase() && lower !== "i" ? form[0]!.toUpperCase() + form.slice(1) : form);
  return [keepCase(actor), keepCase(others)];
}
