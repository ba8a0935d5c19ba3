/**
 * `EvMore`: page long output, as Evennia's pager. Text longer than the client's
 * screen (its height less four lines) is shown a page at a time with a footer,
 * and while paging the session's commands are:
 *
 * - `next`/`n`/`more` or just Enter: the next page (after the last one, leave);
 * - `back`/`b`/`previous`/`p`: the previous page; `top`/`t`, `end`/`e`;
 * - `quit`/`q`/`abort`/`a`: leave the pager.
 *
 * Anything else leaves the pager and runs as a normal command. The pager lives on
 * the session (a cmdset on top of its stack, not kept across reloads).
 *
 * ```ts
 * await evmore(this, longText);              // from a command
 * ```
 */
import { CmdSet } from "./cmdset.ts";
import { Command, type CommandSession } from "./command.ts";
import { CMD_NOINPUT, CMD_NOMATCH } from "./system-commands.ts";

/** Footer shown under a page (Evennia's). */
function footer(page: number, pages: number): string {
  return `|n(|wPage|n [${page}/${pages}] |wn|next|n || |wp|nrevious || |wt|nop || |we|nnd || |wq|nuit)`;
}

/** Evennia's exit message. */
export const EVMORE_EXIT_MESSAGE = "|xExited pager.|n";

const pagers = new WeakMap<CommandSession, EvMore>();

/** Options of {@link EvMore}. */
export interface EvMoreOptions {
  /** Page even when everything fits on one page. */
  alwaysPage?: boolean;
  /** Lines per page (default: the client's height less 4, at least 4, and at most 10000 characters' worth). */
  height?: number;
  /** Output kwargs sent with every page (`{ type: "help" }`). */
  textKwargs?: Record<string, unknown>;
  /** Leave the pager after showing the last page. */
  exitOnLastPage?: boolean;
}

/** A pager over some text for one session. */
export class EvMore {
  private readonly pages: string[];
  private pos = 0;

  constructor(
    private readonly session: CommandSession,
    text: string,
    private readonly options: EvMoreOptions = {},
  ) {
    const height = pageLines(session, options.height);
    const lines = text.split("\n");
    this.pages = [];
    for (let i = 0; i < lines.length; i += height) this.pages.push(lines.slice(i, i + height).join("\n"));
    if (this.pages.length === 0) this.pages.push("");
  }

  /** Number of pages. */
  get pageCount(): number {
    return this.pages.length;
  }

  /** The page shown now (0-based). */
  get position(): number {
    return this.pos;
  }

  /** Show the first page (or everything, when it fits and paging is not forced). */
  start(): void {
    if (this.pages.length <= 1 && !this.options.alwaysPage) {
      this.display(false);
      return;
    }
    pagers.get(this.session)?.quit(true);
    pagers.set(this.session, this);
    this.session.cmdset.add(MoreCmdSet);
    this.top();
  }

  /** Show the current page, with the footer unless `showFooter` is false. */
  display(showFooter = true): void {
    const text = this.pages[this.pos] ?? "";
    const page = showFooter ? `${text}\n${footer(this.pos + 1, this.pages.length)}` : text;
    this.send(page);
  }

  /** The first page. */
  top(): void {
    this.pos = 0;
    this.display();
  }

  /** The last page. */
  end(): void {
    this.pos = this.pages.length - 1;
    this.display();
  }

  /** The next page; leaves the pager when already on the last one. */
  next(): void {
    if (this.pos >= this.pages.length - 1) {
      this.quit();
      return;
    }
    this.pos++;
    if (this.options.exitOnLastPage && this.pos >= this.pages.length - 1) {
      this.display(false);
      this.quit(true);
    } else this.display();
  }

  /** The previous page (stays on the first). */
  back(): void {
    this.pos = Math.max(0, this.pos - 1);
    this.display();
  }

  /** Leave the pager (saying so unless `quiet`). */
  quit(quiet = false): void {
    if (pagers.get(this.session) === this) pagers.delete(this.session);
    this.session.cmdset.remove(MoreCmdSet);
    if (!quiet) this.send(EVMORE_EXIT_MESSAGE);
  }

  private send(text: string): void {
    const kwargs = this.options.textKwargs;
    this.session.msg(kwargs ? { text: [text, kwargs] } : text);
  }
}

/** The pager running for `session`, if any. */
export function currentPager(session: CommandSession): EvMore | undefined {
  return pagers.get(session);
}

/** The most characters a page holds (Evennia's: lines per page are at most 10000 / screen width). */
export const EVMORE_MAX_PAGE_CHARACTERS = 10_000;
/** The widest and highest screen a client is believed (as `Command.clientWidth`). */
const MAX_SCREEN_SIZE = 400;

/** The client's size from its options: a whole number from `min` to 400, else `fallback`. */
function screenSize(value: unknown, min: number, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= min ? Math.min(Math.floor(n), MAX_SCREEN_SIZE) : fallback;
}

/**
 * Lines a page holds: `wanted` (a whole number of at least 4) or the client's
 * height less 4, and never more than {@link EVMORE_MAX_PAGE_CHARACTERS} a page at
 * the client's width. A client claiming a screen 65535 lines high was sent
 * everything as one page; a height that was not a number (NaN) made no page at all.
 */
function pageLines(session: CommandSession, wanted: number | undefined): number {
  const options = session.clientOptions ?? {};
  const width = screenSize(options.screenwidth, 20, 78);
  const fromClient = screenSize(options.screenheight, 1, 45) - 4;
  const lines = wanted !== undefined && Number.isFinite(wanted) ? Math.floor(wanted) : fromClient;
  return Math.max(4, Math.min(lines, Math.floor(EVMORE_MAX_PAGE_CHARACTERS / width)));
}

/** Page `text` to the session of `cmd` (or to `session`); returns the pager. */
export function evmore(target: Command | CommandSession, text: string, options: EvMoreOptions = {}): EvMore {
  const session = target instanceof Command ? target.session : target;
  const pager = new EvMore(session, text, options);
  pager.start();
  return pager;
}

/** Paging commands: Enter and the pager's words. */
export class CmdMore extends Command {
  override key = CMD_NOINPUT;
  override aliases = ["quit", "q", "abort", "a", "next", "n", "more", "previous", "p", "back", "b", "top", "t", "end", "e"];
  override autoHelp = false;

  override async func(): Promise<void> {
    const pager = pagers.get(this.session);
    if (!pager) {
      this.session.cmdset.remove(MoreCmdSet);
      this.msg("There is nothing to page through.");
      return;
    }
    const word = this.cmdname;
    if (["quit", "q", "abort", "a"].includes(word)) pager.quit();
    else if (["previous", "p", "back", "b"].includes(word)) pager.back();
    else if (["top", "t"].includes(word)) pager.top();
    else if (["end", "e"].includes(word)) pager.end();
    else pager.next();
  }
}

/** Any other input leaves the pager and runs as a command. */
export class CmdMoreExit extends Command {
  override key = CMD_NOMATCH;
  override autoHelp = false;

  override async func(): Promise<void> {
    const pager = pagers.get(this.session);
    if (pager) pager.quit(true);
    else this.session.cmdset.remove(MoreCmdSet);
    await this.execute(this.args);
  }
}

/** The cmdset a session has while paging (Evennia's `CmdSetMore`). */
export class MoreCmdSet extends CmdSet {
  override key = "more_commands";
  override priority = 110;
  override mergeType = "Replace" as const;

  override atCmdsetCreation(): void {
    this.add(CmdMore).add(CmdMoreExit);
  }
}
