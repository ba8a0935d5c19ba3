/**
 * The cmdset an editor puts on its caller (Evennia's `EvEditorCmdSet`, priority
 * 150, `Replace`): a line that is not a `:`-command is added to the buffer, an
 * empty line adds an empty line, and the `:`-commands edit, save and quit.
 *
 * The running editor of a caller is found here too (`runningEditor`). A line
 * reaching a caller whose editor is gone from memory (after a reload) makes the
 * saved one again, when there is one.
 */
import { CmdSet } from "../cmdset.ts";
import { registerCmdSet } from "../cmdset-registry.ts";
import { isEvenniaError } from "../../utils/errors.ts";
import { Command, type CommandSession } from "../command.ts";
import { CMD_NOINPUT, CMD_NOMATCH } from "../system-commands.ts";
import { EDITOR_COMMAND_NAMES, runEditorAction } from "./editor-actions.ts";
import type { EvEditor } from "./editor.ts";
import type { EditorCaller } from "./editor-hooks.ts";

/** Makes a saved (persistent) editor of `caller` again; resolves true when there was one. */
export type EditorRestorer = (caller: EditorCaller, session: CommandSession) => Promise<boolean>;

const running = new WeakMap<object, EvEditor>();
let restorer: EditorRestorer | null = null;

/** The editor `caller` is in, if any. */
export function runningEditor(caller: EditorCaller): EvEditor | undefined {
  return running.get(caller);
}

/** @internal EvEditor records itself (also as `caller.ndb._eveditor`, as Evennia) */
export function setRunningEditor(caller: EditorCaller, editor: EvEditor | null): void {
  const ndb = (caller as { ndb?: Record<string, unknown> }).ndb;
  if (editor) {
    running.set(caller, editor);
    if (ndb) ndb._eveditor = editor;
  } else {
    running.delete(caller);
    if (ndb && "_eveditor" in ndb) delete ndb._eveditor;
  }
}

/** @internal EvEditor installs the function that makes saved editors again */
export function setEditorRestorer(fn: EditorRestorer): void {
  restorer = fn;
}

/** The caller's editor, made again from its saved state if need be; null (cmdset removed, player told) when none. */
async function editorOf(cmd: Command): Promise<EvEditor | null> {
  const caller = cmd.caller as EditorCaller;
  let editor = running.get(caller);
  if (!editor && restorer && (await restorer(caller, cmd.session))) editor = running.get(caller);
  if (!editor) {
    caller.cmdset.remove(EvEditorCmdSet);
    cmd.msg("|rThe editor you were in could not be found; you have left it.|n");
    return null;
  }
  editor.session = cmd.session;
  return editor;
}

/** Run an edit; a buffer limit it runs into (`EV_ERR_LIMIT`) is told to the player instead of failing the command. */
async function tellingLimits(editor: EvEditor, edit: () => void | Promise<void>): Promise<void> {
  try {
    await edit();
  } catch (err) {
    if (!isEvenniaError(err, "EV_ERR_LIMIT")) throw err;
    editor.msg(err.message);
  }
}

/** A line that is no `:`-command: added to the buffer as typed. */
export class CmdLineInput extends Command {
  override key = CMD_NOMATCH;
  override locks = "cmd:all()";
  override helpCategory = "lineeditor";
  override autoHelp = false;
  override help = "Adds the line typed to the editor's buffer.";

  override async func(): Promise<void> {
    const editor = await editorOf(this);
    if (editor) await tellingLimits(editor, () => editor.addLine(this.raw));
  }
}

/** An empty line: an empty line in the buffer. */
export class CmdLineNoInput extends CmdLineInput {
  override key = CMD_NOINPUT;
}

/** Every `:`-command of the editor (`:h` lists them). */
export class CmdEditorGroup extends Command {
  override key = ":editor_command_group";
  override aliases = [...new Set(EDITOR_COMMAND_NAMES.map((n) => n.toLowerCase()))];
  override locks = "cmd:all()";
  override helpCategory = "lineeditor";
  override autoHelp = false;
  override argRegex = "\\s.*?|$";
  override help = `The line editor's commands.

Usage:
  :<command> [<line or range>] [<word>] [<text>]

Type :h inside the editor for the full list.

Examples:
  :dd 3
  :s 2 old new`;

  override async func(): Promise<void> {
    const editor = await editorOf(this);
    if (!editor) return;
    // the name as typed, case kept (:uu is redo, :UU reset)
    const name = this.cmdname || this.cmdstring;
    const typed = this.raw.trimStart().slice(0, name.length);
    await tellingLimits(editor, async () => {
      const known = await runEditorAction(editor, typed, this.args, this.session);
      if (!known) editor.addLine(this.raw);
    });
  }
}

/** The editor's cmdset. */
export class EvEditorCmdSet extends CmdSet {
  override key = "editorcmdset";
  override priority = 150;
  override mergeType = "Replace" as const;

  override atCmdsetCreation(): void {
    this.add(CmdLineInput).add(CmdLineNoInput).add(CmdEditorGroup);
  }
}

registerCmdSet("evennia.utils.eveditor.EvEditorCmdSet", EvEditorCmdSet);
