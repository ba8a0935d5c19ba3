/**
 * EvMenu through the real command handler: a menu walked by a player on a
 * session, automatic keys, goto callables and their kwargs, free-text nodes,
 * exec, look/help/quit inside, the menu cmdset taking over input, formatting,
 * persistence when the server forgets the menu, module menus, and the
 * character-creation menu (`charcreateMenu`) end to end.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { turnOnDemoWorld } from "../../evennia-ts/cli/commands/demo.ts";
import { initGame } from "../../evennia-ts/cli/commands/init.ts";
import { settingsFile } from "../../evennia-ts/conf/settings.ts";
import { expect, it } from "vitest";
import { EvMenu, EvMenuGotoAbortMessage, registerMenuClass } from "../../evennia-ts/commands/evmenu/evmenu.ts";
import { runningMenu, setRunningMenu } from "../../evennia-ts/commands/evmenu/menu-cmdset.ts";
import { registerMenu } from "../../evennia-ts/commands/evmenu/menu-registry.ts";
import type { MenuCaller, MenuKwargs, MenuNode } from "../../evennia-ts/commands/evmenu/menu-types.ts";
import { callCommand, worldCommandHandler } from "../../evennia-ts/testing/call-command.ts";
import { CmdCharCreate } from "../../evennia-ts/commands/default/account.ts";
import { resumeInteractive } from "../../evennia-ts/server/resume-interactive.ts";
import { describeWithWorld, type TestWorld } from "../../evennia-ts/testing/world-fixture.ts";
import type { DefaultObject } from "../../evennia-ts/typeclasses/objects.ts";
import "../../evennia-ts/commands/default/cmdsets.ts";

async function type(world: TestWorld, line: string, session = world.session1): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

const visits: string[] = [];

function pickColour(caller: MenuCaller, raw: string, kwargs: MenuKwargs): [string, MenuKwargs] | null {
  const colour = raw.trim().toLowerCase();
  if (colour === "again") return null;
  if (!["red", "blue"].includes(colour)) throw new EvMenuGotoAbortMessage(`'${raw.trim()}' is no colour I know.`);
  (caller as DefaultObject).db.colour = colour;
  return ["summary", { ...kwargs, colour }];
}

const shop: Record<string, MenuNode> = {
  start: (_caller, _raw, kwargs) => {
    visits.push("start");
    return [
      ["Welcome to the shop.", "The shop sells swords and colours."],
      [
        { key: ["sword", "s"], desc: "Look at swords", goto: ["swords", { from: "start" }] },
        { desc: "Pick a colour", goto: "colour" },
        { desc: `Count visits (${String(kwargs.count ?? 0)})`, goto: [(_c, _r, kw) => ["start", { count: Number(kw.count ?? 0) + 1 }], { count: kwargs.count ?? 0 }] },
        { key: "leave", desc: "Leave the shop", exec: (caller) => void (caller as DefaultObject).msg("You wave goodbye."), goto: "bye" },
      ],
    ];
  },
  swords: (_caller, raw, kwargs) => [
    [`Swords! (you typed '${raw}', came from ${String(kwargs.from)})`, { sharp: "Very sharp.", "blunt;dull": "Not sharp at all." }],
    { key: "back", goto: "start" },
  ],
  colour: () => [
    "Name a colour (red or blue):",
    [
      { key: "_default", goto: [pickColour, { asked: true }] },
      { key: "back", desc: "Back", goto: "start" },
    ],
  ],
  summary: (_caller, _raw, kwargs) => [`You chose ${String(kwargs.colour)} (asked: ${String(kwargs.asked)}).`, [{ desc: "Start over", goto: "start" }]],
  bye: () => "Goodbye!",
};
registerMenu("test.shop", shop);

async function openShop(world: TestWorld, options: Parameters<typeof EvMenu.start>[2] = {}): Promise<EvMenu> {
  return world.unit(() => EvMenu.start(world.char1, "test.shop", { session: world.session1, ...options }));
}

describeWithWorld("EvMenu", (w) => {
  it("walks a menu through a real session: keys, automatic numbers, goto kwargs and callables", async () => {
    visits.length = 0;
    await openShop(w.world);
    const first = w.world.text(w.world.session1);
    expect(first).toContain("Welcome to the shop.");
    expect(first).toContain("sword: Look at swords");
    expect(first).toContain("2: Pick a colour");
    expect(first).toContain("3: Count visits (0)");
    expect(first).toContain("leave: Leave the shop");
    expect(await type(w.world, "S")).toContain("Swords! (you typed 'S', came from start)");
    expect(await type(w.world, "back")).toContain("Welcome to the shop.");
    expect(await type(w.world, "3")).toContain("3: Count visits (1)");
    expect(await type(w.world, "3")).toContain("3: Count visits (2)");
    expect(await type(w.world, "nonsense")).toBe("Choose an option or try 'help'.");
    expect(runningMenu(w.world.char1)).toBeInstanceOf(EvMenu);
    expect((w.world.char1.ndb as Record<string, unknown>)._evmenu).toBe(runningMenu(w.world.char1));
  });

  it("free-text nodes: the _default option gets what was typed; a goto callable may refuse it or repeat the node", async () => {
    await openShop(w.world);
    expect(await type(w.world, "2")).toContain("Name a colour (red or blue):");
    const colourNode = await type(w.world, "look");
    expect(colourNode).toContain("back: Back");
    expect(colourNode).not.toContain("_default");
    expect(await type(w.world, "green")).toBe("'green' is no colour I know.");
    expect(await type(w.world, "again")).toContain("Name a colour (red or blue):");
    expect(await type(w.world, "Blue")).toContain("You chose blue (asked: true).");
    expect(w.world.char1.db.colour).toBe("blue");
  });

  it("look, help (text or tooltips) and quit work inside; quit runs cmdOnExit (look)", async () => {
    await openShop(w.world);
    expect(await type(w.world, "l")).toContain("Welcome to the shop.");
    expect(await type(w.world, "help")).toBe("The shop sells swords and colours.");
    await type(w.world, "sword");
    expect(await type(w.world, "sharp")).toBe("Very sharp.");
    expect(await type(w.world, "dull")).toBe("Not sharp at all.");
    expect(await type(w.world, "h")).toBe("sharp: Very sharp.\nblunt: Not sharp at all.\ndull: Not sharp at all.");
    const out = await type(w.world, "quit");
    expect(out).toContain("Room");
    expect(out).toContain("room_desc");
    expect(runningMenu(w.world.char1)).toBeUndefined();
    expect(w.world.char1.cmdset.has("menu_cmdset")).toBe(false);
  });

  it("a node without options ends the menu; exec runs before the goto", async () => {
    await openShop(w.world, { cmdOnExit: null });
    const out = await type(w.world, "leave");
    expect(out).toMatch(/^You wave goodbye\.\n_+\n\nGoodbye!\n_+/);
    expect(runningMenu(w.world.char1)).toBeUndefined();
    expect(await type(w.world, "say free again")).toContain('You say, "free again"');
  });

  it("the menu cmdset takes over input: commands, exits and objects' commands go to the menu", async () => {
    await openShop(w.world);
    const cmdset = w.world.char1.cmdset.all().find((s) => s.key === "menu_cmdset")!;
    expect([cmdset.mergeType, cmdset.priority, cmdset.noExits, cmdset.noObjs]).toEqual(["Replace", 1, true, true]);
    expect(await type(w.world, "say hello")).toBe("Choose an option or try 'help'.");
    expect(await type(w.world, "out")).toBe("Choose an option or try 'help'.");
    expect(w.world.char1.location).toBe(w.world.room1);
    expect(await type(w.world, "")).toBe("Choose an option or try 'help'.");
    // another player is not affected
    expect(await type(w.world, "say hi", w.world.session2)).toContain('You say, "hi"');
  });

  it("without autoQuit, autoLook and autoHelp those words are ordinary input", async () => {
    await openShop(w.world, { autoQuit: false, autoLook: false, autoHelp: false });
    expect(await type(w.world, "quit")).toBe("Choose an option or try 'help'.");
    expect(await type(w.world, "look")).toBe("Choose an option or try 'help'.");
    expect(await type(w.world, "help")).toBe("Choose an option or try 'help'.");
    expect(runningMenu(w.world.char1)).toBeDefined();
  });

  it("formats nodes as Evennia: lines of _ around the text, options in columns", async () => {
    await openShop(w.world);
    const lines = w.world.text(w.world.session1).split("\n");
    expect(lines[0]).toMatch(/^_+$/);
    expect(lines[2]).toBe("Welcome to the shop.");
    const bottom = lines.findIndex((l, i) => i > 0 && /^_+$/.test(l));
    expect(lines[bottom]!.length).toBe(lines[0]!.length);
    expect(lines.slice(bottom + 2).join("\n")).toMatch(/^ +sword: Look at swords/);
    const raw = JSON.stringify(w.world.output(w.world.session1));
    expect(raw).toContain("|lcsword|lt|wsword|n|le");
    expect(raw).toContain('"type":"menu"');
  });

  it("formatter hooks can be overridden in a subclass", async () => {
    class PlainMenu extends EvMenu {
      override nodeFormatter(nodetext: string, optionstext: string): string {
        return `[${nodetext}]\n${optionstext}`;
      }
      override optionsFormatter(options: readonly (readonly [string, string | undefined])[]): string {
        return options.map(([k, d]) => `(${k}) ${d ?? ""}`).join("\n");
      }
    }
    await w.world.unit(() => PlainMenu.start(w.world.char1, "test.shop", { session: w.world.session1 }));
    expect(w.world.text(w.world.session1)).toBe("[Welcome to the shop.]\n(sword) Look at swords\n(2) Pick a colour\n(3) Count visits (0)\n(leave) Leave the shop");
  });

  it("a persistent menu keeps its node and kwargs and is made again when the server forgot it", async () => {
    const menu = await openShop(w.world, { persistent: true, data: { visits: 1 } });
    expect(menu.isPersistent).toBe(true);
    await type(w.world, "3");
    await type(w.world, "sword");
    expect(w.world.char1.attributes.get("_menutree_saved_startnode")).toEqual(["swords", ["sword", { from: "start" }], { visits: 1 }]);
    expect(w.world.char1.cmdset.all().find((s) => s.key === "menu_cmdset")?.persistent).toBe(true);
    // the server's memory of the menu is lost, as in a reload; the stored state is not
    setRunningMenu(w.world.char1, null);
    const out = await type(w.world, "anything");
    expect(out).toContain("Swords! (you typed 'sword', came from start)");
    const again = runningMenu(w.world.char1) as EvMenu;
    expect(again).not.toBe(menu);
    expect(again.data).toEqual({ visits: 1 });
    expect(await type(w.world, "back")).toContain("Welcome to the shop.");
    await type(w.world, "q");
    expect(w.world.char1.attributes.get("_menutree_saved")).toBeUndefined();
    expect(w.world.char1.cmdset.has("menu_cmdset")).toBe(false);
  });

  it("a registered menu subclass is made again as itself", async () => {
    class LoudMenu extends EvMenu {
      override nodetextFormatter(text: string): string {
        return text.toUpperCase();
      }
    }
    registerMenuClass("test.LoudMenu", LoudMenu);
    await w.world.unit(() => LoudMenu.start(w.world.char1, "test.shop", { session: w.world.session1, persistent: true }));
    setRunningMenu(w.world.char1, null);
    expect(await type(w.world, "x")).toContain("WELCOME TO THE SHOP.");
    expect(runningMenu(w.world.char1)).toBeInstanceOf(LoudMenu);
  });

  it("a menu that cannot be kept says so and runs on without persistence", async () => {
    await w.world.unit(() => EvMenu.start(w.world.char1, shop, { session: w.world.session1, persistent: true }));
    expect(w.world.text(w.world.session1)).toContain("The menu state could not be saved");
    expect(w.world.char1.attributes.get("_menutree_saved")).toBeUndefined();
    expect(await type(w.world, "sword")).toContain("Swords!");
  });

  it("an unknown node is reported and the player stays; an unknown start node is refused", async () => {
    await w.world.unit(() => EvMenu.start(w.world.char1, { start: () => ["Start", [{ desc: "Broken", goto: "nowhere" }]] }, { session: w.world.session1 }));
    expect(await type(w.world, "1")).toBe("Menu node 'nowhere' is either not implemented or caused an error. Make another choice or try 'q' to abort.");
    expect(await type(w.world, "look")).toContain("Start");
    await expect(w.world.unit(() => EvMenu.start(w.world.char2, shop, { startnode: "missing" }))).rejects.toThrow(/start node 'missing'/);
    expect(w.world.char2.cmdset.has("menu_cmdset")).toBe(false);
  });

  it("a menu from a module: its exported functions are the nodes", async () => {
    const file = path.join(import.meta.dirname, "fixtures", "menu-module.ts");
    await w.world.unit(() => EvMenu.start(w.world.char1, file, { session: w.world.session1, cmdOnExit: null }));
    expect(w.world.text(w.world.session1)).toContain("1: To the end");
    expect(await type(w.world, "1")).toContain("Module menu end. Bye.");
    expect(runningMenu(w.world.char1)).toBeUndefined();
  });

  it("a node without its own help gets Evennia's command summary", async () => {
    await w.world.unit(() => EvMenu.start(w.world.char1, { start: () => ["Plain.", [{ desc: "On", goto: "start" }]] }, { session: w.world.session1 }));
    expect(await type(w.world, "help")).toBe("Commands: <menu option>, help, quit");
    await type(w.world, "q");
    await w.world.unit(() => EvMenu.start(w.world.char1, { start: () => ["Plain.", [{ desc: "On", goto: "start" }]] }, { session: w.world.session1, autoQuit: false }));
    expect(await type(w.world, "h")).toBe("Commands: <menu option>, help");
  });

  it("a menu on a session takes that session's input only", async () => {
    await w.world.unit(() => EvMenu.start(w.world.session1, "test.shop", { session: w.world.session1, cmdOnExit: null }));
    expect(await type(w.world, "sword")).toContain("Swords!");
    expect(runningMenu(w.world.session1)).toBeInstanceOf(EvMenu);
    await type(w.world, "quit");
    expect(await type(w.world, "say out")).toContain('You say, "out"');
  });

  it("at login a running menu is shown again on the new session, a saved one is made again", async () => {
    await openShop(w.world);
    await type(w.world, "sword");
    w.world.clearOutput();
    await w.world.unit(() => resumeInteractive(w.world.session1));
    expect(w.world.text(w.world.session1)).toContain("Swords!");
    await type(w.world, "q");
    await openShop(w.world, { persistent: true });
    setRunningMenu(w.world.char1, null);
    w.world.clearOutput();
    await w.world.unit(() => resumeInteractive(w.world.session1));
    expect(w.world.text(w.world.session1)).toContain("Welcome to the shop.");
    expect(runningMenu(w.world.char1)).toBeInstanceOf(EvMenu);
  });

  it("a menu on an account works out of character", async () => {
    await w.world.unit(() => EvMenu.start(w.world.account1, "test.shop", { session: w.world.session1, cmdOnExit: null }));
    expect(await type(w.world, "sword")).toContain("Swords!");
    expect(await type(w.world, "who")).toBe("Choose an option or try 'help'.");
    await type(w.world, "q");
    expect(await type(w.world, "say back")).toContain('You say, "back"');
  });
});

describeWithWorld(
  "the character-creation menu",
  (w) => {
    it("charcreate alone asks name, description and confirmation, then creates the character", async () => {
      expect(await type(w.world, "charcreate")).toContain("What is your new character's name?");
      expect(await type(w.world, "Char")).toContain("already exists");
      expect(await type(w.world, "Bob the Tall")).toContain("Describe Bob the Tall in a line");
      expect(await type(w.world, "A tall fellow.")).toContain("Create Bob the Tall?\n  A tall fellow.");
      expect(await type(w.world, "no")).toContain("What is your new character's name?");
      await type(w.world, "Bob");
      await type(w.world, "A tall fellow.");
      expect(await type(w.world, "y")).toContain("Created new character Bob. Use ic Bob to enter the game as this character.");
      const bob = w.world.account1.characters.find((c) => c.key === "Bob")!;
      expect(bob.db.desc).toBe("A tall fellow.");
      expect(runningMenu(w.world.account1)).toBeUndefined();
      expect(w.world.account1.attributes.get("_menutree_saved")).toBeUndefined();
      expect(await type(w.world, "say done")).toContain('You say, "done"');
    });

    it("callCommand: charcreate opens the menu on the account", async () => {
      await callCommand(w.world, CmdCharCreate, "", /What is your new character's name\?/, { caller: w.world.account1, session: w.world.session1 });
      expect(runningMenu(w.world.account1)).toBeInstanceOf(EvMenu);
      expect(w.world.account1.attributes.get("_menutree_saved_startnode")).toEqual(["start", ["", {}], {}]);
    });

    it("the plain charcreate <name> still works; a full account is refused before the menu", async () => {
      expect(await type(w.world, "charcreate Quick = Fast.")).toBe("Created new character Quick. Use ic Quick to enter the game as this character.");
      expect(await type(w.world, "charcreate", w.world.session2)).toBe("You may only have a maximum of 1 character.");
      expect(runningMenu(w.world.account2)).toBeUndefined();
    });
  },
  { settings: { charcreateMenu: true } },
);

describeWithWorld("charcreate without the menu setting", (w) => {
  it("asks for a name", async () => {
    expect(await type(w.world, "charcreate")).toBe("Usage: charcreate <charname> [= description]");
  });
});

it("the demo game turns the character-creation menu on (and leaves character creation to it)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "evennia-demo-menu-"));
  try {
    const gameDir = path.join(dir, "mygame");
    initGame(gameDir, { out: () => undefined, err: () => undefined } as never);
    turnOnDemoWorld(gameDir);
    const text = readFileSync(settingsFile(gameDir), "utf8");
    expect(text).toContain("charcreateMenu: true");
    expect(text).toContain("autoCreateCharacterWithAccount: false");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
