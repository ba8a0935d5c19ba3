/**
 * Commands added to cmdsets by class share one instance per class: each set holds a
 * small view of it (its prototype) owning only `obj`. These tests pin what a game
 * developer relies on: each set's command is its own to change, the shared instance
 * is never changed through a view, and a run's fields stay on the run's copy.
 */
import { describe, expect, it } from "vitest";
import { CmdSet, commandTemplate } from "../../evennia-ts/commands/cmdset.ts";
import { Command, copyCommand } from "../../evennia-ts/commands/command.ts";
import { CharacterCmdSet } from "../../evennia-ts/commands/default/cmdsets.ts";

let constructed = 0;

class CmdGlance extends Command {
  override key = "glance";
  override aliases = ["gl", "peek"];
  constructor() {
    super();
    constructed++;
  }
}

class CmdWave extends Command {
  override key = "wave";
}

class GestureSet extends CmdSet {
  override atCmdsetCreation(): void {
    this.add(CmdGlance).add(CmdWave);
  }
}

/** A stand-in owner: sets only store it. */
const owner = (name: string) => ({ key: name }) as never;

describe("commands added by class", () => {
  it("are views of one shared instance: a hundred sets construct the class once", () => {
    const before = constructed;
    const sets = Array.from({ length: 100 }, (_, i) => new GestureSet(owner(`char${i}`)));
    expect(constructed - before).toBeLessThanOrEqual(1);
    const glances = sets.map((s) => s.get("glance")!);
    expect(new Set(glances).size).toBe(100);
    for (const g of glances) {
      expect(Object.getPrototypeOf(g)).toBe(commandTemplate(CmdGlance));
      expect(g).toBeInstanceOf(CmdGlance);
    }
  });

  it("each view's obj is its own set's owner, and a view owns nothing else, even after matching by name", () => {
    const a = new GestureSet(owner("Anna"));
    const b = new GestureSet(owner("Bert"));
    const ga = a.get("gl")!;
    expect((ga.obj as unknown as { key: string }).key).toBe("Anna");
    expect((b.get("peek")!.obj as unknown as { key: string }).key).toBe("Bert");
    expect(ga.sameAs("PEEK")).toBe(true);
    expect(ga.names).toEqual(["glance", "peek", "gl"]);
    expect(Object.keys(ga)).toEqual(["obj"]);
  });

  it("changing one set's command (key, aliases, a field) leaves the other sets' alone", () => {
    const a = new GestureSet(owner("Anna"));
    const b = new GestureSet(owner("Bert"));
    const ga = a.get("glance")!;
    ga.key = "stare";
    ga.aliases = ["st"];
    ga.helpCategory = "emotes";
    a.add(ga); // re-add after renaming, as the docs say: the set reads names when it indexes
    expect(a.has("stare")).toBe(true);
    expect(a.get("st")).toBe(ga);
    const gb = b.get("glance")!;
    expect(gb.key).toBe("glance");
    expect(gb.names).toEqual(["glance", "peek", "gl"]);
    expect(gb.helpCategory).toBe("general");
    expect(new GestureSet(owner("Cleo")).get("gl")!.key).toBe("glance");
  });

  it("the shared aliases array cannot be changed in place (it would rename the command in every set)", () => {
    const g = new GestureSet(owner("Anna")).get("glance")!;
    expect(() => g.aliases.push("look-at")).toThrow(TypeError);
    expect(commandTemplate(CmdGlance).aliases).toEqual(["gl", "peek"]);
  });

  it("a run's copy keeps what the run sets (caller, args, parse fields) away from the view and the template", () => {
    const view = new GestureSet(owner("Anna")).get("wave")!;
    const run = copyCommand(view);
    run.args = " at Bert";
    run.cmdname = "wave";
    (run as Command & { target: string }).target = "Bert";
    run.aliases.push("wv");
    expect(view.args).toBe("");
    expect((view as Command & { target?: string }).target).toBeUndefined();
    expect(commandTemplate(CmdWave).args).toBe("");
    expect(view.aliases).toEqual([]);
    expect(run.obj).toBe(view.obj);
  });

  it("remove by class still finds the views", () => {
    const set = new GestureSet(owner("Anna"));
    set.remove(CmdGlance);
    expect(set.has("glance")).toBe(false);
    expect(set.has("wave")).toBe(true);
  });

  it("an instance added as such is kept as it is (not shared)", () => {
    const mine = new CmdGlance();
    mine.key = "squint";
    const set = new CmdSet(owner("Anna"));
    set.add(mine);
    expect(set.get("squint")).toBe(mine);
    expect(mine.aliases.push("sq")).toBe(3);
  });

  it("the default character set of two characters shares its commands' instances", () => {
    const a = new CharacterCmdSet(owner("Anna"));
    const b = new CharacterCmdSet(owner("Bert"));
    expect(a.size).toBeGreaterThan(20);
    for (const cmd of a.commands) {
      const other = b.get(cmd.key)!;
      expect(other).not.toBe(cmd);
      expect(Object.getPrototypeOf(other)).toBe(Object.getPrototypeOf(cmd));
      expect(Object.keys(cmd)).toEqual(["obj"]);
    }
  });
});
