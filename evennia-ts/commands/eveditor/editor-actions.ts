/**
 * The editor's `:`-commands, one function each, by name as typed (case matters:
 * `:uu` redoes, `:UU` resets; `:i` inserts a line, `:I` text at a line's start).
 */
import { createContext, runInContext } from "node:vm";
import { EvenniaError, isEvenniaError } from "../../utils/errors.ts";
import { dedent, justify, type JustifyAlign } from "../../utils/text/format.ts";
import type { CommandSession } from "../command.ts";
import { getInput } from "../input-prompt.ts";
import type { EvEditor } from "./editor.ts";
import { EDITOR_MAX_BUFFER_LENGTH, EDITOR_WIDTH, escapeMarkup } from "./editor-text.ts";
import { parseEditorArgs, unquote, type EditorArgs } from "./editor-args.ts";

/** What an action gets. */
export interface EditorActionContext {
  editor: EvEditor;
  /** The arguments, read against the buffer. */
  a: EditorArgs;
  /** The session the line came from. */
  session: CommandSession;
}

type EditorAction = (ctx: EditorActionContext) => void | Promise<void>;

const CODE_ONLY = "This command is only available in code editor mode.";

/** Lines `[start, end)` replaced by `middle`. */
function splice(lines: readonly string[], start: number, end: number, middle: readonly string[]): string[] {
  return [...lines.slice(0, start), ...middle, ...lines.slice(end)];
}

/** Without a line range: the whole buffer (for :s, :dw, :f, :j, :fi, :fd). */
function wholeUnlessRange(a: EditorArgs): [number, number] {
  return a.linerange ? [a.lstart, a.lend] : [0, a.cline + 1];
}

function listText(lines: readonly string[]): string {
  return `[${lines.map((l) => `'${escapeMarkup(l)}'`).join(", ")}]`;
}

/** Escape a string for use in a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The user's search word as a pattern: a valid regular expression as it is, else the literal text. */
function searchPattern(word: string): RegExp {
  try {
    return new RegExp(word, "gm");
  } catch {
    return new RegExp(escapeRegExp(word), "gm");
  }
}

/** How long one search of `:s` or `:dw` may run before it is stopped (a pattern like `(a+)+$` never ends). */
export const EDITOR_SEARCH_TIMEOUT_MS = 250;

/** The widest `:f` / `:j` may fill or justify to (a huge width would build huge lines). */
export const EDITOR_MAX_FILL_WIDTH = 1000;

/** A context of its own, so that a search can be stopped by its timeout. */
const searchContext = createContext({});

/**
 * `text` with every match of `pattern` replaced by `replacement` (taken literally),
 * stopped after {@link EDITOR_SEARCH_TIMEOUT_MS}, or as soon as the result would be
 * longer than `maxLength` (so that a long replacement of every character builds nothing huge).
 *
 * @throws EvenniaError `EV_ERR_LIMIT` when the search takes longer than that, or the result would be too long.
 */
export function replaceWithin(text: string, pattern: RegExp, replacement: string, maxLength = EDITOR_MAX_BUFFER_LENGTH, timeoutMs = EDITOR_SEARCH_TIMEOUT_MS): string {
  const sandbox = searchContext as { text?: string; pattern?: RegExp; replacer?: (match: string) => string };
  let length = text.length;
  const replacer = (match: string): string => {
    length += replacement.length - match.length;
    if (length > maxLength && length > text.length) {
      throw new EvenniaError("EV_ERR_LIMIT", `|rThe buffer would be longer than ${maxLength} characters: nothing was changed.|n`);
    }
    return replacement;
  };
  Object.assign(sandbox, { text, pattern, replacer });
  try {
    return runInContext("text.replace(pattern, replacer)", searchContext, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as string;
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new EvenniaError("EV_ERR_LIMIT", "The search took too long and was stopped: use a simpler pattern.");
    }
    throw err;
  } finally {
    delete sandbox.text;
    delete sandbox.pattern;
    delete sandbox.replacer;
  }
}

/**
 * Milliseconds of searching (`:s`, `:dw`) one caller may use in a minute. Each search
 * is stopped after {@link EDITOR_SEARCH_TIMEOUT_MS}, but the server waits meanwhile:
 * `:s (a+)+$ x` sent ten times a second held it 2.5 s of every second.
 */
export const EDITOR_SEARCH_BUDGET_MS = 1000;
const SEARCH_BUDGET_WINDOW_MS = 60_000;
/** Searching time used by each caller in its current window. */
const searchTimeUsed = new WeakMap<object, { since: number; used: number }>();

/** `:s` / `:dw` replacing in `area`, or undefined (the player told why) when the search was stopped or refused. */
function searchReplace(editor: EvEditor, area: string, pattern: RegExp, replacement: string): string | undefined {
  const now = Date.now();
  let spent = searchTimeUsed.get(editor.caller);
  if (!spent || now - spent.since >= SEARCH_BUDGET_WINDOW_MS) {
    spent = { since: now, used: 0 };
    searchTimeUsed.set(editor.caller, spent);
  }
  const left = EDITOR_SEARCH_BUDGET_MS - spent.used;
  if (left <= 0) {
    editor.msg("|rYour searches took too long lately: wait a minute before searching again.|n");
    return undefined;
  }
  const started = performance.now();
  try {
    return replaceWithin(area, pattern, replacement, EDITOR_MAX_BUFFER_LENGTH, Math.min(EDITOR_SEARCH_TIMEOUT_MS, left));
  } catch (err) {
    if (!isEvenniaError(err, "EV_ERR_LIMIT")) throw err;
    editor.msg(err.message);
    return undefined;
  } finally {
    spent.used += performance.now() - started;
  }
}

/** A fill width as typed (`= 40`, `40`), or undefined (the player told why) when it is not a sensible number. */
function fillWidth(editor: EvEditor, word: string): number | undefined {
  const value = word.replace(/^=\s*/, "").trim();
  if (!/^\d+$/.test(value)) {
    editor.msg("Width must be a number.");
    return undefined;
  }
  if (Number(value) < 1 || Number(value) > EDITOR_MAX_FILL_WIDTH) {
    editor.msg(`Width must be from 1 to ${EDITOR_MAX_FILL_WIDTH}.`);
    return undefined;
  }
  return Number(value);
}

/**
 * Refuse an edit adding `perLine` characters to each of `lines` lines before it is
 * built: `:A 1:150000 <5000 characters>` built a string of 750 million characters
 * (or failed on it) before the buffer's limit was checked.
 *
 * @throws EvenniaError `EV_ERR_LIMIT` when the buffer would be longer than {@link EDITOR_MAX_BUFFER_LENGTH}.
 */
function refuseGrowth(editor: EvEditor, lines: number, perLine: number): void {
  const grown = editor.getBuffer().length + lines * perLine;
  if (perLine > 0 && grown > EDITOR_MAX_BUFFER_LENGTH) {
    throw new EvenniaError("EV_ERR_LIMIT", `|rThe buffer would be longer than ${EDITOR_MAX_BUFFER_LENGTH} characters: nothing was changed.|n`);
  }
}

const ALIGNS: Record<string, JustifyAlign> = { full: "f", f: "f", center: "c", c: "c", right: "r", r: "r", left: "l", l: "l" };
const ALIGN_NAMES: Record<JustifyAlign, string> = { f: "Full", c: "Center", l: "Left", r: "Right" };

/** Every `:`-command by its exact name. */
export const EDITOR_ACTIONS: Record<string, EditorAction> = {
  ":": ({ editor, a }) => {
    if (a.linerange) editor.displayBuffer({ lines: a.linebuffer.slice(a.lstart, a.lend), offset: a.lstart });
    else editor.displayBuffer();
  },
  "::": ({ editor, a }) => {
    if (a.linerange) editor.displayBuffer({ lines: a.linebuffer.slice(a.lstart, a.lend), offset: a.lstart, linenums: false });
    else editor.displayBuffer({ linenums: false });
  },
  ":::": ({ editor }) => {
    const buffer = editor.getBuffer();
    editor.updateBuffer(buffer ? `${buffer}\n:` : ":");
    if (editor.echoMode) editor.msg("Single ':' added to buffer.");
  },
  ":h": ({ editor }) => editor.displayHelp(),
  ":w": async ({ editor }) => {
    await editor.saveBuffer();
  },
  ":wq": ({ editor }) => editor.saveAndQuit(),
  ":q": ({ editor, session }) => {
    if (!editor.isUnsaved) return editor.quit();
    getInput(session, "Save before quitting? |lcyes|lt[Y]|le/|lcno|ltN|le", async (answer) => {
      const word = answer.trim().toLowerCase();
      if (word === "no" || word === "n") await editor.quit();
      else await editor.saveAndQuit();
    });
  },
  ":q!": ({ editor }) => editor.quit(),
  ":u": ({ editor }) => editor.updateUndo(-1),
  ":uu": ({ editor }) => editor.updateUndo(1),
  ":UU": ({ editor }) => {
    editor.resetBuffer();
    editor.msg("Reverted all changes to the buffer back to original state.");
  },
  ":dd": ({ editor, a }) => {
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lend, []));
    editor.msg(`Deleted ${a.lstr}.`);
  },
  ":dw": ({ editor, a }) => {
    if (!a.arg1) {
      editor.msg("You must give a search word to delete.");
      return;
    }
    const word = unquote(a.arg1);
    const [start, end] = wholeUnlessRange(a);
    const area = searchReplace(editor, a.linebuffer.slice(start, end).join("\n"), searchPattern(word), "");
    if (area === undefined) return;
    editor.msg(a.linerange ? `Removed ${escapeMarkup(word)} for ${a.lstr}.` : `Removed ${escapeMarkup(word)} for lines ${start + 1}-${end}.`);
    editor.updateBuffer(splice(a.linebuffer, start, end, area.split("\n")));
  },
  ":DD": ({ editor, a }) => {
    editor.updateBuffer("");
    if (editor.isCodeMode && editor.indent >= 0) editor.indent = 0;
    editor.msg(`Cleared ${a.nlines} lines from buffer.`);
  },
  ":y": ({ editor, a }) => {
    editor.copyBuffer = a.linebuffer.slice(a.lstart, a.lend);
    editor.msg(`${capitalize(a.lstr)}, ${listText(editor.copyBuffer)} yanked.`);
  },
  ":x": ({ editor, a }) => {
    editor.copyBuffer = a.linebuffer.slice(a.lstart, a.lend);
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lend, []));
    editor.msg(`${capitalize(a.lstr)}, ${listText(editor.copyBuffer)} cut.`);
  },
  ":p": ({ editor, a }) => {
    if (editor.copyBuffer.length === 0) {
      editor.msg("Copy buffer is empty.");
      return;
    }
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lstart, editor.copyBuffer));
    editor.msg(`Pasted buffer ${listText(editor.copyBuffer)} to ${a.lstr}.`);
  },
  ":i": ({ editor, a }) => {
    const lines = a.args.split("\n");
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lstart, lines));
    editor.msg(`Inserted ${lines.length} new line(s) at ${a.lstr}.`);
  },
  ":r": ({ editor, a }) => {
    const lines = a.args.split("\n");
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lend, lines));
    editor.msg(`Replaced ${lines.length} line(s) at ${a.lstr}.`);
  },
  ":I": ({ editor, a }) => {
    if (!a.args && !editor.isCodeMode) {
      editor.msg("You need to enter text to insert.");
      return;
    }
    refuseGrowth(editor, a.lend - a.lstart, a.args.length);
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lend, a.linebuffer.slice(a.lstart, a.lend).map((l) => a.args + l)));
    editor.msg(`Inserted text at beginning of ${a.lstr}.`);
  },
  ":A": ({ editor, a }) => {
    if (!a.args) {
      editor.msg("You need to enter text to append.");
      return;
    }
    refuseGrowth(editor, a.lend - a.lstart, a.args.length);
    editor.updateBuffer(splice(a.linebuffer, a.lstart, a.lend, a.linebuffer.slice(a.lstart, a.lend).map((l) => l + a.args)));
    editor.msg(`Appended text to end of ${a.lstr}.`);
  },
  ":s": ({ editor, a }) => {
    if (!a.arg1 || !a.arg2) {
      editor.msg("You must give a search word and something to replace it with.");
      return;
    }
    const [start, end] = wholeUnlessRange(a);
    const word = unquote(a.arg1);
    const replacement = unquote(a.arg2);
    const source = word.includes(" ") ? word.replaceAll(" ", " +") : word;
    let pattern: RegExp;
    try {
      pattern = new RegExp(source, "gm");
    } catch {
      editor.msg("Invalid regular expression.");
      return;
    }
    const area = searchReplace(editor, a.linebuffer.slice(start, end).join("\n"), pattern, replacement);
    if (area === undefined) return;
    editor.msg(
      a.linerange
        ? `Search-replaced ${escapeMarkup(a.arg1)} -> ${escapeMarkup(a.arg2)} for ${a.lstr}.`
        : `Search-replaced ${escapeMarkup(a.arg1)} -> ${escapeMarkup(a.arg2)} for lines ${start + 1}-${end}.`,
    );
    editor.updateBuffer(splice(a.linebuffer, start, end, area.split("\n")));
  },
  ":f": ({ editor, a }) => {
    let width = EDITOR_WIDTH;
    if (a.arg1) {
      const chosen = fillWidth(editor, a.args);
      if (chosen === undefined) return;
      width = chosen;
    }
    const [start, end] = wholeUnlessRange(a);
    editor.msg(a.linerange ? `Flood filled ${a.lstr}.` : `Flood filled lines ${start + 1}-${end}.`);
    const filled = justify(a.linebuffer.slice(start, end).join("\n"), width, "l").split("\n").map((l) => l.trimEnd());
    editor.updateBuffer(splice(a.linebuffer, start, end, filled));
  },
  ":j": ({ editor, a }) => {
    let alignWord = a.arg1;
    let widthWord = a.arg2;
    if (alignWord.startsWith("=")) {
      widthWord = a.args;
      alignWord = "";
    }
    if (alignWord && !(alignWord.toLowerCase() in ALIGNS)) {
      editor.msg("Valid justifications are [f]ull (default), [c]enter, [r]right or [l]eft");
      return;
    }
    const align = alignWord ? ALIGNS[alignWord.toLowerCase()]! : "l";
    let width = EDITOR_WIDTH;
    if (widthWord) {
      const chosen = fillWidth(editor, widthWord);
      if (chosen === undefined) return;
      width = chosen;
    }
    const [start, end] = wholeUnlessRange(a);
    editor.msg(a.linerange ? `${ALIGN_NAMES[align]}-justified ${a.lstr}.` : `${ALIGN_NAMES[align]}-justified lines ${start + 1}-${end}.`);
    const justified = justify(a.linebuffer.slice(start, end).join("\n"), width, align).split("\n");
    editor.updateBuffer(splice(a.linebuffer, start, end, align === "l" ? justified.map((l) => l.trimEnd()) : justified));
  },
  ":fi": ({ editor, a }) => {
    const [start, end] = wholeUnlessRange(a);
    refuseGrowth(editor, end - start, 4);
    editor.msg(a.linerange ? `Indented ${a.lstr}.` : `Indented lines ${start + 1}-${end}.`);
    editor.updateBuffer(splice(a.linebuffer, start, end, a.linebuffer.slice(start, end).map((l) => `    ${l}`)));
  },
  ":fd": ({ editor, a }) => {
    const [start, end] = wholeUnlessRange(a);
    editor.msg(a.linerange ? `Removed left margin (dedented) ${a.lstr}.` : `Removed left margin (dedented) lines ${start + 1}-${end}.`);
    editor.updateBuffer(splice(a.linebuffer, start, end, dedent(a.linebuffer.slice(start, end).join("\n")).split("\n")));
  },
  ":echo": ({ editor }) => {
    editor.echoMode = !editor.echoMode;
    editor.msg(`Echo mode set to ${editor.echoMode ? "True" : "False"}`);
  },
  ":!": ({ editor }) => {
    if (!editor.isCodeMode) editor.msg(CODE_ONLY);
    else return editor.runCode();
  },
  ":<": ({ editor }) => {
    if (!editor.isCodeMode) return editor.msg(CODE_ONLY);
    editor.decreaseIndent();
    editor.msg(editor.indent >= 0 ? `Decreased indentation: new indentation is ${editor.indent}.` : "|rManual indentation is OFF.|n Use := to turn it on.");
  },
  ":>": ({ editor }) => {
    if (!editor.isCodeMode) return editor.msg(CODE_ONLY);
    editor.increaseIndent();
    editor.msg(editor.indent >= 0 ? `Increased indentation: new indentation is ${editor.indent}.` : "|rManual indentation is OFF.|n Use := to turn it on.");
  },
  ":=": ({ editor }) => {
    if (!editor.isCodeMode) return editor.msg(CODE_ONLY);
    editor.swapAutoindent();
    editor.msg(editor.indent >= 0 ? "Auto-indentation turned on." : "Auto-indentation turned off.");
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Every command name, for the cmdset (lower-cased names collapse: `:uu`/`:UU` are one alias). */
export const EDITOR_COMMAND_NAMES = Object.keys(EDITOR_ACTIONS);

/** Run `:`-command `name` (as typed) with `args` on `editor`; false when there is no such command. */
export async function runEditorAction(editor: EvEditor, name: string, args: string, session: CommandSession): Promise<boolean> {
  const action = EDITOR_ACTIONS[name];
  if (!action) return false;
  await action({ editor, a: parseEditorArgs(args, editor.getBuffer()), session });
  return true;
}
