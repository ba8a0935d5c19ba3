/**
 * EvEditor through the real command handler: lines typed by a player on a
 * session, every `:`-command, undo/redo, the save/quit hooks, code mode,
 * persistence across a lost server state, and `desc/edit` / `sethelp/edit`.
 */
import { expect, it } from "vitest";
import { EvEditor } from "../../evennia-ts/commands/eveditor/editor.ts";
import { CmdEditorGroup, runningEditor, setRunningEditor } from "../../evennia-ts/commands/eveditor/editor-cmdset.ts";
import { registerEditorFunction, type EditorCaller } from "../../evennia-ts/commands/eveditor/editor-hooks.ts";
import { findDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { callCommand, worldCommandHandler } from "../../evennia-ts/testing/call-command.ts";
import { CmdDesc } from "../../evennia-ts/commands/default/building/name-desc.ts";
import { CmdSetHelp } from "../../evennia-ts/commands/default/help.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import "../../evennia-ts/commands/default/cmdsets.ts";
import { resumeInteractive } from "../../evennia-ts/server/resume-interactive.ts";

/** Type `line` as char1's player; what the session got back. */
async function type(world: TestWorld, line: string, session = world.session1): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

const saved: string[] = [];
const quits: string[] = [];
registerEditorFunction("test.editor.load", (caller: EditorCaller) => String((caller as DefaultObject).db.notes ?? ""));
registerEditorFunction("test.editor.save", (caller: EditorCaller, buffer: string) => {
  (caller as DefaultObject).db.notes = buffer;
  saved.push(buffer);
  caller.msg("Notes saved.");
  return true;
});
registerEditorFunction("test.editor.quit", (caller: EditorCaller) => {
  quits.push("quit");
  caller.msg("Left the notes.");
});

async function openNotes(world: TestWorld, notes: string, extra: Parameters<typeof EvEditor.start>[1] = {}): Promise<EvEditor> {
  return world.unit(async () => {
    world.char1.db.notes = notes;
    return EvEditor.start(world.char1, { key: "notes", loadfunc: "test.editor.load", savefunc: "test.editor.save", quitfunc: "test.editor.quit", session: world.session1, ...extra });
  });
}

describeWithWorld("EvEditor", (w) => {
  it("opens with the buffer shown, adds typed lines, and takes over input (look is a line)", async () => {
    world(w);
    const editor = await openNotes(w.world, "first");
    expect(w.world.text(w.world.session1)).toMatch(/-{10}Line Editor \[notes\]/);
    expect(w.world.text(w.world.session1)).toContain("01| first");
    expect(w.world.text(w.world.session1)).toContain("[l:01 w:001 c:0005]");
    expect(await type(w.world, "second line")).toBe("02| second line");
    expect(await type(w.world, "look")).toBe("03| look");
    expect(await type(w.world, "")).toBe("04| ");
    expect(editor.getBuffer()).toBe("first\nsecond line\nlook\n");
    expect(await type(w.world, ":")).toContain("03| look");
    expect(await type(w.world, ": 2")).toMatch(/02\| second line\n/);
    expect(await type(w.world, ":: 2")).not.toContain("02|");
  });

  it(":w saves through savefunc, :q quits at once when saved, quitfunc runs and the cmdset goes", async () => {
    await openNotes(w.world, "");
    await type(w.world, "hello");
    expect(await type(w.world, ":w")).toBe("Notes saved.");
    expect(w.world.char1.db.notes).toBe("hello");
    expect(await type(w.world, ":w")).toBe("No changes need saving");
    expect(await type(w.world, ":q")).toBe("Left the notes.");
    expect(runningEditor(w.world.char1)).toBeUndefined();
    expect(w.world.char1.cmdset.has("editorcmdset")).toBe(false);
    expect(await type(w.world, "look")).toContain("Room");
  });

  it(":q with unsaved changes asks; no quits without saving, return saves", async () => {
    await openNotes(w.world, "old");
    await type(w.world, "new");
    expect(await type(w.world, ":q")).toBe("");
    // asked as a prompt: the next line answers
    expect(JSON.stringify(w.world.output(w.world.session1))).toContain("Save before quitting?");
    expect(await type(w.world, "n")).toBe("Left the notes.");
    expect(w.world.char1.db.notes).toBe("old");
    await openNotes(w.world, "old");
    await type(w.world, "new");
    await type(w.world, ":q");
    expect(await type(w.world, "")).toBe("Notes saved.\nLeft the notes.");
    expect(w.world.char1.db.notes).toBe("old\nnew");
  });

  it("callCommand with inputs answers the :q question", async () => {
    await openNotes(w.world, "start");
    await type(w.world, "changed");
    const out = await callCommand(w.world, CmdEditorGroup, "", undefined, { cmdstring: ":q", inputs: ["no"] });
    expect(out.text).toBe("Left the notes.");
    expect(w.world.char1.db.notes).toBe("start");
    expect(runningEditor(w.world.char1)).toBeUndefined();
  });

  it(":wq saves and quits; :q! quits without saving", async () => {
    await openNotes(w.world, "a");
    await type(w.world, "b");
    expect(await type(w.world, ":wq")).toBe("Notes saved.\nLeft the notes.");
    expect(w.world.char1.db.notes).toBe("a\nb");
    await openNotes(w.world, "a");
    await type(w.world, "c");
    expect(await type(w.world, ":q!")).toBe("Left the notes.");
    expect(w.world.char1.db.notes).toBe("a");
  });

  it("undo, redo and reset", async () => {
    const editor = await openNotes(w.world, "one");
    await type(w.world, "two");
    await type(w.world, "three");
    expect(await type(w.world, ":u")).toBe("Undid one step.");
    expect(editor.getBuffer()).toBe("one\ntwo");
    await type(w.world, ":u");
    expect(await type(w.world, ":u")).toBe("Nothing to undo.");
    expect(editor.getBuffer()).toBe("one");
    expect(await type(w.world, ":uu")).toBe("Redid one step.");
    await type(w.world, ":uu");
    expect(editor.getBuffer()).toBe("one\ntwo\nthree");
    expect(await type(w.world, ":uu")).toBe("Nothing to redo.");
    expect(await type(w.world, ":UU")).toBe("Reverted all changes to the buffer back to original state.");
    expect(editor.getBuffer()).toBe("one");
    await type(w.world, ":u");
    expect(editor.getBuffer()).toBe("one\ntwo\nthree");
  });

  it("deletes, yanks, cuts, pastes, inserts and replaces lines", async () => {
    const editor = await openNotes(w.world, "l1\nl2\nl3\nl4");
    expect(await type(w.world, ":dd 2")).toBe("Deleted line 2.");
    expect(editor.getBuffer()).toBe("l1\nl3\nl4");
    expect(await type(w.world, ":dd")).toBe("Deleted line 3.");
    expect(editor.getBuffer()).toBe("l1\nl3");
    expect(await type(w.world, ":y 1")).toBe("Line 1, ['l1'] yanked.");
    expect(await type(w.world, ":p 2")).toBe("Pasted buffer ['l1'] to line 2.");
    expect(editor.getBuffer()).toBe("l1\nl1\nl3");
    expect(await type(w.world, ":x 1:2")).toBe("Lines 1-2, ['l1', 'l1'] cut.");
    expect(editor.getBuffer()).toBe("l3");
    await type(w.world, ":p 1");
    expect(editor.getBuffer()).toBe("l1\nl1\nl3");
    expect(await type(w.world, ":i 2 inserted text")).toBe("Inserted 1 new line(s) at line 2.");
    expect(editor.getBuffer()).toBe("l1\ninserted text\nl1\nl3");
    expect(await type(w.world, ":r 3 replaced")).toBe("Replaced 1 line(s) at line 3.");
    expect(editor.getBuffer()).toBe("l1\ninserted text\nreplaced\nl3");
    expect(await type(w.world, ":I 1 >> ")).toBe("Inserted text at beginning of line 1.");
    expect(await type(w.world, ":A 1 <<")).toBe("Appended text to end of line 1.");
    expect(editor.getBuffer().split("\n")[0]).toBe(">>l1<<");
    expect(await type(w.world, ":A 1")).toBe("You need to enter text to append.");
    expect(await type(w.world, ":DD")).toBe("Cleared 4 lines from buffer.");
    expect(editor.getBuffer()).toBe("");
    expect(await type(w.world, ":p")).toContain("Pasted buffer");
    expect(await type(w.world, ":::")).toBe("Single ':' added to buffer.");
    // pasted before the last (empty) line, as Evennia does
    expect(editor.getBuffer()).toBe("l1\nl1\n\n:");
  });

  it("deletes words, search-replaces, and refuses a bad regular expression", async () => {
    const editor = await openNotes(w.world, "the cat sat\non the mat\nthe end");
    expect(await type(w.world, ":dw the")).toBe("Removed the for lines 1-3.");
    expect(editor.getBuffer()).toBe(" cat sat\non  mat\n end");
    expect(await type(w.world, ":dw")).toBe("You must give a search word to delete.");
    await type(w.world, ":u");
    expect(await type(w.world, ":s 2 mat rug")).toBe("Search-replaced mat -> rug for line 2.");
    expect(editor.getBuffer()).toBe("the cat sat\non the rug\nthe end");
    expect(await type(w.world, ':s "the cat" "a dog"')).toBe('Search-replaced "the cat" -> "a dog" for lines 1-3.');
    expect(editor.getBuffer()).toBe("a dog sat\non the rug\nthe end");
    expect(await type(w.world, ":s ( x")).toBe("Invalid regular expression.");
    expect(await type(w.world, ":s onlyone")).toBe("You must give a search word and something to replace it with.");
  });

  it("flood-fills, justifies, indents and dedents", async () => {
    const editor = await openNotes(w.world, "aaa bbb ccc ddd eee\nfff");
    expect(await type(w.world, ":f = 8")).toBe("Flood filled lines 1-2.");
    expect(editor.getBuffer()).toBe("aaa bbb\nccc ddd\neee fff");
    expect(await type(w.world, ":f = x")).toBe("Width must be a number.");
    expect(await type(w.world, ":j 1 r = 10")).toBe("Right-justified line 1.");
    expect(editor.getBuffer().split("\n")[0]).toBe("   aaa bbb");
    expect(await type(w.world, ":j 2 c = 11")).toBe("Center-justified line 2.");
    expect(editor.getBuffer().split("\n")[1]).toBe("  ccc ddd  ");
    expect(await type(w.world, ":j 1:3 q")).toContain("Valid justifications are");
    expect(await type(w.world, ":fi 3")).toBe("Indented line 3.");
    expect(editor.getBuffer().split("\n")[2]).toBe("    eee fff");
    await type(w.world, ":fi");
    expect(await type(w.world, ":fd")).toBe("Removed left margin (dedented) lines 1-3.");
    // the common margin (line 2's six spaces) is gone from every line
    expect(editor.getBuffer().split("\n")).toEqual([" aaa bbb", "ccc ddd  ", "  eee fff"]);
  });

  it("shows its help, toggles echo, and refuses code commands outside code mode", async () => {
    await openNotes(w.world, "");
    const help = await type(w.world, ":h");
    expect(help).toContain(":wq");
    expect(help).toContain("Legend:");
    expect(help).not.toContain(":!    -");
    expect(await type(w.world, ":echo")).toBe("Echo mode set to False");
    expect(await type(w.world, "quiet line")).toBe("");
    for (const c of [":!", ":<", ":>", ":="]) expect(await type(w.world, c)).toBe("This command is only available in code editor mode.");
  });

  it("code mode keeps indentation: braces indent, :> :< := adjust, :! runs the buffer", async () => {
    const ran: string[] = [];
    const editor = await world(w).unit(() =>
      EvEditor.start(w.world.char1, { key: "code", session: w.world.session1, codefunc: (_c, buffer) => void ran.push(buffer), savefunc: () => true }),
    );
    expect(await type(w.world, "function f() {")).toBe("01| (1) function f() {");
    expect(await type(w.world, "return 1;")).toBe("02| (1)     return 1;");
    expect(await type(w.world, "}")).toBe("03| (0) }");
    expect(await type(w.world, ":>")).toBe("Increased indentation: new indentation is 1.");
    await type(w.world, "x();");
    expect(await type(w.world, ":<")).toBe("Decreased indentation: new indentation is 0.");
    expect(await type(w.world, ":=")).toBe("Auto-indentation turned off.");
    expect(await type(w.world, "  raw")).toBe("05| (off)   raw");
    expect(await type(w.world, ":>")).toContain("Manual indentation is OFF.");
    expect(await type(w.world, ":=")).toBe("Auto-indentation turned on.");
    expect(editor.getBuffer()).toBe("function f() {\n    return 1;\n}\n    x();\n  raw");
    await type(w.world, ":!");
    expect(ran).toEqual([editor.getBuffer()]);
    expect(await type(w.world, ":h")).toContain(":!    -");
  });

  it("a persistent editor is made again from its saved state when the server forgot it", async () => {
    await openNotes(w.world, "kept", { persistent: true });
    await type(w.world, "more");
    await type(w.world, "even more");
    await type(w.world, ":u");
    // the server's memory of the editor is lost, as in a reload; the stored state is not
    setRunningEditor(w.world.char1, null);
    const out = await type(w.world, "after reload");
    expect(out).toContain("The editor was restored after a server reload.");
    const editor = runningEditor(w.world.char1)!;
    expect(editor.getBuffer()).toBe("kept\nmore\nafter reload");
    await type(w.world, ":u");
    expect(editor.getBuffer()).toBe("kept\nmore");
    expect(await type(w.world, ":wq")).toBe("Notes saved.\nLeft the notes.");
    expect(w.world.char1.db.notes).toBe("kept\nmore");
    expect(w.world.char1.attributes.get("_eveditor_saved")).toBeUndefined();
  });

  it("a persistent editor with function hooks says it will not survive a reload", async () => {
    await world(w).unit(() => EvEditor.start(w.world.char1, { session: w.world.session1, savefunc: () => true, persistent: true }));
    expect(w.world.text(w.world.session1)).toContain("The editor state could not be saved for persistent mode");
    expect(w.world.char1.attributes.get("_eveditor_saved")).toBeUndefined();
  });

  it("desc/edit edits an object's description and saves it", async () => {
    w.world.clearOutput();
    const out = await type(w.world, "desc/edit Obj");
    expect(out).toContain("Line Editor [desc]");
    await type(w.world, "A plain object.");
    expect(await type(w.world, ":wq")).toBe("Saved.\nExited editor.");
    expect(w.world.obj1.db.desc).toBe("A plain object.");
    expect(await type(w.world, "desc/edit")).toContain("01| room_desc");
    await type(w.world, ":DD");
    await type(w.world, "A brighter room.");
    await type(w.world, ":wq");
    expect(w.world.room1.db.desc).toBe("A brighter room.");
    expect(await type(w.world, "desc/edit Obj = text")).toBe("You may specify a value, or use the edit switch, but not both.");
    expect(await type(w.world, "desc/edit nothing-here")).toContain("Could not find 'nothing-here'");
  });

  it("set/edit edits one attribute, read back as a literal, or as text", async () => {
    await w.world.unit(() => void (w.world.obj1.db.stats = { str: 10 }));
    w.world.clearOutput();
    expect(await type(w.world, "set/edit Obj/stats")).toContain("01| {'str': 10}");
    await type(w.world, ":DD");
    await type(w.world, "{'str': 12, 'dex': [1, 2]}");
    expect(await type(w.world, ":wq")).toBe("Saved attribute Obj/stats.\nExited editor.");
    expect(w.world.obj1.db.stats).toEqual({ str: 12, dex: [1, 2] });
    await type(w.world, "set/edit Obj/motto");
    await type(w.world, "carpe diem");
    expect(await type(w.world, ":wq")).toBe("Saved attribute Obj/motto (as text).\nExited editor.");
    expect(w.world.obj1.db.motto).toBe("carpe diem");
    expect(await type(w.world, "set/edit Obj/a/b")).toBe("set/edit edits one attribute: set/edit <obj>/<attr>[:category]");
    expect(await type(w.world, "set/edit Obj/motto = x")).toBe("You may specify a value, or use the edit switch, but not both.");
    expect(await type(w.world, "set/edit Obj/motto", w.world.session2)).toContain("Command 'set/edit Obj/motto' is not available");
  });

  it("desc/edit is refused without the permission", async () => {
    expect(await type(w.world, "desc/edit Obj", w.world.session2)).toContain("Command 'desc/edit Obj' is not available");
    expect(await type(w.world, "sethelp/edit lore", w.world.session2)).toContain("Command 'sethelp/edit lore' is not available");
    expect(runningEditor(w.world.char2)).toBeUndefined();
  });

  it("callCommand: desc/edit and sethelp/edit open persistent editors", async () => {
    await callCommand(w.world, CmdDesc, "/edit Obj", "----------Line Editor [desc]");
    const editor = runningEditor(w.world.char1)!;
    expect(editor.isPersistent).toBe(true);
    expect(editor.data.target).toBe(w.world.obj1);
    expect(w.world.char1.cmdset.all().find((s) => s.key === "editorcmdset")?.persistent).toBe(true);
    await type(w.world, ":q!");
    await callCommand(w.world, CmdSetHelp, "/edit newtopic,lore = First line", "----------Line Editor [topic newtopic]");
    const entry = await findDbHelpEntry(w.world.store.db, "newtopic");
    expect([entry?.text, entry?.category]).toEqual(["First line", "lore"]);
    expect(w.world.text(w.world.session1)).toContain("01| First line");
  });

  it("at login a running editor is shown again on the new session, a saved one is made again", async () => {
    await openNotes(w.world, "kept", { persistent: true });
    w.world.clearOutput();
    await w.world.unit(() => resumeInteractive(w.world.session1));
    expect(w.world.text(w.world.session1)).toContain("01| kept");
    setRunningEditor(w.world.char1, null);
    w.world.clearOutput();
    await w.world.unit(() => resumeInteractive(w.world.session1));
    expect(w.world.text(w.world.session1)).toContain("The editor was restored after a server reload.");
    expect(w.world.text(w.world.session1)).toContain("01| kept");
  });

  it("sethelp/edit creates or edits a help topic in the editor", async () => {
    expect(await type(w.world, "sethelp/edit lore = In the beginning")).toContain("Line Editor [topic lore]");
    await type(w.world, "there was light.");
    expect(await type(w.world, ":wq")).toBe("Saved help entry.\nClosing the editor.");
    expect((await findDbHelpEntry(w.world.store.db, "lore"))?.text).toBe("In the beginning\nthere was light.");
    expect(await type(w.world, "sethelp/edit lore")).toContain("02| there was light.");
    await type(w.world, ":dd 1");
    await type(w.world, ":wq");
    expect((await findDbHelpEntry(w.world.store.db, "lore"))?.text).toBe("there was light.");
  });
});

function world(w: { world: TestWorld }): TestWorld {
  return w.world;
}
