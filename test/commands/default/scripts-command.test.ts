/**
 * The `scripts` command: listing (all, by #dbref, key, path, object), the
 * /start /stop /pause /unpause /delete switches (asking first for several),
 * adding a script to an object, bad input, and the lock (char1/account1 are
 * Developers, char2/account2 plain Players). Runs with a scheduler on a manual clock.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { CmdScripts } from "../../../evennia-ts/commands/default/scripts.ts";
import { answerInput, hasPendingInput, takePendingInput } from "../../../evennia-ts/commands/input-prompt.ts";
import { ServerConfig } from "../../../evennia-ts/server/server-config.ts";
import { callCommand, describeWithWorld, worldCommandHandler, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { createScript, DefaultScript, registerTypeclass, ScriptScheduler, Store, setStore } from "../../../evennia-ts/typeclasses/index.ts";
import { ManualClock } from "../../typeclasses/manual-clock.ts";

/** A script with a timer that does nothing. */
class Ticker extends DefaultScript {}
registerTypeclass("tests.scriptscmd.Ticker", Ticker);

let scheduler: ScriptScheduler | null = null;
let clock: ManualClock;

async function startScheduler(world: TestWorld): Promise<void> {
  clock = new ManualClock();
  scheduler = new ScriptScheduler(world.store, { clock, notes: new ServerConfig(world.fixture.db) });
  clock.settle = () => scheduler!.settled();
  await scheduler.start();
}

/** Type `line` through the real command handler (locks checked). */
async function typed(world: TestWorld, line: string, session = world.session2): Promise<string> {
  world.clearOutput();
  await worldCommandHandler(world).execute(session, line);
  return world.text(session);
}

/** Re-read a script's row from a fresh store (what the database holds). */
async function fromDb(world: TestWorld, id: number): Promise<DefaultScript | null> {
  const store = new Store(world.fixture.db, { lruSize: 0 });
  await store.init();
  const previous = world.store;
  setStore(store);
  try {
    return (await store.get("script", id)) as DefaultScript | null;
  } finally {
    setStore(previous);
  }
}

describeWithWorld("scripts command", (ctx) => {
  beforeEach(async () => startScheduler(ctx.world));
  afterEach(async () => {
    await scheduler?.stop("shutdown");
    scheduler = null;
  });

  it("lists every script as a table, or says there are none", async () => {
    const { world } = ctx;
    await callCommand(world, CmdScripts, "", "No scripts found.");
    await world.unit(() => createScript(Ticker, { key: "weather", interval: 60, startDelay: true, desc: "rain and shine" }));
    await world.unit(() => world.obj1.scripts.add(Ticker, { key: "glow", interval: 10, repeats: 5, startDelay: true, persistent: false }));
    await clock.advance(15_000);
    const { text } = await callCommand(world, CmdScripts, "");
    expect(text).toMatch(/id.*obj.*key.*intval.*next.*rept.*db.*typeclas.*desc/);
    expect(text).toMatch(/#1.*<Global>.*weather.*60.*45s.*-\/-.*\*.*Ticker.*rain and/);
    expect(text).toMatch(new RegExp(`Obj\\(${world.obj1.dbref}\\).*glow.*10.*5s.*1/5.*-.*Ticker`));
  });

  it("finds scripts by #dbref, key, typeclass path and object, and reports no match", async () => {
    const { world } = ctx;
    const weather = await world.unit(() => createScript(Ticker, { key: "weather", interval: 60 }));
    await world.unit(() => world.obj1.scripts.add(Ticker, { key: "glow", interval: 10 }));
    expect((await callCommand(world, CmdScripts, weather.dbref)).text).toContain("weather");
    expect((await callCommand(world, CmdScripts, weather.dbref)).text).not.toContain("glow");
    expect((await callCommand(world, CmdScripts, "GLOW")).text).toContain("glow");
    const byPath = (await callCommand(world, CmdScripts, "Ticker")).text;
    expect(byPath).toContain("weather");
    expect(byPath).toContain("glow");
    const byObj = (await callCommand(world, CmdScripts, "Obj")).text;
    expect(byObj).toContain("glow");
    expect(byObj).not.toContain("weather");
    await callCommand(world, CmdScripts, "nothing", "No scripts found with a key 'nothing', or on an object named 'nothing'.");
    await callCommand(world, CmdScripts, "#9999", "No scripts found with a key '#9999'");
  });

  it("pauses, unpauses, stops, starts and deletes a script, and the database follows", async () => {
    const { world } = ctx;
    const s = await world.unit(() => world.obj1.scripts.add(Ticker, { key: "glow", interval: 10, startDelay: true }));
    await clock.advance(4_000);
    const paused = await callCommand(world, CmdScripts, `/pause ${s.dbref}`, "Script on Obj Paused - glow (tests.scriptscmd.Ticker)");
    expect(paused.text).toContain("PAUSED 6s");
    expect((await fromDb(world, s.id))!.pausedTimeLeft()).toBe(6);
    await clock.advance(100_000);
    await callCommand(world, CmdScripts, `/unpause ${s.dbref}`, "Script on Obj Unpaused - glow");
    expect(s.timeUntilNextRepeat()).toBe(6);
    await callCommand(world, CmdScripts, `/stop ${s.dbref}`, "Script on Obj Stopped - glow");
    expect((await fromDb(world, s.id))!.isActive).toBe(false);
    expect(scheduler!.size).toBe(0);
    await callCommand(world, CmdScripts, `/start ${s.dbref}`, "Script on Obj Started - glow");
    expect((await fromDb(world, s.id))!.isActive).toBe(true);
    expect(s.timeUntilNextRepeat()).toBe(10);
    const deleted = await callCommand(world, CmdScripts, `/delete ${s.dbref}`, "Script on Obj Deleted - glow");
    expect(deleted.text).not.toContain("intval");
    expect(s.isDeleted).toBe(true);
    expect(await fromDb(world, s.id)).toBeNull();
  });

  it("asks before acting on several scripts, and does nothing on no", async () => {
    const { world } = ctx;
    await world.unit(() => world.obj1.scripts.add(Ticker, { key: "a", interval: 10 }));
    await world.unit(() => world.obj1.scripts.add(Ticker, { key: "b", interval: 10 }));
    const no = await callCommand(world, CmdScripts, "/stop Obj", "Multiple scripts found:", { inputs: ["n"] });
    expect(JSON.stringify(world.output(world.session1))).toContain("Are you sure you want to stop all 2 of them? [Y]/N?");
    expect(no.text).toContain("Aborted.");
    expect((await world.obj1.scripts.all()).every((s) => s.isActive)).toBe(true);
    const yes = await callCommand(world, CmdScripts, "/stop Obj", "Multiple scripts found:", { inputs: [""] });
    expect(yes.text).toContain("Script on Obj Stopped - a");
    expect(yes.text).toContain("Script on Obj Stopped - b");
    expect((await world.obj1.scripts.all()).some((s) => s.isActive)).toBe(false);
  });

  it("a script deleted while the question waits is reported as gone, the others acted on", async () => {
    const { world } = ctx;
    const a = await world.unit(() => world.obj1.scripts.add(Ticker, { key: "a", interval: 10 }));
    await world.unit(() => world.obj1.scripts.add(Ticker, { key: "b", interval: 10 }));
    await callCommand(world, CmdScripts, "/delete Obj", "Multiple scripts found:");
    expect(hasPendingInput(world.session1)).toBe(true);
    await world.unit(() => a.delete());
    world.clearOutput();
    await answerInput(world.fixture.db, world.session1, "", takePendingInput(world.session1)!);
    const text = world.text(world.session1);
    expect(text).toContain("Script on Obj a (tests.scriptscmd.Ticker) was deleted meanwhile.");
    expect(text).toContain("Script on Obj Deleted - b");
    expect(text).not.toContain("Deleted - a");
    expect(await world.obj1.scripts.all()).toEqual([]);
  });

  it("adds a script to an object with <obj> = path, and reports a bad path", async () => {
    const { world } = ctx;
    await callCommand(world, CmdScripts, "Obj = mine:tests.scriptscmd.Ticker", "Script mine (tests.scriptscmd.Ticker) was added to Obj and started.");
    const [script] = await world.obj1.scripts.get("mine");
    expect(script!.isActive).toBe(true);
    expect((await fromDb(world, script!.id))!.obj?.id).toBe(world.obj1.id);
    await callCommand(world, CmdScripts, "Obj = no.such.Path", "Script no.such.Path could not be added to Obj:");
    await callCommand(world, CmdScripts, "Obj =", "Usage: scripts <obj> = <script.path or key:script.path>");
    await callCommand(world, CmdScripts, "nowhere = tests.scriptscmd.Ticker", "Could not find 'nowhere'.");
  });

  it("creates a global script from a typeclass path, with an optional key:", async () => {
    const { world } = ctx;
    await callCommand(world, CmdScripts, "tests.scriptscmd.Ticker", "Global Script Created - Ticker (tests.scriptscmd.Ticker)");
    await callCommand(world, CmdScripts, "beat:tests.scriptscmd.Ticker", "Global Script Created - beat (tests.scriptscmd.Ticker)");
    // now it names existing scripts: listed, not made again
    const listed = await callCommand(world, CmdScripts, "beat:tests.scriptscmd.Ticker");
    expect(listed.text).toContain("beat");
    expect(listed.text).not.toContain("Created");
    const rows = await world.fixture.db.query<{ key: string }>("SELECT key FROM scripts WHERE obj_id IS NULL ORDER BY id");
    expect(rows.map((r) => r.key)).toEqual(["Ticker", "beat"]);
    // a path that is not a script typeclass is just not found
    await callCommand(world, CmdScripts, "evennia.objects.DefaultObject", "No scripts found with a key 'evennia.objects.DefaultObject'");
  });

  it("refuses bad switch use with the usage line", async () => {
    const { world } = ctx;
    await callCommand(world, CmdScripts, "/stop", "Which script? Usage: scripts");
    await callCommand(world, CmdScripts, "/stop/pause x", "Give one switch at a time.");
    await callCommand(world, CmdScripts, "/stop Obj = x", 'Switches act on scripts found by name, not with "=".');
  });

  it("is refused to a plain Player and allowed to a Developer, through the command handler", async () => {
    const { world } = ctx;
    expect(await typed(world, "scripts")).toContain("Command 'scripts' is not available");
    expect(await typed(world, "scripts", world.session1)).toContain("No scripts found.");
  });
});
