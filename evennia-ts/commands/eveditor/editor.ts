/**
 * `EvEditor`: a line editor for long texts (descriptions, help entries, code),
 * after Evennia's `evennia.utils.eveditor`, itself after `vi`.
 *
 * ```ts
 * registerEditorFunction("notes.load", (caller) => (caller as DefaultObject).db.notes ?? "");
 * registerEditorFunction("notes.save", (caller, buffer) => {
 *   (caller as DefaultObject).db.notes = buffer;
 *   caller.msg("Notes saved.");
 *   return true;
 * });
 * await EvEditor.start(this, { key: "notes", loadfunc: "notes.load", savefunc: "notes.save", persistent: true });
 * ```
 *
 * While it runs the caller has the editor's cmdset (`editor-cmdset.ts`): every
 * line typed is added to the buffer, except the `:`-commands (`:h` lists them).
 * It keeps an undo history (20 steps, 400,000 characters at most), a copy buffer, and, in code mode
 * (`codefunc`), automatic indentation. A persistent editor keeps its buffer,
 * history and state in attributes of the caller (`_eveditor_saved`,
 * `_eveditor_buffer_temp`, `_eveditor_unsaved`, `_eveditor_indent`) and is made
 * again after a reload; its hooks must then be registered names. One that cannot
 * be made again shows the player its text before it is dropped. `:wq` quits only
 * when the save worked.
 */
import { currentUnitOfWork } from "../../db/unit-of-work.ts";
import type { TypedObject } from "../../typeclasses/typed-object.ts";
import { EvenniaError, isEvenniaError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { Command, type CommandSession } from "../command.ts";
import { EvEditorCmdSet, runningEditor, setEditorRestorer, setRunningEditor } from "./editor-cmdset.ts";
import { editorHelp } from "./editor-help.ts";
import { EDITOR_MAX_BUFFER_LENGTH, EDITOR_WIDTH, escapeMarkup } from "./editor-text.ts";
import {
  resolveEditorFunction,
  type EditorCaller,
  type EditorCodeFunc,
  type EditorHandle,
  type EditorLoadFunc,
  type EditorQuitFunc,
  type EditorSaveFunc,
} from "./editor-hooks.ts";

const log = getLogger("eveditor");

/** Steps of undo history kept. */
const UNDO_MAX = 20;

/**
 * Characters of undo history kept, all steps together: the oldest steps go first
 * (20 copies of a big buffer were kept, and stored again at every line typed).
 */
export const EDITOR_UNDO_MAX_CHARACTERS = 2 * EDITOR_MAX_BUFFER_LENGTH;

export { EDITOR_MAX_BUFFER_LENGTH };

const SAVED = "_eveditor_saved";
const BUFFER = "_eveditor_buffer_temp";
const UNSAVED = "_eveditor_unsaved";
const INDENT = "_eveditor_indent";

/** Options of {@link EvEditor.start}. */
export interface EvEditorOptions {
  /** Gives the starting text (a function or a registered name). */
  loadfunc?: EditorLoadFunc | string | null;
  /** Saves the text; return true when saved (a function or a registered name). */
  savefunc?: EditorSaveFunc | string | null;
  /** Runs when the editor closes (default: says "Exited editor."). */
  quitfunc?: EditorQuitFunc | string | null;
  /** Code mode: indentation commands, `:!` runs this with the buffer. */
  codefunc?: EditorCodeFunc | string | null;
  /** A name shown in the header (`Line Editor [desc]`). */
  key?: string;
  /** Survive reloads (every hook given must be a registered name). */
  persistent?: boolean;
  /** The session to talk to (default: the command's, else the caller's). */
  session?: CommandSession | null;
  /** Your data for the hooks (`editor.data`). */
  data?: Record<string, unknown>;
}

/** What a persistent editor stores to be made again. */
interface SavedEditor {
  options: { loadfunc: string | null; savefunc: string | null; quitfunc: string | null; codefunc: string | null; key: string };
  pristine: string;
  data: Record<string, unknown>;
}

function isTypedObject(caller: EditorCaller): caller is EditorCaller & TypedObject {
  return typeof (caller as { attributes?: unknown }).attributes === "object";
}

function nameOrNull(spec: unknown): string | null {
  return typeof spec === "string" && spec ? spec : null;
}

/** A running line editor. */
export class EvEditor implements EditorHandle {
  /** The session the editor talks to (kept up to date from the player's input). */
  session: CommandSession | null;
  readonly key: string;
  readonly data: Record<string, unknown>;
  /** @internal the command feeding the current line */
  command: Command | null = null;
  /** Lines typed are echoed back (`:echo` toggles). */
  echoMode = true;
  /** Code mode: automatic indentation level (-1: off). */
  indent = 0;
  /** Lines yanked or cut, for `:p`. */
  copyBuffer: string[] = [];
  /** The character of the header and footer lines. */
  sep = "-";
  private buffer = "";
  private pristine = "";
  private unsaved = false;
  private undoBuffer: string[] = [""];
  /** The lines of a buffer, counted once (the echo of every line typed counted all of a big buffer's lines). */
  private counted = { text: "", lines: 1 };
  private undoPos = 0;
  private persistent: boolean;
  private readonly load: EditorLoadFunc | undefined;
  private readonly save: EditorSaveFunc | undefined;
  private readonly quitHook: EditorQuitFunc | undefined;
  private readonly code: EditorCodeFunc | undefined;

  constructor(
    /** Who uses the editor. */
    readonly caller: EditorCaller,
    private readonly options: EvEditorOptions = {},
  ) {
    this.key = options.key ?? "";
    this.session = options.session ?? null;
    this.data = { ...(options.data ?? {}) };
    this.persistent = options.persistent ?? false;
    this.load = resolveEditorFunction(options.loadfunc);
    this.save = resolveEditorFunction(options.savefunc);
    this.quitHook = resolveEditorFunction(options.quitfunc);
    this.code = resolveEditorFunction(options.codefunc);
  }

  /** Open an editor for the caller of `from` (a command) or for `from` itself, and show its buffer. */
  static async start(from: Command | EditorCaller, options: EvEditorOptions = {}): Promise<EvEditor> {
    const command = from instanceof Command ? from : null;
    const caller = command ? command.caller : (from as EditorCaller);
    const editor = new EvEditor(caller, { ...options, session: options.session ?? command?.session ?? null });
    editor.command = command;
    try {
      await editor.open();
    } finally {
      editor.command = null;
    }
    return editor;
  }

  /** True in code mode. */
  get isCodeMode(): boolean {
    return this.code !== undefined;
  }

  /** True while the editor survives reloads. */
  get isPersistent(): boolean {
    return this.persistent;
  }

  /** True when the buffer changed since the last save. */
  get isUnsaved(): boolean {
    return this.unsaved;
  }

  /** The text being edited. */
  getBuffer(): string {
    return this.buffer;
  }

  private async open(): Promise<void> {
    await this.loadBuffer();
    this.pristine = this.buffer;
    this.undoBuffer = [this.buffer];
    this.undoPos = 0;
    this.install();
    if (this.persistent) this.persistent = this.saveSetup();
    this.addCmdSet();
    this.displayBuffer();
  }

  private install(): void {
    const caller = this.caller;
    setRunningEditor(caller, this);
    currentUnitOfWork()?.recordUndo(() => {
      if (runningEditor(caller) === this) setRunningEditor(caller, null);
    });
  }

  private addCmdSet(): void {
    this.caller.cmdset.remove(EvEditorCmdSet);
    this.caller.cmdset.add(EvEditorCmdSet, { persistent: this.persistent });
  }

  /** Load the buffer with `loadfunc` (a non-string result is turned into one, with a warning). */
  async loadBuffer(): Promise<void> {
    if (!this.load) return;
    try {
      const loaded = await this.load(this.caller, this);
      if (loaded === null || loaded === undefined) this.buffer = "";
      else if (typeof loaded === "string") this.buffer = loaded;
      else {
        this.msg(`|rBuffer is of type |w${typeof loaded}|r. Continuing, it is converted to a string (and will be saved as such)!|n`);
        this.buffer = typeof loaded === "object" ? JSON.stringify(loaded) : String(loaded);
      }
    } catch (err) {
      log.error("editor loadfunc failed", err);
      this.msg(`${describe(err)}\n\n|rBuffer load function error. Could not load initial data.|n`);
    }
  }

  private saveSetup(): boolean {
    const o = this.options;
    const functional = (["loadfunc", "savefunc", "quitfunc", "codefunc"] as const).filter((k) => typeof o[k] === "function");
    const reason = !isTypedObject(this.caller)
      ? "a session cannot keep an editor across reloads"
      : functional.length
        ? `${functional.join(", ")} must be registered names (registerEditorFunction), not functions`
        : null;
    if (reason === null) {
      try {
        const saved: SavedEditor = {
          options: { loadfunc: nameOrNull(o.loadfunc), savefunc: nameOrNull(o.savefunc), quitfunc: nameOrNull(o.quitfunc), codefunc: nameOrNull(o.codefunc), key: this.key },
          pristine: this.pristine,
          data: this.data,
        };
        const caller = this.caller as TypedObject;
        caller.attributes.add(SAVED, saved);
        this.persistState();
        return true;
      } catch (err) {
        if (!isEvenniaError(err, "EV_ERR_SERIALIZE")) throw err;
        return this.notPersistent(err.message);
      }
    }
    return this.notPersistent(reason);
  }

  private notPersistent(reason: string): false {
    this.msg(`${reason}\n\n|rThe editor state could not be saved for persistent mode. Switching to non-persistent mode (which means the editor session won't survive an eventual server reload - so save often!)|n`);
    return false;
  }

  private persistState(): void {
    if (!isTypedObject(this.caller)) return;
    this.caller.attributes.add(BUFFER, [this.buffer, this.undoBuffer, this.undoPos]);
    this.caller.attributes.add(UNSAVED, this.unsaved);
    this.caller.attributes.add(INDENT, this.indent);
  }

  /** Send `text` to the player. */
  msg(text: string): void {
    if (this.session) this.session.msg(text);
    else this.caller.msg(text);
  }

  /**
   * Replace the buffer (a string or lines), recording an undo step and marking it unsaved when it changed.
   *
   * @throws EvenniaError `EV_ERR_LIMIT` (the buffer unchanged) when the change would make the buffer
   * longer than {@link EDITOR_MAX_BUFFER_LENGTH} (a longer loaded buffer may still shrink).
   */
  updateBuffer(buf: string | readonly string[]): void {
    const text = typeof buf === "string" ? buf : buf.join("\n");
    if (text === this.buffer) return;
    if (text.length > EDITOR_MAX_BUFFER_LENGTH && text.length > this.buffer.length) {
      throw new EvenniaError("EV_ERR_LIMIT", `|rThe buffer would be longer than ${EDITOR_MAX_BUFFER_LENGTH} characters: nothing was changed.|n`);
    }
    this.buffer = text;
    this.updateUndo();
    this.unsaved = true;
    if (this.persistent) this.persistState();
  }

  /** Undo (`step` < 0) or redo (`step` > 0) one step; without a step, record the buffer as a new step. */
  updateUndo(step?: number): void {
    if (step !== undefined && step < 0) {
      if (this.undoPos <= 0) this.msg("Nothing to undo.");
      else {
        this.undoPos = Math.max(0, this.undoPos + step);
        this.buffer = this.undoBuffer[this.undoPos]!;
        this.unsaved = true;
        this.msg("Undid one step.");
      }
    } else if (step !== undefined && step > 0) {
      if (this.undoPos >= this.undoBuffer.length - 1) this.msg("Nothing to redo.");
      else {
        this.undoPos = Math.min(this.undoPos + step, this.undoBuffer.length - 1);
        this.buffer = this.undoBuffer[this.undoPos]!;
        this.unsaved = true;
        this.msg("Redid one step.");
      }
    }
    if (this.buffer !== this.undoBuffer[this.undoPos]) {
      this.undoBuffer = capUndo([...this.undoBuffer.slice(0, this.undoPos + 1), this.buffer]);
      this.undoPos = this.undoBuffer.length - 1;
    }
    if (step !== undefined && this.persistent) this.persistState();
  }

  /** Put the buffer back as it was when the editor opened (one undoable step). */
  resetBuffer(): void {
    this.updateBuffer(this.pristine);
  }

  /**
   * Save with `savefunc` (code is always saved; unchanged text is not). True when
   * the text is safe: saved (`savefunc` returned true), or nothing needed saving.
   */
  async saveBuffer(): Promise<boolean> {
    if (!this.unsaved && !this.code) {
      this.msg("No changes need saving");
      return true;
    }
    if (!this.save) {
      this.msg("|rNo save function defined. Buffer cannot be saved.|n");
      return false;
    }
    try {
      if (await this.save(this.caller, this.buffer, this)) {
        this.unsaved = false;
        if (this.persistent) this.persistState();
        return true;
      }
      return false;
    } catch (err) {
      if (!isEvenniaError(err, "EV_ERR_BAD_INPUT")) log.error("editor savefunc failed", err);
      this.msg(`${describe(err)}\n\n|rSave function returned an error. Buffer not saved.|n`);
      return false;
    }
  }

  /**
   * Save, then close the editor (`:wq`, and `:q` answered yes) — only when the save
   * worked: a save that failed (the hook threw, or the object is gone) leaves the
   * editor open with the text, so that nothing typed is lost.
   */
  async saveAndQuit(): Promise<void> {
    if (await this.saveBuffer()) await this.quit();
    else this.msg(EDITOR_KEPT_OPEN);
  }

  /** Close the editor: `quitfunc` runs (default: "Exited editor."), the cmdset and saved state go. */
  async quit(): Promise<void> {
    try {
      if (this.quitHook) await this.quitHook(this.caller, this);
      else this.msg("Exited editor.");
    } catch (err) {
      log.error("editor quitfunc failed", err);
      this.msg(`${describe(err)}\n\n|rQuit function gave an error. Skipping.|n`);
    }
    const caller = this.caller;
    if (runningEditor(caller) === this) setRunningEditor(caller, null);
    if (isTypedObject(caller)) for (const key of [BUFFER, SAVED, UNSAVED, INDENT]) caller.attributes.remove(key);
    caller.cmdset.remove(EvEditorCmdSet);
  }

  /** Run the buffer with `codefunc` (code mode; `:!`). */
  async runCode(): Promise<void> {
    if (this.code) await this.code(this.caller, this.buffer, this);
  }

  /** Show the buffer, or `lines` of it starting at line `offset` (0-based); `linenums` false for the raw view. */
  displayBuffer(options: { lines?: readonly string[]; offset?: number; linenums?: boolean } = {}): void {
    const lines = options.lines ? [...options.lines] : this.buffer.split("\n");
    const text = lines.join("\n");
    const offset = options.offset ?? 0;
    const nwords = text.split(/\s+/).filter(Boolean).length;
    const header = `|n${this.sep.repeat(10)}Line Editor [${this.key}]${this.sep.repeat(Math.max(0, EDITOR_WIDTH - 24 - this.key.length))}`;
    const counts = `[l:${pad(lines.length, 2)} w:${pad(nwords, 3)} c:${pad(text.length, 4)}]`;
    const footer = `|n${this.sep.repeat(10)}${counts}${this.sep.repeat(12)}(:h for help)${this.sep.repeat(EDITOR_WIDTH - 54)}`;
    const main = options.linenums === false ? lines.map(escapeMarkup).join("\n") : lines.map((line, i) => `|b${pad(i + 1 + offset, 2)}|||n ${escapeMarkup(line)}`).join("\n");
    this.msg(`${header}\n${main}\n${footer}`);
  }

  /** Show the editor's help (with the code-mode commands in code mode). */
  displayHelp(): void {
    this.msg(editorHelp(this.isCodeMode, EDITOR_WIDTH, this.sep));
  }

  /**
   * Code mode with automatic indentation on: indent `line` to the current level.
   * A line starting with a closing bracket (`}`, `)`, `]`) goes one level back; a
   * line ending with an opening one (`{`, `(`, `[`) makes the next lines one deeper.
   */
  deduceIndent(line: string): string {
    const trimmed = line.trim();
    if (/^[}\])]/.test(trimmed)) this.indent = Math.max(0, this.indent - 1);
    const indented = " ".repeat(4 * this.indent) + line;
    if (/[{[(]$/.test(trimmed)) this.indent++;
    if (this.persistent) this.persistState();
    return indented;
  }

  /** One level less of automatic indentation. */
  decreaseIndent(): void {
    if (this.code && this.indent > 0) {
      this.indent--;
      if (this.persistent) this.persistState();
    }
  }

  /** One level more of automatic indentation. */
  increaseIndent(): void {
    if (this.code && this.indent >= 0) {
      this.indent++;
      if (this.persistent) this.persistState();
    }
  }

  /** Turn automatic indentation off, or back on (at level 0). */
  swapAutoindent(): void {
    if (!this.code) return;
    this.indent = this.indent >= 0 ? -1 : 0;
    if (this.persistent) this.persistState();
  }

  /** Add a line typed by the player to the end of the buffer (indented in code mode), echoing it. */
  addLine(raw: string): void {
    let line = trimLineBreaks(raw);
    const indentBefore = this.indent;
    const linesBefore = this.buffer ? this.lineCount() : 0;
    if (this.code && this.indent >= 0) line = this.deduceIndent(line);
    try {
      this.updateBuffer(this.buffer ? `${this.buffer}\n${line}` : line);
    } catch (err) {
      this.indent = indentBefore;
      throw err;
    }
    this.counted = { text: this.buffer, lines: linesBefore + countLines(line) };
    if (!this.echoMode) return;
    const cline = this.counted.lines;
    if (this.code) this.msg(`|b${pad(cline, 2)}|||n (|g${this.indent < 0 ? "off" : this.indent}|n) ${escapeMarkup(line)}`);
    else this.msg(`|b${pad(cline, 2)}|||n ${escapeMarkup(line)}`);
  }

  /** Lines in the buffer (counted again only when the buffer is another string). */
  private lineCount(): number {
    if (this.counted.text !== this.buffer) this.counted = { text: this.buffer, lines: countLines(this.buffer) };
    return this.counted.lines;
  }

  /** @internal make a saved editor again (after a reload) */
  static async restore(caller: EditorCaller, session: CommandSession | null): Promise<EvEditor | null> {
    if (!isTypedObject(caller)) return null;
    const saved = caller.attributes.get<SavedEditor>(SAVED);
    if (!saved || typeof saved !== "object" || !saved.options || typeof saved.options !== "object") {
      if (saved !== undefined || caller.attributes.has(BUFFER)) dropLostEditor(caller, session, "its saved state is damaged");
      return null;
    }
    let editor: EvEditor;
    try {
      editor = new EvEditor(caller, { ...saved.options, persistent: true, session, data: saved.data ?? {} });
    } catch (err) {
      if (!isEvenniaError(err, "EV_ERR_NOT_FOUND")) throw err;
      dropLostEditor(caller, session, err.message);
      return null;
    }
    const stored = caller.attributes.get<unknown>(BUFFER);
    const [buffer, undo, pos] = Array.isArray(stored) ? stored : ["", [""], 0];
    editor.buffer = typeof buffer === "string" ? buffer : "";
    const steps = Array.isArray(undo) && undo.length ? undo.map(String) : [editor.buffer];
    editor.undoBuffer = capUndo(steps);
    // the oldest steps dropped by the cap move the saved position back
    const undoPos = Number(pos) - (steps.length - editor.undoBuffer.length);
    editor.undoPos = Number.isInteger(undoPos) && undoPos >= 0 && undoPos < editor.undoBuffer.length ? undoPos : editor.undoBuffer.length - 1;
    editor.unsaved = caller.attributes.get<boolean>(UNSAVED) === true;
    const indent = Number(caller.attributes.get<number>(INDENT));
    editor.indent = Number.isFinite(indent) ? indent : 0;
    editor.pristine = typeof saved.pristine === "string" ? saved.pristine : "";
    editor.install();
    editor.addCmdSet();
    return editor;
  }
}

/** Told when a save failed at `:wq` (or `:q` answered yes). */
export const EDITOR_KEPT_OPEN = "|rThe editor stays open so that your text is not lost: fix the problem and :wq again, or :q! to leave without saving.|n";

/** The newest undo steps whose characters together fit {@link EDITOR_UNDO_MAX_CHARACTERS} (at most 20, the newest always). */
function capUndo(steps: readonly string[]): string[] {
  const kept: string[] = [];
  let total = 0;
  for (let i = steps.length - 1; i >= 0 && kept.length < UNDO_MAX; i--) {
    total += steps[i]!.length;
    if (kept.length > 0 && total > EDITOR_UNDO_MAX_CHARACTERS) break;
    kept.unshift(steps[i]!);
  }
  return kept;
}

/**
 * A saved editor that cannot be made again (a hook no longer registered, its state
 * damaged): drop it, but first show the player its text, so that nothing typed is lost.
 */
function dropLostEditor(caller: EditorCaller & TypedObject, session: CommandSession | null, reason: string): void {
  log.warn(`the saved editor of ${String((caller as { key?: unknown }).key)} cannot be made again (${reason}); it is dropped`);
  const stored = caller.attributes.get<unknown>(BUFFER);
  const text = Array.isArray(stored) && typeof stored[0] === "string" ? stored[0] : "";
  if (text) {
    const message = `|rThe editor you were in could not be restored after a server reload (${escapeMarkup(reason)}). Its text, so that nothing is lost:|n\n${escapeMarkup(text)}`;
    if (session) session.msg(message);
    else caller.msg(message);
  }
  for (const key of [BUFFER, SAVED, UNSAVED, INDENT]) caller.attributes.remove(key);
  caller.cmdset.remove(EvEditorCmdSet);
}

/** Lines of `text` (one more than its line breaks), without splitting it. */
function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines++;
  return lines;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Make the saved (persistent) editor of `caller` run again after a reload, and
 * say so (showing the buffer when `show`); false when none is saved.
 */
export async function restoreSavedEditor(caller: EditorCaller, session: CommandSession | null, show = false): Promise<boolean> {
  const editor = await EvEditor.restore(caller, session);
  if (!editor) return false;
  editor.msg("|gThe editor was restored after a server reload.|n");
  if (show) editor.displayBuffer();
  return true;
}

setEditorRestorer((caller, session) => restoreSavedEditor(caller, session));

/** `text` without line breaks at its start and end (linear: a regex anchored at the end is quadratic on a run of them). */
function trimLineBreaks(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === "\n" || text[start] === "\r")) start++;
  while (end > start && (text[end - 1] === "\n" || text[end - 1] === "\r")) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
