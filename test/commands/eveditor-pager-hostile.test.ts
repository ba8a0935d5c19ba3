/**
 * The interactive input helpers against hostile or clumsy players: EvEditor
 * (undo history, failed saves, a lost editor after a reload, line ranges, huge
 * edits), getInput and askYesNo (answers that keep the question open), EvMenu
 * (huge client widths, goto loops) and EvMore (absurd client heights and page sizes).
 */
import { expect, it, vi } from "vitest";
import { askYesNo } from "../../evennia-ts/commands/ask-yes-no.ts";
import { EDITOR_MAX_BUFFER_LENGTH, EDITOR_UNDO_MAX_CHARACTERS, EvEditor } from "../../evennia-ts/commands/eveditor/editor.ts";
import { EDITOR_SEARCH_BUDGET_MS, EDITOR_SEARCH_TIMEOUT_MS } from "../../evennia-ts/commands/eveditor/editor-actions.ts";
import { runningEditor, setRunningEditor } from "../../evennia-ts/commands/eveditor/editor-cmdset.ts";
import { registerEditorFunction, type EditorCaller } from "../../evennia-ts/commands/eveditor/editor-hooks.ts";
import { EvMenu, EVMENU_MAX_GOTO_DEPTH } from "../../evennia-ts/commands/evmenu/evmenu.ts";
import { runningMenu } from "../../evennia-ts/commands/evmenu/menu-cmdset.ts";
import { registerMenu } from "../../evennia-ts/commands/evmenu/menu-registry.ts";
import { currentPager, EvMore, evmore } from "../../evennia-ts/commands/evmore.ts";
import { getInput, hasPendingInput } from "../../evennia-ts/commands/input-prompt.ts";
import { resumeInteractive } from "../../evennia-ts/server/resume-interactive.ts";
import { worldCommandHandler } from "../../evennia-ts/testing/call-command.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import "../../evennia-ts/commands/default/cmdsets.ts";

/** Type `line` as char1's player; what the session got back. */
async function type(world: TestWorld, line: string, session = world.session1): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

/** Every prompt sent to `session` since the last clearOutput. */
function prompts(world: TestWorld, session = world.session1): string[] {
  return world
    .output(session)
    .filter((m) => m[0] === "prompt")
    .map((m) => String((m[1] as unknown[])[0] ?? ""));
}

let saveFails = false;
registerEditorFunction("test.hostile.editor.load", (caller: EditorCaller) => String((caller as DefaultObject).db.notes ?? ""));
registerEditorFunction("test.hostile.editor.save", (caller: EditorCaller, buffer: string) => {
  if (saveFails) throw new Error("the disk is full");
  (caller as DefaultObject).db.notes = buffer;
  caller.msg("Notes saved.");
  return true;
});

async function openNotes(world: TestWorld, notes: string, extra: Parameters<typeof EvEditor.start>[1] = {}): Promise<EvEditor> {
  return world.unit(async () => {
    world.char1.db.notes = notes;
    return EvEditor.start(world.char1, { key: "notes", loadfunc: "test.hostile.editor.load", savefunc: "test.hostile.editor.save", session: world.session1, ...extra });
  });
}

describeWithWorld("EvEditor against hostile or clumsy input", (w) => {
  it("undo history is capped by its total characters, not only its steps (a big buffer kept 20 copies)", async () => {
    const big = "x".repeat(150_000);
    const editor = await openNotes(w.world, big, { persistent: true });
    for (let i = 0; i < 12; i++) await type(w.world, `line ${i}`);
    const [, undo] = w.world.char1.attributes.get<[string, string[], number]>("_eveditor_buffer_temp")!;
    const total = undo.reduce((n, step) => n + step.length, 0);
    expect(total).toBeLessThanOrEqual(EDITOR_UNDO_MAX_CHARACTERS);
    // the newest steps are kept: one undo still works
    expect(await type(w.world, ":u")).toBe("Undid one step.");
    expect(editor.getBuffer().endsWith("line 10")).toBe(true);
  });

  it(":wq when the save callback throws keeps the editor open and the text; :q then yes does too", async () => {
    const editor = await openNotes(w.world, "old");
    await type(w.world, "precious words");
    saveFails = true;
    try {
      const out = await type(w.world, ":wq");
      expect(out).toContain("the disk is full");
      expect(out).toContain("The editor stays open");
      expect(runningEditor(w.world.char1)).toBe(editor);
      expect(w.world.char1.cmdset.has("editorcmdset")).toBe(true);
      expect(editor.getBuffer()).toBe("old\nprecious words");
      await type(w.world, ":q");
      expect(await type(w.world, "yes")).toContain("The editor stays open");
      expect(runningEditor(w.world.char1)).toBe(editor);
    } finally {
      saveFails = false;
    }
    expect(await type(w.world, ":wq")).toBe("Notes saved.\nExited editor.");
    expect(w.world.char1.db.notes).toBe("old\nprecious words");
  });

  it(":wq after the described object was deleted keeps the editor open with the text", async () => {
    expect(await type(w.world, "desc/edit Obj")).toContain("Line Editor [desc]");
    await type(w.world, "A fine description.");
    await w.world.unit(() => w.world.obj1.delete());
    const out = await type(w.world, ":wq");
    expect(out).toContain("The object being described is gone; nothing was saved.");
    expect(out).toContain("The editor stays open");
    expect(runningEditor(w.world.char1)?.getBuffer()).toBe("A fine description.");
    expect(await type(w.world, ":q!")).toBe("Exited editor.");
    expect(runningEditor(w.world.char1)).toBeUndefined();
  });

  it("a persistent editor that cannot be made again after a reload shows the player its text", async () => {
    await openNotes(w.world, "first draft", { persistent: true });
    await type(w.world, "second |rline");
    // the save hook's module is gone after the reload: its name is no longer registered
    await w.world.unit(() => {
      const saved = w.world.char1.attributes.get<{ options: Record<string, unknown> }>("_eveditor_saved")!;
      w.world.char1.attributes.add("_eveditor_saved", { ...saved, options: { ...saved.options, savefunc: "test.hostile.editor.gone" } });
    });
    setRunningEditor(w.world.char1, null);
    w.world.clearOutput();
    await w.world.unit(() => resumeInteractive(w.world.session1));
    const shown = w.world.text(w.world.session1);
    expect(shown).toContain("could not be restored");
    expect(shown).toContain("first draft\nsecond |rline");
    expect(w.world.char1.attributes.has("_eveditor_buffer_temp")).toBe(false);
    expect(w.world.char1.cmdset.has("editorcmdset")).toBe(false);
    expect(await type(w.world, "look")).toContain("room_desc");
  });

  it("a saved editor with broken saved options shows its text too, at the next line typed", async () => {
    await openNotes(w.world, "kept text", { persistent: true });
    await w.world.unit(() => w.world.char1.attributes.add("_eveditor_saved", { garbage: true }));
    setRunningEditor(w.world.char1, null);
    const out = await type(w.world, "more");
    expect(out).toContain("kept text");
    expect(out).toContain("The editor you were in could not be found; you have left it.");
  });

  it("a word with a colon in it is not a line range (it was taken as the whole buffer)", async () => {
    const editor = await openNotes(w.world, "see http://old.example\nline two\nline three");
    expect(await type(w.world, ":s http://old.example http://new.example")).toContain("Search-replaced");
    expect(editor.getBuffer()).toBe("see http://new.example\nline two\nline three");
    await type(w.world, ":A note: !");
    expect(editor.getBuffer()).toBe("see http://new.example\nline two\nline threenote: !");
    // numbers still make ranges, either end may be left out
    await type(w.world, ":dd 2:");
    expect(editor.getBuffer()).toBe("see http://new.example");
  });

  it("line numbers out of bounds, negative or not numbers change nothing they should not", async () => {
    const editor = await openNotes(w.world, "a\nb\nc");
    await type(w.world, ":dd 99999999999999999999:");
    expect(editor.getBuffer()).toBe("a\nb");
    await type(w.world, ":i 0:1 top");
    expect(editor.getBuffer()).toBe("top\na\nb");
    expect(await type(w.world, ":y -3:-1")).toContain("yanked");
    await type(w.world, ":dd NaN:x");
    expect(editor.getBuffer()).toBe("top\na");
  });

  it(":A or :I of a long text over very many lines is refused before it builds a huge buffer", async () => {
    const editor = await openNotes(w.world, "\n".repeat(150_000));
    const before = editor.getBuffer();
    const out = await type(w.world, `:A 1:150001 ${"y".repeat(5900)}`);
    expect(out).toContain(`longer than ${EDITOR_MAX_BUFFER_LENGTH} characters`);
    expect(await type(w.world, `:I 1:150001 ${"y".repeat(5900)}`)).toContain(`longer than ${EDITOR_MAX_BUFFER_LENGTH} characters`);
    expect(editor.getBuffer()).toBe(before);
  });

  it("lines typed into a buffer of very many lines are not each made to split the whole buffer", async () => {
    const editor = await openNotes(w.world, "\n".repeat(190_000));
    // each line typed split the whole buffer again to number its echo: 7 ms a line, a paste of 1000 lines 7 s
    const split = vi.spyOn(String.prototype, "split");
    try {
      for (let i = 0; i < 20; i++) await type(w.world, `pasted ${i}`);
      const ofTheBuffer = split.mock.contexts.filter((text) => String(text).length > 100_000).length;
      expect(ofTheBuffer).toBe(0);
    } finally {
      split.mockRestore();
    }
    expect(await type(w.world, "one more")).toBe("190022| one more");
    expect(editor.getBuffer().split("\n").length).toBe(190_022);
  });

  it("a catastrophic or invalid search pattern is stopped or refused, the buffer unchanged", async () => {
    const editor = await openNotes(w.world, `${"a".repeat(40)}b`);
    expect(await type(w.world, ":s (a+)+$ x")).toContain("The search took too long");
    expect(await type(w.world, ":s ([a x")).toBe("Invalid regular expression.");
    expect(await type(w.world, ":dw (a|aa)*c")).toContain("The search took too long");
    expect(editor.getBuffer()).toBe(`${"a".repeat(40)}b`);
  });
});

describeWithWorld("EvEditor searches against a player spamming slow patterns", (w) => {
  it("slow searches use up a per-minute budget, after which searching is refused at once", async () => {
    const editor = await openNotes(w.world, `${"a".repeat(40)}b`);
    const answers: string[] = [];
    // each search holds the server for up to 250 ms: unbounded, ten a second froze it
    for (let i = 0; i < 8; i++) answers.push(await type(w.world, ":s (a+)+$ x"));
    const stopped = answers.filter((a) => a.includes("The search took too long")).length;
    expect(stopped).toBeLessThanOrEqual(Math.ceil(EDITOR_SEARCH_BUDGET_MS / EDITOR_SEARCH_TIMEOUT_MS));
    expect(answers.at(-1)).toBe("Your searches took too long lately: wait a minute before searching again.");
    expect(editor.getBuffer()).toBe(`${"a".repeat(40)}b`);
  });
});

describeWithWorld("getInput and askYesNo answers", (w) => {
  it("a getInput callback returning true keeps the question open and asks it again (as Evennia)", async () => {
    const answers: string[] = [];
    await w.world.unit(() =>
      getInput(w.world.session1, "Pick a number:", (line) => {
        answers.push(line);
        if (!/^\d+$/.test(line)) return true;
      }),
    );
    w.world.clearOutput();
    await type(w.world, "banana");
    expect(hasPendingInput(w.world.session1)).toBe(true);
    expect(prompts(w.world)).toContain("Pick a number:");
    await type(w.world, "42");
    expect(hasPendingInput(w.world.session1)).toBe(false);
    expect(answers).toEqual(["banana", "42"]);
    expect(await type(w.world, "look")).toContain("room_desc");
  });

  it("askYesNo asks again after an answer that is neither yes nor no, instead of cancelling", async () => {
    const said: string[] = [];
    await w.world.unit(() => askYesNo(w.world.session1, "Delete everything {options}?", { yes: () => void said.push("yes"), no: () => void said.push("no") }));
    await type(w.world, "maybe");
    expect(said).toEqual([]);
    expect(hasPendingInput(w.world.session1)).toBe(true);
    expect(prompts(w.world)).toContain("Delete everything y/[N]?");
    await type(w.world, "y");
    expect(said).toEqual(["yes"]);
    expect(hasPendingInput(w.world.session1)).toBe(false);
  });
});

registerMenu("test.hostile.wide", {
  start: () => ["w".repeat(1000), [{ key: "stay", desc: "d".repeat(1000) }]],
});

/** A node that sends the player to itself again (a goto loop). */
const looping: Record<string, (caller: unknown, raw: string) => Promise<[string, unknown[]]>> = {
  start: async () => ["Round and round.", [{ key: "spin", goto: "spin" }]],
  spin: async (caller, raw) => {
    // a real wait (as a database read) between: the stack never overflows, the loop never ended
    await new Promise((resolve) => setImmediate(resolve));
    await (runningMenu(caller as DefaultObject) as EvMenu).goto("spin", raw);
    return ["Never shown.", [{ key: "x" }]];
  },
};
registerMenu("test.hostile.loop", looping as never);

describeWithWorld("EvMenu against hostile clients and menus", (w) => {
  it("a client claiming a huge screen width draws menus at most 400 columns wide", async () => {
    w.world.session1.clientOptions.screenwidth = 60_000;
    await w.world.unit(() => EvMenu.start(w.world.char1, "test.hostile.wide", { session: w.world.session1, cmdOnExit: null }));
    const widest = Math.max(...w.world.text(w.world.session1).split("\n").filter((l) => /^_+$/.test(l)).map((l) => l.length));
    expect(widest).toBeGreaterThan(0);
    expect(widest).toBeLessThanOrEqual(400);
  });

  it("a goto loop is stopped with a message, the server not hung, the menu still usable", async () => {
    await w.world.unit(() => EvMenu.start(w.world.char1, "test.hostile.loop", { session: w.world.session1, cmdOnExit: null }));
    const out = await type(w.world, "spin");
    expect(out).toContain(`more than ${EVMENU_MAX_GOTO_DEPTH} times`);
    expect(runningMenu(w.world.char1)).toBeDefined();
    expect(await type(w.world, "q")).toBe("");
    expect(runningMenu(w.world.char1)).toBeUndefined();
  });
});

describeWithWorld("EvMore against absurd sizes", (w) => {
  it("a client claiming a huge screen height still gets pages of at most 10000 characters (as Evennia)", async () => {
    w.world.session1.clientOptions.screenheight = 65_535;
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i} ${"-".repeat(60)}`).join("\n");
    const pager = evmore(w.world.session1, text);
    expect(pager.pageCount).toBeGreaterThan(1);
    expect(currentPager(w.world.session1)).toBe(pager);
    const first = String((w.world.output(w.world.session1).at(-1)![1] as unknown[])[0]);
    expect(first.length).toBeLessThan(11_000);
    pager.quit(true);
  });

  it("a page height that is not a number pages normally instead of losing the text", async () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    for (const height of [Number.NaN, -5, 0, Number.POSITIVE_INFINITY]) {
      const pager = new EvMore(w.world.session1, text, { height });
      expect(pager.pageCount).toBeGreaterThan(1);
      w.world.clearOutput();
      pager.start();
      expect(w.world.text(w.world.session1)).toContain("line 0");
      pager.quit(true);
    }
  });

  it("paging words with absurd arguments move one page, and other input leaves and runs", async () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const pager = evmore(w.world.session1, text);
    await type(w.world, "n 99999999999999999999");
    expect(pager.position).toBe(1);
    await type(w.world, "p -99999");
    expect(pager.position).toBe(0);
    expect(await type(w.world, "look")).toContain("room_desc");
    expect(currentPager(w.world.session1)).toBeUndefined();
  });
});
