/**
 * Finding an object a character names in a command (`look sword`, `get 2-sword`,
 * `drop lamp`) among what is at hand: itself, what it carries, its location and
 * what is there. Everything it reads is in memory (no query). Keys and aliases
 * match case-insensitively, exactly first, then by prefix; `me`, `self` and
 * `here` work; `2-sword` picks among several. Objects the caller may not `view`
 * are not found. Messages are Evennia's.
 */
import { canAccess } from "../../typeclasses/object-access.ts";
import type { DefaultObject } from "../../typeclasses/objects.ts";

/** Options of {@link searchNearby}. */
export interface NearbySearchOptions {
  /** Search only these (default: the caller, its contents, its location and the location's contents). */
  candidates?: DefaultObject[];
  /** Message when nothing matches (default "Could not find '<query>'."). */
  nofoundString?: string;
}

/** Where a candidate is, as the multi-match message names it. */
function whereIs(obj: DefaultObject, caller: DefaultObject): string {
  if (obj.location === caller) return `in ${caller.key}'s inventory`;
  if (obj.location === caller.location) return "here";
  return obj.location ? `in ${obj.location.key}` : "nowhere";
}

/**
 * The one object `query` names near `caller`, or null after telling the caller why
 * not ("Could not find 'x'." or the list of matches to choose from).
 */
export function searchNearby(caller: DefaultObject, query: string, options: NearbySearchOptions = {}): DefaultObject | null {
  const text = query.trim();
  const lower = text.toLowerCase();
  if (!options.candidates) {
    if (lower === "me" || lower === "self") return caller;
    if (lower === "here" && caller.location) return caller.location;
  }
  const location = caller.location;
  const candidates =
    options.candidates ?? [caller, ...caller.contents, ...(location ? [location, ...location.contentsGet({ exclude: caller })] : [])];
  const numbered = /^(\d+)-(.+)$/.exec(lower);
  const wanted = numbered ? numbered[2]!.trim() : lower;
  const visible = candidates.filter((o) => !o.isDeleted && (o === caller || canAccess(o, caller, "view", true)));
  const names = (o: DefaultObject) => [o.key.toLowerCase(), ...o.aliases.get().map((a) => a.toLowerCase())];
  let matches = visible.filter((o) => names(o).includes(wanted));
  if (matches.length === 0) {
    matches = visible.filter((o) => names(o).some((n) => n.startsWith(wanted) || n.split(/\s+/).some((word) => word.startsWith(wanted))));
  }
  if (numbered && matches.length > 0) {
    const pick = matches[Number(numbered[1]) - 1];
    if (pick) return pick;
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0 || wanted === "") {
    caller.msg(options.nofoundString ?? `Could not find '${text}'.`);
    return null;
  }
  const listed = matches.map((o, i) => `${i + 1}-${o.getDisplayName(caller)} (${whereIs(o, caller)})`).join(", ");
  caller.msg(`More than one match for '${wanted}' (please narrow target): ${listed}`);
  return null;
}
