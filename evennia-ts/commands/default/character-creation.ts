/**
 * Making a character for an account, as `charcreate`, its menu and the website do: the
 * name checked (not empty, not another character's: the character typeclass's
 * `validateName`), the account's character limit respected, and the description set.
 */
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { DefaultObject } from "../../typeclasses/objects.ts";
import { characterTypeclass } from "../../typeclasses/characters.ts";
import { looksLikeAnotherName } from "../../typeclasses/account-names.ts";
import { isEvenniaError } from "../../utils/errors.ts";

/** Longest name `charcreate` and its menu give a character. */
export const MAX_CHARACTER_NAME_LENGTH = 30;

/** A typed character name in Unicode's compatibility form (as account names), its runs of whitespace made one space, trimmed. */
export function tidyCharacterName(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ");
}

/** Characters that show as nothing or move the text around them: format (zero-width, right-to-left override), control, private-use, unassigned. */
const INVISIBLE_CHARACTERS = /[\p{Cf}\p{Cc}\p{Co}\p{Cn}]/u;

/**
 * Why a typed (tidied) character name is not acceptable in itself, or null: too long,
 * or holding `|` (colour markup, which would let a name pass for another) or `$`
 * (inline functions). What `charcreate` and its menu both refuse.
 */
export function characterNameFormatProblem(name: string): string | null {
  if (name.length > MAX_CHARACTER_NAME_LENGTH) return `|rThat name is too long (at most ${MAX_CHARACTER_NAME_LENGTH} characters).|n`;
  if (/[|$]/.test(name)) return "|rA name cannot hold '|||r' or '$'.|n";
  // as account names: a Cyrillic 'а' in 'Admin', or a zero-width space, would let a name pass for another
  if (INVISIBLE_CHARACTERS.test(name) || looksLikeAnotherName(name)) {
    return "|rA name cannot mix letters of different alphabets (such as Latin and Cyrillic), nor hold characters that show as nothing.|n";
  }
  return null;
}

/** Why `name` cannot be a new character of `account`, or null when it can: empty, one of its own characters', refused by the character class's `validateName` (by default: any character's), or no slot left. */
export async function characterNameProblem(account: DefaultAccount, name: string): Promise<string | null> {
  if (!name.trim()) return "A character needs a name.";
  if (account.characters.some((c) => c.key.toLowerCase() === name.trim().toLowerCase())) return `|rA character named '|w${name.trim()}|r' already exists.|n`;
  return (await characterTypeclass().validateName(name, account)) ?? account.checkAvailableSlots();
}

/** Character creation in progress: one at a time, so two players typing the same new name at once cannot both pass the check. */
let creating: Promise<unknown> = Promise.resolve();

/**
 * Create character `name` (tidied, and held to {@link characterNameFormatProblem}'s rules on
 * every path: `charcreate`, its menu, the website) described as `desc` when given, for
 * `account`; the character, or why not.
 */
export function createCharacterFor(account: DefaultAccount, name: string, desc = ""): Promise<{ character: DefaultObject } | { error: string }> {
  const made = creating.then(() => createChecked(account, name, desc));
  creating = made.catch(() => undefined);
  return made;
}

async function createChecked(account: DefaultAccount, name: string, desc: string): Promise<{ character: DefaultObject } | { error: string }> {
  const tidy = tidyCharacterName(name);
  const problem = (tidy ? characterNameFormatProblem(tidy) : null) ?? (await characterNameProblem(account, tidy));
  if (problem) return { error: problem };
  try {
    const character = await account.createCharacter({ key: tidy });
    if (desc.trim()) character.db.desc = desc.trim();
    return { character };
  } catch (err) {
    if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) return { error: `|r${err.message}|n` };
    throw err;
  }
}
