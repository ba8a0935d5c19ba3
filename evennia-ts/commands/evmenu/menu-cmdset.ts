/**
 * The cmdset a menu puts on its caller while it runs (Evennia's `EvMenuCmdSet`):
 * it replaces the caller's other commands (merge type `Replace`, priority 1 by
 * default), ignores exits and the objects around (`noExits`, `noObjs`), and holds
 * only the system commands for "no match" and "empty line", so every line typed
 * goes to the menu — `look`, `help` and `quit` included, which the menu answers
 * itself.
 *
 * The running menu of a caller is found here too (`runningMenu`). A line reaching
 * a caller whose menu is gone from memory (after a reload) makes the saved one
 * again, when there is one.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { CmdSet, type MergeType } from "../cmdset.ts";
import { registerCmdSet } from "../cmdset-registry.ts";
import { Command, type CommandSession } from "../command.ts";
import { CMD_NOINPUT, CMD_NOMATCH } from "../system-commands.ts";
import type { MenuCaller } from "./menu-types.ts";

/** What the menu commands need of a running menu. */
export interface RunningMenu {
  /** The session the menu talks to (updated from each line). */
  session: CommandSession | null;
  /** The command feeding the menu the current line (for `cmdOnExit`). */
  command: Command | null;
  /** Handle one line typed by the player. */
  parseInput(rawString: string): Promise<void>;
}

/** Makes a saved (persistent) menu of `caller` run again; resolves true when there was one. */
export type MenuRestorer = (caller: MenuCaller, session: CommandSession, command: Command | null) => Promise<boolean>;

const running = new WeakMap<object, RunningMenu>();
let restorer: MenuRestorer | null = null;

function hasNdb(caller: MenuCaller): caller is MenuCaller & TypedObject {
  return typeof (caller as { ndb?: unknown }).ndb === "object" && (caller as { ndb?: unknown }).ndb !== null;
}

/** The menu `caller` is in, if any. */
export function runningMenu(caller: MenuCaller): RunningMenu | undefined {
  return running.get(caller);
}

/** @internal EvMenu records itself (also as `caller.ndb._evmenu`, as Evennia) */
export function setRunningMenu(caller: MenuCaller, menu: RunningMenu | null): void {
  if (menu) {
    running.set(caller, menu);
    if (hasNdb(caller)) caller.ndb._evmenu = menu;
  } else {
    running.delete(caller);
    if (hasNdb(caller) && "_evmenu" in caller.ndb) delete caller.ndb._evmenu;
  }
}

/** @internal EvMenu installs the function that makes saved menus again */
export function setMenuRestorer(fn: MenuRestorer): void {
  restorer = fn;
}

/** The end of the queue of lines of each menu that has any. */
const tails = new WeakMap<RunningMenu, Promise<unknown>>();
/** The menus whose line the current async context is handling (a node running a command line that reaches the menu again). */
const feeding = new AsyncLocalStorage<ReadonlySet<RunningMenu>>();

/**
 * Run `work` once the menu's earlier lines are handled. Two sessions of one account in
 * one menu both answering "yes" at once both passed the checks of the confirmation
 * (two characters of the same name). Re-entrant: work inside a line runs at once.
 */
async function oneLineAtATime(menu: RunningMenu, work: () => Promise<void>): Promise<void> {
  const mine = feeding.getStore();
  if (mine?.has(menu)) return work();
  const context = new Set(mine ?? []).add(menu);
  const start = () => feeding.run(context, work);
  const run = (tails.get(menu) ?? Promise.resolve()).then(start, start);
  tails.set(menu, run);
  try {
    await run;
  } finally {
    if (tails.get(menu) === run) tails.delete(menu);
  }
}

/** Send the line to the caller's menu: the caller's, else the account's, else the session's, else a saved one. */
async function feedMenu(cmd: Command): Promise<void> {
  const candidates: MenuCaller[] = [cmd.caller];
  if (cmd.account && cmd.account !== cmd.caller) candidates.push(cmd.account);
  if (cmd.session !== cmd.caller) candidates.push(cmd.session);
  for (const owner of candidates) {
    const menu = running.get(owner);
    if (!menu) continue;
    await oneLineAtATime(menu, async () => {
      // the line waited for another (a second session of the account): the menu may have ended meanwhile
      if (running.get(owner) !== menu) {
        cmd.msg("The menu ended before what you typed reached it; it was not used.");
        return;
      }
      menu.session = cmd.session;
      menu.command = cmd;
      try {
        await menu.parseInput(cmd.raw);
      } finally {
        menu.command = null;
      }
    });
    return;
  }
  for (const owner of candidates) {
    if (owner === cmd.session) break;
    if (restorer && (await restorer(owner, cmd.session, cmd))) return;
  }
  // a menu cmdset with no menu behind it (its caller's state was lost): take it away
  for (const owner of candidates) owner.cmdset.remove(EvMenuCmdSet);
  cmd.msg("|rThe menu you were in could not be found; you have left it.|n");
}

/** Every line that is not empty, while a menu runs. */
export class CmdEvMenuInput extends Command {
  override key = CMD_NOMATCH;
  override locks = "cmd:all()";
  override helpCategory = "menu";
  override autoHelp = false;
  override help = "Menu commands are explained within the menu.";

  override async func(): Promise<void> {
    await feedMenu(this);
  }
}

/** An empty line, while a menu runs (the node's `_default` option may take it). */
export class CmdEvMenuNoInput extends CmdEvMenuInput {
  override key = CMD_NOINPUT;
}

/** The menu's cmdset (Evennia's `EvMenuCmdSet`). */
export class EvMenuCmdSet extends CmdSet {
  override key = "menu_cmdset";
  override priority = 1;
  override mergeType: MergeType = "Replace";
  override noObjs = true;
  override noExits = true;
  override noChannels = false;

  override atCmdsetCreation(): void {
    this.add(CmdEvMenuInput).add(CmdEvMenuNoInput);
  }
}

registerCmdSet("evennia.utils.evmenu.EvMenuCmdSet", EvMenuCmdSet);
