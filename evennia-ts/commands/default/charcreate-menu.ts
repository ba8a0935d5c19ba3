/**
 * The character-creation menu (setting `charcreateMenu`, on in the demo game):
 * `charcreate` without a name, or a first login without any character, asks for
 * a name, then a one-line description, then confirms; a player out of character
 * then plays the new character at once. It is an EvMenu on the account,
 * persistent: a reload in the middle resumes at the same question.
 */
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { CommandSession } from "../command.ts";
import { EvMenu, EvMenuGotoAbortMessage } from "../evmenu/evmenu.ts";
import { runningMenu } from "../evmenu/menu-cmdset.ts";
import { registerMenu } from "../evmenu/menu-registry.ts";
import type { Session } from "../../typeclasses/sessions.ts";
import type { MenuCaller, MenuKwargs, MenuNode } from "../evmenu/menu-types.ts";
import { characterNameFormatProblem, characterNameProblem, createCharacterFor, tidyCharacterName } from "./character-creation.ts";

/** The name the menu is registered under. */
export const CHARCREATE_MENU = "evennia.charcreate";

function accountOf(caller: MenuCaller): DefaultAccount {
  return caller as DefaultAccount;
}

const start: MenuNode = (_caller, _raw, kwargs) => [
  [`|wCreate a new character|n\n\n${kwargs.error ? `${String(kwargs.error)}\n\n` : ""}What is your new character's name?`, "Type the name your character will be known by, or 'q' to stop without creating anyone."],
  [{ key: "_default", goto: pickName }],
];

async function pickName(caller: MenuCaller, raw: string): Promise<[string, MenuKwargs]> {
  const name = tidyCharacterName(raw);
  const badName = characterNameFormatProblem(name);
  if (badName) throw new EvMenuGotoAbortMessage(`${badName} Try another.`);
  const problem = await characterNameProblem(accountOf(caller), name);
  if (problem) throw new EvMenuGotoAbortMessage(`${problem} Try another name.`);
  return ["describe", { name }];
}

const describe: MenuNode = (_caller, _raw, kwargs) => [
  [
    `Describe |w${String(kwargs.name)}|n in a line: what others see when they look at them.\n(Press return to skip.)`,
    "One line of description; you can change it later with 'setdesc'.",
  ],
  [{ key: "_default", goto: [(_c: MenuCaller, raw: string, kw: MenuKwargs) => ["confirm", { name: kw.name, desc: raw.trim() }], { name: kwargs.name }] }],
];

const confirm: MenuNode = (_caller, _raw, kwargs) => [
  `Create |w${String(kwargs.name)}|n?\n  ${kwargs.desc ? String(kwargs.desc) : "(no description)"}`,
  [
    { key: ["yes", "y"], desc: "create this character", goto: [create, { name: kwargs.name, desc: kwargs.desc }] },
    { key: ["no", "n"], desc: "start again", goto: "start" },
  ],
];

async function create(caller: MenuCaller, _raw: string, kwargs: MenuKwargs): Promise<[string, MenuKwargs]> {
  const account = accountOf(caller);
  const made = await createCharacterFor(account, String(kwargs.name ?? ""), String(kwargs.desc ?? ""));
  if ("error" in made) return ["start", { error: made.error }];
  // out of character (a first login): step into the new character at once
  const session = runningMenu(caller)?.session as Session | null | undefined;
  const playing = Boolean(session && !session.puppet && session.account === account && (await account.puppetObject(session, made.character)));
  return ["done", { name: made.character.key, playing }];
}

const done: MenuNode = (_caller, _raw, kwargs) =>
  kwargs.playing
    ? `Created new character ${String(kwargs.name)}, and you are playing it now.`
    : `Created new character ${String(kwargs.name)}. Use |wic ${String(kwargs.name)}|n to enter the game as this character.`;

registerMenu(CHARCREATE_MENU, { start, describe, confirm, done });

/** Open the character-creation menu for `account` on `session`. */
export async function startCharCreateMenu(account: DefaultAccount, session: CommandSession): Promise<EvMenu> {
  return EvMenu.start(account, CHARCREATE_MENU, { session, persistent: true, cmdOnExit: null });
}
