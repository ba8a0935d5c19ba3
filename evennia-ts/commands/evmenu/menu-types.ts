/**
 * The shapes of an EvMenu: node functions, what they return, and their options.
 *
 * A node is a function `(caller, rawString, kwargs) => [text, options]` (it may be
 * async). `rawString` is what the player typed to get there, `kwargs` what the
 * option (or the goto callable) passed on. `text` is a string, or `[text, help]`
 * where `help` is the text `help` shows in this node (or a record of tooltips:
 * `{ "topic": "text" }`, each shown when its topic is typed). No options (null,
 * undefined or an empty list) ends the menu after the text is shown.
 */
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { DefaultObject } from "../../typeclasses/objects.ts";
import type { CommandSession } from "../command.ts";

/** Who uses a menu: a character (or other object), an account, or a session (not persistent). */
export type MenuCaller = DefaultObject | DefaultAccount | CommandSession;

/** Keyword arguments passed from an option to the next node (plain, storable data for persistent menus). */
export type MenuKwargs = Record<string, unknown>;

/** Help of a node: one text, or tooltips by topic (`{ "sword": "A sharp blade.", "shield": ... }`). */
export type NodeHelp = string | Record<string, string>;

/** The text a node shows: a string, `[text, help]`, or nothing. */
export type NodeText = string | null | undefined | readonly [string | null | undefined, NodeHelp?];

/**
 * What a goto callable returns: the next node's name, `[name, kwargs]` to pass
 * new kwargs on, or nothing (null, undefined, "") to show the current node again.
 */
export type GotoResult = string | null | undefined | void | readonly [string | null | undefined, MenuKwargs];

/** A goto (or exec) callable: `(caller, rawString, kwargs)` → the next node. */
export type GotoCallable = (caller: MenuCaller, rawString: string, kwargs: MenuKwargs) => GotoResult | Promise<GotoResult>;

/** Where an option leads: a node name, a callable, or `[either, kwargs]`. */
export type MenuGoto = string | GotoCallable | readonly [string | GotoCallable, MenuKwargs?];

/** One option of a node. */
export interface MenuOption {
  /**
   * What the player types to choose it: a string or a list (the first shown, the
   * others aliases). Without a key the option is numbered (1, 2, 3 ... by its
   * place). `"_default"` makes it the node's catch-all for any other input (not shown).
   */
  key?: string | readonly string[];
  /** What choosing it does, shown after the key. */
  desc?: string;
  /** Where it leads (default: this node again). */
  goto?: MenuGoto;
  /**
   * Run before `goto` with the same arguments; when it returns a node name (or
   * `[name, kwargs]`), that replaces `goto`.
   */
  exec?: GotoCallable | readonly [GotoCallable, MenuKwargs?];
}

/** What a node returns: `[text, options]`, or only the text (the menu then ends). */
export type NodeResult = readonly [NodeText, MenuOption | readonly MenuOption[] | null | undefined] | NodeText;

/** A menu node. */
export type MenuNode = (caller: MenuCaller, rawString: string, kwargs: MenuKwargs) => NodeResult | Promise<NodeResult>;

/** A menu: its nodes by name. */
export type MenuTree = Record<string, MenuNode>;
