/**
 * `EvMenu`: a menu the player walks through by choosing options, after Evennia's
 * `evennia.utils.evmenu`.
 *
 * ```ts
 * registerMenu("shop", {
 *   start: (caller) => ["Welcome! What do you want?", [
 *     { key: ["buy", "b"], desc: "Buy a sword", goto: "buy" },
 *     { desc: "Leave", goto: "bye" },               // chosen with 2
 *   ]],
 *   buy: (caller, raw, kwargs) => [["Which sword?", "Help text for this node."], [
 *     { key: "_default", goto: pickSword },          // anything typed goes to pickSword
 *   ]],
 *   bye: () => "Come again!",                        // no options: the menu ends
 * });
 * await EvMenu.start(this, "shop", { persistent: true });   // from a command
 * ```
 *
 * While it runs the caller has the menu's cmdset (see `menu-cmdset.ts`), and the
 * menu answers `look`/`l` (show the node again), `help`/`h` (the node's help)
 * and `quit`/`q`/`exit` (leave, with `autoQuit`). A persistent menu is stored on
 * the caller (attributes `_menutree_saved` and `_menutree_saved_startnode`) and,
 * after a reload, runs its last node again with the same input: at the server's
 * start for connected players, else at the player's next line. It must be
 * registered by name (or be a module), and its kwargs and `data` plain data.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { currentUnitOfWork } from "../../db/unit-of-work.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { EvenniaError, isEvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { stripMarkup } from "../../utils/text/markup.ts";
import type { MergeType } from "../cmdset.ts";
import { Command, DEFAULT_CLIENT_WIDTH, type CommandSession } from "../command.ts";
import { EvMenuCmdSet, runningMenu, setMenuRestorer, setRunningMenu, type RunningMenu } from "./menu-cmdset.ts";
import { formatNode, formatNodeText, formatOptions } from "./menu-format.ts";
import { loadMenuTree } from "./menu-registry.ts";
import type { GotoCallable, MenuCaller, MenuGoto, MenuKwargs, MenuOption, MenuTree, NodeHelp, NodeResult } from "./menu-types.ts";

const log = getLogger("evmenu");

/** Shown as the help of a node without its own (Evennia's texts). */
const HELP_FULL = "Commands: <menu option>, help, quit";
const HELP_NO_QUIT = "Commands: <menu option>, help";
const HELP_NO_OPTIONS = "Commands: help, quit";
const HELP_NO_OPTIONS_NO_QUIT = "Commands: help";
/** Shown when the input matches no option and the node has no `_default`. */
export const MENU_NO_MATCH = "Choose an option or try 'help'.";

/**
 * How deeply gotos may nest for one input (a node or callable calling `goto`, a
 * `cmdOnExit` opening a menu that ends at once ...) before the loop is stopped:
 * with a real wait between (a database read), such a loop never overflowed the
 * stack: it ran, holding the player's line, until memory ran out.
 */
export const EVMENU_MAX_GOTO_DEPTH = 50;

/** The widest a menu is drawn, whatever the client claims (as `Command.clientWidth`). */
const MAX_MENU_WIDTH = 400;

/** How deeply the gotos of the current input are nested. */
const gotoDepth = new AsyncLocalStorage<number>();

/** Attribute keys of a persistent menu (Evennia's). */
const SAVED = "_menutree_saved";
const SAVED_NODE = "_menutree_saved_startnode";

/** What `cmdOnExit` may be: a command line run as the player, a function, or null for nothing. */
export type MenuExitAction = string | ((caller: MenuCaller, menu: EvMenu) => void | Promise<void>) | null;

/** Options of {@link EvMenu.start}. */
export interface EvMenuOptions {
  /** The first node (default "start"). */
  startnode?: string;
  /** Merge type of the menu's cmdset (default "Replace": nothing else can be typed). */
  cmdsetMergetype?: MergeType;
  /** Priority of the menu's cmdset (default 1). */
  cmdsetPriority?: number;
  /** `quit`, `q` and `exit` leave the menu (default true). */
  autoQuit?: boolean;
  /** `look` and `l` show the node again (default true). */
  autoLook?: boolean;
  /** `help` and `h` show the node's help (default true). */
  autoHelp?: boolean;
  /** Run when the menu ends (default "look"; a function gets the caller and the menu). */
  cmdOnExit?: MenuExitAction;
  /** Survive reloads (the menu must be registered by name or be a module; `cmdOnExit` a string or null). */
  persistent?: boolean;
  /** Input given to the first node, as if typed: a string or `[string, kwargs]`. */
  startnodeInput?: string | readonly [string, MenuKwargs];
  /** The session to talk to (default: the command's, else the caller's). */
  session?: CommandSession | null;
  /** Your own state for the menu's nodes (`menu.data`); kept across reloads when persistent. */
  data?: Record<string, unknown>;
}

/** Thrown by a goto callable to refuse the input: the player is told the message and stays on the node. */
export class EvMenuGotoAbortMessage extends EvenniaError {
  constructor(message: string) {
    super("EV_ERR_BAD_INPUT", message);
  }
}

/** Thrown when gotos nest deeper than {@link EVMENU_MAX_GOTO_DEPTH}: the player is told, and stays on the node. */
export class EvMenuGotoLoop extends EvMenuGotoAbortMessage {
  constructor(nodename: string) {
    super(`|rThe menu went from node to node more than ${EVMENU_MAX_GOTO_DEPTH} times for one input (at '${nodename}') and was stopped.|n`);
  }
}

/** A chosen option's targets. */
interface OptionTarget {
  goto: string | GotoCallable | null;
  kwargs: MenuKwargs;
  exec: GotoCallable | null;
  execKwargs: MenuKwargs;
}

type MenuClass = new (caller: MenuCaller, tree: MenuTree, options: EvMenuOptions, menuName: string | null) => EvMenu;
const menuClasses = new Map<string, MenuClass>();

/** Register an EvMenu subclass by name, so persistent menus of it are made again as it after a reload. */
export function registerMenuClass(name: string, cls: MenuClass): void {
  menuClasses.set(name, cls);
}

function nameOfClass(cls: MenuClass): string | undefined {
  for (const [name, c] of menuClasses) if (c === cls) return name;
  return undefined;
}

function isTypedObject(caller: MenuCaller): caller is MenuCaller & TypedObject {
  return typeof (caller as { attributes?: unknown }).attributes === "object";
}

function asList<T>(value: T | readonly T[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

/** A running menu. */
export class EvMenu implements RunningMenu {
  /** The line drawn around the node text (override in a subclass). */
  nodeBorderChar = "_";
  /** The session the menu talks to (kept up to date from the player's input). */
  session: CommandSession | null;
  /** @internal the command feeding the current line */
  command: Command | null = null;
  /** Your state for the nodes (the `data` option); a persistent menu keeps it across reloads. */
  data: Record<string, unknown>;
  /** The node shown now. */
  nodename: string | null = null;
  /** The kwargs the current node was called with. */
  nodeKwargs: MenuKwargs = {};
  /** The current node, formatted. */
  nodetext = "";
  /** The current node's help (text, or tooltips by topic). */
  helptext: NodeHelp = "";
  /** The current node's options by every key (lower case). */
  options = new Map<string, OptionTarget>();
  /** The current node's `_default` option, if any. */
  default: OptionTarget | null = null;
  readonly autoQuit: boolean;
  readonly autoLook: boolean;
  readonly autoHelp: boolean;
  private persistent: boolean;
  private quitting = false;
  private readonly exitAction: MenuExitAction;

  constructor(
    /** Who uses the menu. */
    readonly caller: MenuCaller,
    /** The nodes. */
    readonly tree: MenuTree,
    private readonly startOptions: EvMenuOptions,
    /** The registered name or module path of the nodes (null for an unnamed tree). */
    readonly menuName: string | null,
  ) {
    this.autoQuit = startOptions.autoQuit ?? true;
    this.autoLook = startOptions.autoLook ?? true;
    this.autoHelp = startOptions.autoHelp ?? true;
    this.persistent = startOptions.persistent ?? false;
    this.exitAction = startOptions.cmdOnExit === undefined ? "look" : startOptions.cmdOnExit;
    this.session = startOptions.session ?? null;
    this.data = { ...(startOptions.data ?? {}) };
  }

  /**
   * Start a menu for the caller of `from` (a command: its caller, session and
   * command are used) or for `from` itself. `menudata` is a registered menu's
   * name, a module path, or the nodes themselves (not persistent).
   */
  static async start<M extends EvMenu>(
    this: new (caller: MenuCaller, tree: MenuTree, options: EvMenuOptions, menuName: string | null) => M,
    from: Command | MenuCaller,
    menudata: string | MenuTree,
    options: EvMenuOptions = {},
  ): Promise<M> {
    const command = from instanceof Command ? from : null;
    const caller = command ? command.caller : (from as MenuCaller);
    const tree = typeof menudata === "string" ? await loadMenuTree(menudata) : menudata;
    const session = options.session ?? command?.session ?? null;
    const menu = new this(caller, tree, { ...options, session }, typeof menudata === "string" ? menudata : null);
    menu.command = command;
    try {
      await menu.run();
    } finally {
      menu.command = null;
    }
    return menu;
  }

  /** True while the menu survives reloads. */
  get isPersistent(): boolean {
    return this.persistent;
  }

  /** @internal set the menu up on its caller and show the start node ({@link EvMenu.start} does) */
  async run(): Promise<void> {
    const options = this.startOptions;
    const startnode = options.startnode ?? "start";
    if (!Object.hasOwn(this.tree, startnode)) throw new EvenniaError("EV_ERR_NOT_FOUND", `start node '${startnode}' is not in the menu`);
    const caller = this.caller;
    const previous = runningMenu(caller);
    if (previous instanceof EvMenu) await previous.closeMenu({ quiet: true });
    setRunningMenu(caller, this);
    currentUnitOfWork()?.recordUndo(() => {
      if (runningMenu(caller) === this) setRunningMenu(caller, null);
    });
    if (this.persistent) this.persistent = this.saveSetup(startnode);
    caller.cmdset.remove(EvMenuCmdSet);
    const cmdset = new EvMenuCmdSet(caller);
    cmdset.mergeType = options.cmdsetMergetype ?? "Replace";
    cmdset.priority = options.cmdsetPriority ?? 1;
    caller.cmdset.add(cmdset, { persistent: this.persistent });
    const input = options.startnodeInput ?? "";
    const [raw, kwargs] = typeof input === "string" ? [input, {}] : [input[0], { ...(input[1] ?? {}) }];
    await this.goto(startnode, raw, kwargs);
  }

  /** Store what it takes to make this menu again; false (told to the player) when it cannot be. */
  private saveSetup(startnode: string): boolean {
    const reason = !isTypedObject(this.caller)
      ? "a session cannot keep a menu across reloads"
      : this.menuName === null
        ? "the menu's nodes are not registered by name (registerMenu) or a module"
        : typeof this.exitAction === "function"
          ? "cmdOnExit is a function (use a command string or null)"
          : nameOfClass(this.constructor as MenuClass) === undefined
            ? `the menu class ${this.constructor.name} is not registered (registerMenuClass)`
            : null;
    if (reason === null) {
      try {
        const o = this.startOptions;
        (this.caller as TypedObject).attributes.add(SAVED, {
          menu: this.menuName,
          menuClass: nameOfClass(this.constructor as MenuClass),
          options: {
            cmdsetMergetype: o.cmdsetMergetype ?? "Replace",
            cmdsetPriority: o.cmdsetPriority ?? 1,
            autoQuit: this.autoQuit,
            autoLook: this.autoLook,
            autoHelp: this.autoHelp,
            cmdOnExit: this.exitAction,
          },
        });
        (this.caller as TypedObject).attributes.add(SAVED_NODE, [startnode, ["", {}], this.data]);
        return true;
      } catch (err) {
        if (!isEvenniaError(err, "EV_ERR_SERIALIZE")) throw err;
        return this.notPersistent(err.message);
      }
    }
    return this.notPersistent(reason);
  }

  private notPersistent(reason: string): false {
    this.msg(`${reason}\n|rThe menu state could not be saved, so this menu will not survive a server reload.|n`);
    return false;
  }

  /** Send `text` to the player (as Evennia, with the output type "menu"). */
  msg(text: string): void {
    const spec = { text: [text, { type: "menu" }] as [string, Record<string, unknown>] };
    if (this.session) this.session.msg(spec);
    else this.caller.msg(spec);
  }

  /** Handle one line typed while the menu runs. */
  async parseInput(rawString: string): Promise<void> {
    const cmd = stripMarkup(rawString.trim().toLowerCase());
    try {
      const chosen = this.options.get(cmd);
      if (chosen) await this.choose(chosen, rawString);
      else if (this.autoLook && (cmd === "look" || cmd === "l")) this.displayNodetext();
      // own topics only: `in` also found "constructor" and "__proto__" of every object, shown instead of going to `_default`
      else if (this.autoHelp && typeof this.helptext === "object" && Object.hasOwn(this.helptext, cmd)) this.displayTooltip(cmd);
      else if (this.autoHelp && (cmd === "help" || cmd === "h")) this.displayHelptext();
      else if (this.autoQuit && (cmd === "quit" || cmd === "q" || cmd === "exit")) await this.closeMenu();
      else if (this.default) await this.choose(this.default, rawString);
      else this.msg(MENU_NO_MATCH);
    } catch (err) {
      if (!(err instanceof EvMenuGotoAbortMessage)) throw err;
      this.msg(err.message);
    }
  }

  private async choose(target: OptionTarget, rawString: string): Promise<void> {
    if (target.exec) {
      const result = await target.exec(this.caller, rawString, { ...target.execKwargs });
      if (result) {
        await this.goto(Array.isArray(result) ? (result as [string, MenuKwargs]) : (result as string), rawString, {});
        return;
      }
    }
    await this.goto(target.goto, rawString, { ...target.kwargs });
  }

  /**
   * Go to a node by name, or by what a goto callable returns (null: this node
   * again). `kwargs` go to the callable and on to the node.
   */
  async goto(nodeOrCallable: string | GotoCallable | readonly [string | null | undefined, MenuKwargs] | null | undefined, rawString: string, kwargs: MenuKwargs = {}): Promise<void> {
    const depth = (gotoDepth.getStore() ?? 0) + 1;
    if (depth > EVMENU_MAX_GOTO_DEPTH) {
      const where = typeof nodeOrCallable === "string" ? nodeOrCallable : (this.nodename ?? "?");
      log.warn(`menu ${this.menuName ?? "(unnamed)"}: gotos nested deeper than ${EVMENU_MAX_GOTO_DEPTH} (a loop at '${where}'); stopped`);
      throw new EvMenuGotoLoop(where);
    }
    await gotoDepth.run(depth, () => this.gotoNode(nodeOrCallable, rawString, kwargs));
  }

  private async gotoNode(nodeOrCallable: string | GotoCallable | readonly [string | null | undefined, MenuKwargs] | null | undefined, rawString: string, kwargs: MenuKwargs): Promise<void> {
    let nodename: string | null | undefined;
    let nodeKwargs = kwargs;
    let target: unknown = nodeOrCallable;
    if (typeof target === "function") target = await (target as GotoCallable)(this.caller, rawString, kwargs);
    if (Array.isArray(target)) {
      const [name, next] = target as [unknown, unknown];
      if (next === null || typeof next !== "object" || Array.isArray(next)) {
        throw new EvenniaError("EV_ERR_BAD_INPUT", "a goto callable must return a node name or [name, kwargs]");
      }
      nodename = name === null || name === undefined ? null : String(name);
      nodeKwargs = next as MenuKwargs;
    } else nodename = target === null || target === undefined ? null : String(target);
    if (!nodename) nodename = this.nodename;
    if (!nodename) return;

    // own nodes only: a name typed by the player and used as a node ("constructor") found Object's
    const node = Object.hasOwn(this.tree, nodename) ? this.tree[nodename] : undefined;
    if (typeof node !== "function") {
      this.msg(`Menu node '${nodename}' is either not implemented or caused an error. Make another choice or try 'q' to abort.`);
      return;
    }
    const result: NodeResult = await node(this.caller, rawString, nodeKwargs);
    const [rawText, rawOptions] = splitResult(result);

    if (this.persistent && isTypedObject(this.caller)) {
      try {
        this.caller.attributes.add(SAVED_NODE, [nodename, [rawString, nodeKwargs], this.data]);
      } catch (err) {
        if (!isEvenniaError(err, "EV_ERR_SERIALIZE")) throw err;
        this.persistent = false;
        this.caller.attributes.remove(SAVED);
        this.caller.attributes.remove(SAVED_NODE);
        this.caller.cmdset.remove(EvMenuCmdSet);
        this.caller.cmdset.add(Object.assign(new EvMenuCmdSet(this.caller), { mergeType: this.startOptions.cmdsetMergetype ?? "Replace", priority: this.startOptions.cmdsetPriority ?? 1 }));
        this.notPersistent(err.message);
      }
    }

    let text: string;
    let help: NodeHelp = "";
    if (Array.isArray(rawText)) {
      text = String(rawText[0] ?? "");
      const h = rawText[1] as NodeHelp | undefined;
      if (h && typeof h === "object") {
        const topics: Record<string, string> = Object.create(null) as Record<string, string>; // a "__proto__" topic is kept as one
        for (const [topic, entry] of Object.entries(h)) for (const key of topic.split(/[;,]/)) if (key.trim()) topics[key.trim().toLowerCase()] = String(entry);
        help = topics;
      } else help = h ?? "";
    } else text = rawText === null || rawText === undefined ? "" : String(rawText);

    const options = asList<MenuOption>(rawOptions as MenuOption | MenuOption[] | null | undefined);
    if (help && (typeof help === "string" || Object.keys(help).length > 0)) this.helptext = this.helptextFormatter(help);
    else if (options.length) this.helptext = this.autoQuit ? HELP_FULL : HELP_NO_QUIT;
    else this.helptext = this.autoQuit ? HELP_NO_OPTIONS : HELP_NO_OPTIONS_NO_QUIT;

    this.nodename = nodename;
    this.nodeKwargs = nodeKwargs;
    this.options = new Map();
    this.default = null;
    const display: [string, string | undefined][] = [];
    options.forEach((option, i) => {
      let keys = asList<string>(option.key as string | string[] | undefined).map(String);
      const target = optionTarget(nodename!, option);
      if (keys.includes("_default")) {
        keys = keys.filter((k) => k !== "_default");
        this.default = target;
      } else if (keys.length === 0) keys = [String(i + 1)];
      if (keys.length === 0) return;
      display.push([keys[0]!, option.desc]);
      for (const key of keys) this.options.set(stripMarkup(key).trim().toLowerCase(), target);
    });

    this.nodetext = this.formatNode(text, display);
    this.displayNodetext();
    if (options.length === 0) await this.closeMenu();
  }

  private formatNode(text: string, options: readonly (readonly [string, string | undefined])[]): string {
    return this.nodeFormatter(this.nodetextFormatter(text), this.optionsFormatter(options));
  }

  /** Show the current node again. */
  displayNodetext(): void {
    this.msg(this.nodetext);
  }

  /** Show the current node's help (tooltips listed as `topic: text`). */
  displayHelptext(): void {
    const help = this.helptext;
    this.msg(typeof help === "string" ? help : Object.entries(help).map(([k, v]) => `|w${k}|n: ${v}`).join("\n"));
  }

  /** Show the tooltip of `topic`. */
  displayTooltip(topic: string): void {
    if (typeof this.helptext === "object") this.msg(Object.hasOwn(this.helptext, topic) ? String(this.helptext[topic]) : "");
  }

  /** The width nodes are drawn in: the session's screen width (at most 400), else 78. */
  protected screenWidth(): number {
    const width = Number(this.session?.clientOptions?.screenwidth);
    return Number.isFinite(width) && width >= 20 ? Math.min(Math.floor(width), MAX_MENU_WIDTH) : DEFAULT_CLIENT_WIDTH;
  }

  /** Hook: format the node text (default: trimmed and dedented). */
  nodetextFormatter(nodetext: string): string {
    return formatNodeText(nodetext);
  }

  /** Hook: format the node's help (each tooltip on its own). */
  helptextFormatter(helptext: NodeHelp): NodeHelp {
    if (typeof helptext === "string") return formatNodeText(helptext);
    return Object.fromEntries(Object.entries(helptext).map(([k, v]) => [k, formatNodeText(v)]));
  }

  /** Hook: format the options, `[key, desc]` pairs in order (default: Evennia's columns). */
  optionsFormatter(optionlist: readonly (readonly [string, string | undefined])[]): string {
    const screenreader = Boolean(this.session?.clientOptions?.screenreader);
    return formatOptions(optionlist, this.screenWidth(), screenreader);
  }

  /** Hook: put the formatted node text and options together (default: framed by lines of `nodeBorderChar`). */
  nodeFormatter(nodetext: string, optionstext: string): string {
    return formatNode(nodetext, optionstext, this.screenWidth(), this.nodeBorderChar);
  }

  /**
   * Leave the menu: its cmdset and saved state go, then `cmdOnExit` runs (unless
   * `quiet`). Reaching a node without options does this; so does `quit`.
   */
  async closeMenu(options: { quiet?: boolean } = {}): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    const caller = this.caller;
    caller.cmdset.remove(EvMenuCmdSet);
    if (runningMenu(caller) === this) setRunningMenu(caller, null);
    if (this.persistent && isTypedObject(caller)) {
      caller.attributes.remove(SAVED);
      caller.attributes.remove(SAVED_NODE);
    }
    if (options.quiet) return;
    const action = this.exitAction;
    if (typeof action === "function") await action(caller, this);
    else if (typeof action === "string" && action) {
      if (this.command) await this.command.execute(action);
      else log.info(`menu ${this.menuName ?? "(unnamed)"} ended outside a command; cmdOnExit "${action}" not run`);
    }
  }
}

function splitResult(result: NodeResult): [unknown, unknown] {
  if (Array.isArray(result) && result.length > 1 && (result[1] === null || result[1] === undefined || typeof result[1] === "object") && !isHelpPair(result)) {
    return [result[0], result[1]];
  }
  return [result, null];
}

/** `[text, help]` returned alone (no options) looks like `[text, options]`: tell them apart by the help's type. */
function isHelpPair(result: readonly unknown[]): boolean {
  if (result.length !== 2 || typeof result[0] !== "string") return false;
  const second = result[1];
  if (typeof second === "string") return true;
  if (second === null || typeof second !== "object" || Array.isArray(second)) return false;
  return !["key", "desc", "goto", "exec"].some((k) => k in second);
}

function optionTarget(nodename: string, option: MenuOption): OptionTarget {
  const [goto, kwargs] = splitGoto(nodename, option.goto);
  let exec: GotoCallable | null = null;
  let execKwargs: MenuKwargs = {};
  if (Array.isArray(option.exec)) {
    exec = option.exec[0] as GotoCallable;
    execKwargs = (option.exec[1] as MenuKwargs | undefined) ?? {};
  } else if (typeof option.exec === "function") exec = option.exec;
  return { goto, kwargs, exec, execKwargs };
}

function splitGoto(nodename: string, goto: MenuGoto | undefined): [string | GotoCallable | null, MenuKwargs] {
  if (goto === undefined || goto === null) return [null, {}];
  if (Array.isArray(goto)) {
    const [target, kwargs] = goto as [string | GotoCallable, MenuKwargs | undefined];
    if (kwargs !== undefined && (kwargs === null || typeof kwargs !== "object")) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `EvMenu node ${nodename}: goto kwargs is not an object`);
    }
    return [target, kwargs ?? {}];
  }
  return [goto as string | GotoCallable, {}];
}

/** Make the saved menu of `caller` run again (its last node, with the same input); false when none is saved. */
export async function restoreSavedMenu(caller: MenuCaller, session: CommandSession | null, command: Command | null = null): Promise<boolean> {
  if (!isTypedObject(caller)) return false;
  const saved = caller.attributes.get<{ menu?: unknown; menuClass?: unknown; options?: Record<string, unknown> }>(SAVED);
  if (!saved || typeof saved.menu !== "string") return false;
  const node = caller.attributes.get<unknown[]>(SAVED_NODE);
  const [startnode, input, data] = Array.isArray(node) ? node : [];
  const cls = menuClasses.get(String(saved.menuClass)) ?? EvMenu;
  const options = (saved.options ?? {}) as EvMenuOptions;
  const [raw, kwargs] = Array.isArray(input) ? input : ["", {}];
  try {
    const tree = await loadMenuTree(saved.menu);
    const menu = new cls(
      caller,
      tree,
      {
        ...options,
        persistent: true,
        session,
        startnode: typeof startnode === "string" && Object.hasOwn(tree, startnode) ? startnode : "start",
        startnodeInput: [String(raw ?? ""), (kwargs ?? {}) as MenuKwargs],
        data: (data ?? {}) as Record<string, unknown>,
      },
      saved.menu,
    );
    menu.command = command;
    try {
      await menu.run();
    } finally {
      menu.command = null;
    }
    return true;
  } catch (err) {
    // Any failure drops the saved menu: thrown on, it failed again at every line the
    // player typed (`quit` included, which the lost menu answers) and at every login.
    const who = String((caller as { key?: unknown }).key);
    if (isEvenniaError(err, "EV_ERR_NOT_FOUND")) log.warn(`the saved menu of ${who} cannot be made again (${err.message}); it is dropped`);
    else log.error(`the saved menu of ${who} failed when made again; it is dropped`, err);
    const half = runningMenu(caller);
    if (half instanceof EvMenu) await half.closeMenu({ quiet: true });
    caller.attributes.remove(SAVED);
    caller.attributes.remove(SAVED_NODE);
    caller.cmdset.remove(EvMenuCmdSet);
    // a line typed into the lost menu is answered by the menu cmdset; at login or after a reload, say it here
    if (!command && session) session.msg("|rThe menu you were in could not be restored; you have left it.|n");
    return false;
  }
}

registerMenuClass("evennia.utils.evmenu.EvMenu", EvMenu);
setMenuRestorer((caller, session, command) => restoreSavedMenu(caller, session, command));
