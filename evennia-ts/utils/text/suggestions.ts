/**
 * "Did you mean ...?" suggestions, scored as Evennia scores them: the cosine
 * similarity of the two strings' character counts (1 for anagrams and equal
 * strings, 0 for strings without a common character).
 */

function counts(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const ch of s) m.set(ch, (m.get(ch) ?? 0) + 1);
  return m;
}

/** How similar `a` and `b` are, 0 to 1 (Evennia's `string_similarity`). */
export function stringSimilarity(a: string, b: string): number {
  const ca = counts(a);
  const cb = counts(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [ch, n] of ca) {
    na += n * n;
    dot += n * (cb.get(ch) ?? 0);
  }
  for (const n of cb.values()) nb += n * n;
  if (na === 0 || nb === 0) return 0;
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

/** Options of {@link stringSuggestions}. */
export interface SuggestionOptions {
  /** Least similarity to suggest (default 0.6). */
  cutoff?: number;
  /** Most suggestions (default 3). */
  maxnum?: number;
}

/** The words of `vocabulary` most similar to `text`, best first (Evennia's `string_suggestions`). */
export function stringSuggestions(text: string, vocabulary: Iterable<string>, options: SuggestionOptions = {}): string[] {
  const cutoff = options.cutoff ?? 0.6;
  const maxnum = options.maxnum ?? 3;
  const scored: { word: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const word of vocabulary) {
    if (seen.has(word)) continue;
    seen.add(word);
    const score = stringSimilarity(text, word);
    if (score >= cutoff) scored.push({ word, score });
  }
  // stable: equal scores keep vocabulary order
  scored.sort((x, y) => y.score - x.score);
  return scored.slice(0, maxnum).map((s) => s.word);
}
