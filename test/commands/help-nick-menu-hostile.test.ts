/**
 * Hostile input to help, nicks, EvMenu, EvEditor and the batch processors:
 * what a careless or malicious player or builder can type must neither hang the
 * server nor lose or corrupt anything.
 */
import { expect, it } from "vitest";
import { EDITOR_MAX_BUFFER_LENGTH, EvEditor } from "../../evennia-ts/commands/eveditor/editor.ts";
import { EDITOR_MAX_FILL_WIDTH } from "../../evennia-ts/commands/eveditor/editor-actions.ts";
import { registerEditorFunction, type EditorCaller } from "../../evennia-ts/commands/eveditor/editor-hooks.ts";
import { deleteDbHelpEntry, findDbHelpEntry, saveDbHelpEntry } from "../../evennia-ts/commands/help/db-help-entries.ts";
import { getStore } from "../../evennia-ts/typeclasses/store-context.ts";
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

registerEditorFunction("test.hostile.load", (caller: EditorCaller) => String((caller as DefaultObject).db.notes ?? ""));
registerEditorFunction("test.hostile.save", (caller: EditorCaller, buffer: string) => {
  (caller as DefaultObject).db.notes = buffer;
  return true;
});

async function openNotes(world: TestWorld, notes: string): Promise<EvEditor> {
  return world.unit(async () => {
    world.char1.db.notes = notes;
    return EvEditor.start(world.char1, { key: "notes", loadfunc: "test.hostile.load", savefunc: "test.hostile.save", session: world.session1 });
  });
}

describeWithWorld("EvEditor against hostile input", (w) => {
  it(":s with a catastrophically backtracking pattern is stopped, the buffer kept", async () => {
    const text = `${"a".repeat(28)}!`;
    const editor = await openNotes(w.world, text);
    const started = Date.now();
    expect(await type(w.world, ":s (a+)+$ x")).toBe("The search took too long and was stopped: use a simpler pattern.");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(editor.getBuffer()).toBe(text);
    expect(await type(w.world, ":dw (a|a)+$")).toBe("The search took too long and was stopped: use a simpler pattern.");
    expect(editor.getBuffer()).toBe(text);
    // an ordinary pattern still works
    expect(await type(w.world, ":s a+ b")).toBe("Search-replaced a+ -> b for lines 1-1.");
    expect(editor.getBuffer()).toBe("b!");
  }, 60_000);

  it("pasting the buffer into itself again and again stops at the buffer limit; the buffer can still shrink and be saved", async () => {
    const line = "x".repeat(999);
    const editor = await openNotes(w.world, Array.from({ length: 60 }, () => line).join("\n"));
    const refusal = `The buffer would be longer than ${EDITOR_MAX_BUFFER_LENGTH} characters: nothing was changed.`;
    let refused = false;
    for (let round = 0; round < 4 && !refused; round++) {
      await type(w.world, ":y 1:");
      refused = (await type(w.world, ":p")).includes(refusal);
    }
    expect(refused).toBe(true);
    expect(editor.getBuffer().length).toBeLessThanOrEqual(EDITOR_MAX_BUFFER_LENGTH);
    // fill it to just under the limit: 200 lines of 999 characters
    await type(w.world, ":y 1:80");
    await type(w.world, ":p");
    expect(editor.getBuffer().length).toBe(EDITOR_MAX_BUFFER_LENGTH - 1);
    const before = editor.getBuffer();
    expect(await type(w.world, "one more line")).toContain(refusal);
    expect(await type(w.world, ":i 1 one more line")).toContain(refusal);
    expect(editor.getBuffer()).toBe(before);
    expect(await type(w.world, ":dd 1")).toBe("Deleted line 1.");
    await type(w.world, ":w");
    expect(String(w.world.char1.db.notes).length).toBe(before.length - line.length - 1);
  }, 60_000);

  it(":s replacing every character with a long text stops at the buffer limit instead of building a huge string", async () => {
    const text = "ab".repeat(EDITOR_MAX_BUFFER_LENGTH / 2 - 10);
    const editor = await openNotes(w.world, text);
    const started = Date.now();
    expect(await type(w.world, `:s . ${"x".repeat(4000)}`)).toBe(`The buffer would be longer than ${EDITOR_MAX_BUFFER_LENGTH} characters: nothing was changed.`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(editor.getBuffer()).toBe(text);
    // a replacement that stays under the limit is fine
    await type(w.world, ":q!");
    const small = await openNotes(w.world, "ab".repeat(1000));
    expect(await type(w.world, `:s b ${"c".repeat(10)}`)).toBe(`Search-replaced b -> ${"c".repeat(10)} for lines 1-1.`);
    expect(small.getBuffer()).toBe(`a${"c".repeat(10)}`.repeat(1000));
  }, 60_000);

  it(":j and :f refuse a huge width instead of building huge lines", async () => {
    const editor = await openNotes(w.world, "aaa bbb\nccc ddd");
    const started = Date.now();
    expect(await type(w.world, ":j c = 900000000")).toBe(`Width must be from 1 to ${EDITOR_MAX_FILL_WIDTH}.`);
    expect(await type(w.world, ":j f = 400000000")).toBe(`Width must be from 1 to ${EDITOR_MAX_FILL_WIDTH}.`);
    expect(await type(w.world, ":f = 900000000")).toBe(`Width must be from 1 to ${EDITOR_MAX_FILL_WIDTH}.`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(editor.getBuffer()).toBe("aaa bbb\nccc ddd");
    expect(await type(w.world, ":j 1 c = 11")).toBe("Center-justified line 1.");
    expect(editor.getBuffer().split("\n")[0]).toBe("  aaa bbb  ");
  }, 60_000);
});

describeWithWorld("nicks against hostile input", (w) => {
  it("a nick matching every line does not lock its owner out of nick/delete, nicks or nick/clearall", async () => {
    const world = w.world;
    const player = world.session2;
    expect(await type(world, "nick * = say hi", player)).toBe("Inputline-nick '*' mapped to 'say hi'.");
    expect(await type(world, "look", player)).toBe('You say, "hi"');
    expect(await type(world, "nicks", player)).toContain("say hi");
    expect(await type(world, "nick/delete *", player)).toBe("Inputline-nick removed: '*' -> say hi.");
    expect(await type(world, "nick * = say hi", player)).toBe("Inputline-nick '*' mapped to 'say hi'.");
    expect(await type(world, "@nick/clearall", player)).toBe("Cleared all nicks.");
    expect(world.char2.nicks.all()).toEqual([]);
    expect(await type(world, "look", player)).not.toContain("You say");
  });

  it("a nick still maps a word to the nick command, and a pattern merely starting with 'nick' still applies", async () => {
    const world = w.world;
    const player = world.session2;
    await type(world, "nick nn = nick/list", player);
    await type(world, "nick nickel = say shiny", player);
    expect(await type(world, "nn", player)).toContain("Defined Nicks:");
    expect(await type(world, "nickel", player)).toBe('You say, "shiny"');
    await type(world, "nick/clearall", player);
  });
});

describeWithWorld("sethelp against hostile input", (w) => {
  it("a malformed lock string is refused when creating a topic or changing its locks, and nothing is changed", async () => {
    const world = w.world;
    const created = await type(world, "sethelp junktopic,general,garbage(( = text");
    expect(created).toMatch(/^Lock string 'garbage\(\(' is malformed \(.+\)\. Nothing was changed\.$/);
    expect(await findDbHelpEntry(getStore().db, "junktopic")).toBeUndefined();
    expect(await type(world, "sethelp junktopic,general,read:perm(Builder) = text")).toBe("Topic 'junktopic' was successfully created.");
    const relocked = await type(world, "sethelp/locks junktopic = read:perm((");
    expect(relocked).toMatch(/^Lock string 'read:perm\(\(' is malformed \(Lock "read:perm\(\(": .+\)\. Locks not changed\.$/);
    expect((await findDbHelpEntry(getStore().db, "junktopic"))!.locks).toBe("read:perm(Builder)");
    expect(await type(world, "sethelp/locks junktopic = read:all()")).toBe("Locks for entry 'junktopic' changed to: read:all()");
    await type(world, "sethelp/delete junktopic");
  });

  it("empty aliases (;; or a trailing ;) are not shown or kept", async () => {
    const world = w.world;
    expect(await type(world, "sethelp oddtopic;;other; = text")).toBe("Topic 'oddtopic' (aliases: other) was successfully created.");
    expect((await findDbHelpEntry(getStore().db, "oddtopic"))!.aliases).toEqual(["other"]);
    await type(world, "sethelp/delete oddtopic");
  });
});

describeWithWorld("help against hostile topics", (w) => {
  it("a topic with very long runs of spaces (in its text and a subtopic name) is read at once, not in time growing with their square", async () => {
    const world = w.world;
    const spaces = " ".repeat(120_000);
    const text = `Main.${spaces}more.\n\n# SUBTOPICS\n\n## deep${spaces}end\n\nDeep${spaces}text.`;
    await world.unit(() => saveDbHelpEntry(getStore().db, { key: "spaced", text, category: "general", locks: "read:all()", aliases: [] }));
    const started = Date.now();
    const shown = await type(world, "help spaced", world.session2);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(shown).toContain("Help for spaced");
    expect(shown).toContain("Subtopics:");
    expect(shown).toContain("spaced/deep end");
    expect(await type(world, "help spaced/deep", world.session2)).toContain("Help for spaced/deep end");
    await world.unit(() => deleteDbHelpEntry(getStore().db, "spaced"));
  }, 60_000);
});
