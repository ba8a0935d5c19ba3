/**
 * Verb forms for actor-stance messages (`$conj(smile)`): what "you" do and what
 * someone else does — "you smile" / "Anna smiles", "you are" / "Anna is". The verb
 * is given in its plain form ("smile", "try", "watch", "be"); a small table covers
 * the irregular verbs and the modal ones that never change, rules cover the rest.
 */

/** Irregular second/third person pairs, by any of their forms. */
const IRREGULAR: Record<string, readonly [string, string]> = {
  be: ["are", "is"],
  are: ["are", "is"],
  is: ["are", "is"],
  am: ["are", "is"],
  was: ["were", "was"],
  were: ["were", "was"],
  have: ["have", "has"],
  has: ["have", "has"],
  do: ["do", "does"],
  does: ["do", "does"],
  go: ["go", "goes"],
  "don't": ["don't", "doesn't"],
  "doesn't": ["don't", "doesn't"],
  "aren't": ["aren't", "isn't"],
  "isn't": ["aren't", "isn't"],
  "haven't": ["haven't", "hasn't"],
  "weren't": ["weren't", "wasn't"],
  "wasn't": ["weren't", "wasn't"],
};

/** Verbs that are the same for everyone. */
const UNCHANGED = new Set(["can", "could", "may", "might", "must", "shall", "should", "will", "would", "ought", "can't", "cannot", "won't", "wouldn't", "shouldn't", "couldn't", "mustn't"]);

/** Keep the capitalisation of `model` on `word`. */
function sameCase(model: string, word: string): string {
  return model[0] && model[0] !== model[0].toLowerCase() ? word[0]!.toUpperCase() + word.slice(1) : word;
}

/** The third person singular of a regular verb: smiles, watches, tries, plays. */
function thirdPerson(verb: string): string {
  if (/(s|x|z|ch|sh|o)$/i.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/i.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/**
 * The two forms of `verb` (Evennia's `verb_actor_stance_components`): what "you"
 * do and what someone else does. A phrase ("look at") inflects its first word.
 */
export function verbActorStance(verb: string): [you: string, other: string] {
  const text = String(verb).trim();
  if (!text) return ["", ""];
  const [first, ...rest] = text.split(/(\s+)/);
  const lower = first!.toLowerCase();
  const tail = rest.join("");
  // own keys only: `$conj(constructor)` read Object's constructor and showed "undefined"
  const irregular = Object.hasOwn(IRREGULAR, lower) ? IRREGULAR[lower] : undefined;
  if (irregular) return [sameCase(first!, irregular[0]) + tail, sameCase(first!, irregular[1]) + tail];
  if (UNCHANGED.has(lower) || !/^[a-z]+$/i.test(first!)) return [text, text];
  return [text, thirdPerson(first!) + tail];
}
