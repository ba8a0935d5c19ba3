/**
 * The demo world's life (issue 14 point 13) in fake time: Pip the gardener answers
 * what is said near him, wanders through exits he may pass (never a locked one),
 * and dawn and dusk are told in the open-air rooms at 06:00 and 18:00 game time;
 * setting it up happens once.
 */
import { afterEach, expect, it } from "vitest";
import { CmdSay } from "../../evennia-ts/commands/default/general.ts";
import { DEMO_TAG_CATEGORY, DEMO_VITALS, DemoGardener, GARDENER_TAG, gardenerAnswer, OUTDOOR_TAG, spokenWords, startDemoLife, WanderScript } from "../../evennia-ts/server/demo-life.ts";
import { ServerConfig } from "../../evennia-ts/server/server-config.ts";
import { callCommand } from "../../evennia-ts/testing/call-command.ts";
import { ManualClock } from "../../evennia-ts/testing/manual-clock.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { gametime } from "../../evennia-ts/timers/gametime.ts";
import { startTimerServices, stopTimerServices } from "../../evennia-ts/timers/timer-services.ts";
import { signals } from "../../evennia-ts/typeclasses/signals.ts";
import { createObject, DefaultExit, DefaultRoom } from "../../evennia-ts/typeclasses/index.ts";

it("reads the words out of speech and answers by keyword", () => {
  expect(spokenWords('Anna says, "where is the |wkey|n?"')).toBe("where is the key?");
  expect(gardenerAnswer("Anna", "hello")).toMatch(/^Good day to you, Anna!/);
  expect(gardenerAnswer("Anna", "the tower door")).toMatch(/brass key/);
  expect(gardenerAnswer("Anna", "what?")).toMatch(/Ask me about the key or the tower/);
});

describeWithWorld("the demo world's life", (w) => {
  afterEach(async () => {
    await stopTimerServices();
  });

  async function gardenerIn(room = w.world.room1) {
    return w.world.unit(async () => {
      const pip = await createObject(DemoGardener, { key: "Pip", location: room, home: room });
      pip.tags.add(GARDENER_TAG, DEMO_TAG_CATEGORY);
      return pip;
    });
  }

  it("answers a player who speaks near him, a moment later", async () => {
    const clock = new ManualClock();
    await startTimerServices({ db: w.world.fixture.db, settings: w.world.settings, clock });
    await gardenerIn();
    await callCommand(w.world, CmdSay, "hello Pip", 'You say, "hello Pip"');
    expect(w.world.text(w.world.session1)).not.toContain("Pip says");
    await clock.advance(2000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(w.world.text(w.world.session1)).toContain('Pip says, "Good day to you, Char! Lovely weather for the herbs."');
  });

  it("wanders only through exits he may pass", async () => {
    const pip = await gardenerIn();
    await w.world.unit(async () => {
      const vault = await createObject(DefaultRoom, { key: "Vault" });
      await createObject(DefaultExit, { key: "locked", location: w.world.room1, destination: vault, locks: "traverse:false()" });
    });
    for (let i = 0; i < 6; i++) {
      // one script, run six times
      const script = await w.world.unit(async () => {
        const s = ((await pip.scripts.get("walk"))[0] as WanderScript | undefined) ?? (await pip.scripts.add(WanderScript, { key: "walk", interval: 3600, startDelay: true }));
        await s.atRepeat();
        return s;
      });
      expect(script).toBeInstanceOf(WanderScript);
      expect(["Room", "Room2"]).toContain(pip.location!.key);
    }
    expect(await w.world.unit(() => pip.scripts.get("walk"))).toHaveLength(1);
  });

  it("starts once: the wander script and the dawn and dusk schedules, which reach the open-air rooms", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    await startTimerServices({ db: w.world.fixture.db, settings: w.world.settings, clock });
    const pip = await gardenerIn(w.world.room2);
    await w.world.unit(async () => w.world.room1.tags.add(OUTDOOR_TAG, DEMO_TAG_CATEGORY));
    const config = new ServerConfig(w.world.fixture.db);
    expect(await startDemoLife(w.world.fixture.db, config, { demoWorld: false })).toBe(false);
    expect(await startDemoLife(w.world.fixture.db, config, { demoWorld: true })).toBe(true);
    expect(await startDemoLife(w.world.fixture.db, config, { demoWorld: true })).toBe(false);
    expect(await w.world.unit(() => pip.scripts.get("wander"))).toHaveLength(1);
    expect(gametime.scheduled().filter((e) => e.persistent)).toHaveLength(2);
    w.world.clearOutput();
    // a whole game day passes: one dawn and one dusk, heard in room1 (outdoors), not by Pip's room2
    const day = (24 * 3600 * 1000) / w.world.settings.timeFactor;
    await clock.advance(day + 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const heard = w.world.text(w.world.session1);
    expect(heard.match(/The sun rises/g)).toHaveLength(1);
    expect(heard.match(/The sun sets/g)).toHaveLength(1);
  });

  it("sends the demo vitals to a session that puppets a character, only with the demo world", async () => {
    const config = new ServerConfig(w.world.fixture.db);
    const vitalsOf = () => w.world.output(w.world.session1).filter(([cmdname]) => cmdname === "char_vitals");
    try {
      await startDemoLife(w.world.fixture.db, config, { demoWorld: false });
      await w.world.unit(async () => {
        await w.world.account1.unpuppetObject(w.world.session1);
        await w.world.account1.puppetObject(w.world.session1, w.world.char1);
      });
      await signals.idle();
      expect(vitalsOf()).toEqual([]);

      await startDemoLife(w.world.fixture.db, config, { demoWorld: true });
      // a second start in the same process (a reload) does not send them twice
      await startDemoLife(w.world.fixture.db, config, { demoWorld: true });
      await w.world.unit(async () => {
        await w.world.account1.unpuppetObject(w.world.session1);
        await w.world.account1.puppetObject(w.world.session1, w.world.char1);
      });
      await signals.idle();
      expect(vitalsOf()).toEqual([["char_vitals", [], { ...DEMO_VITALS }]]);
    } finally {
      signals.clear("accountPuppeted");
    }
  });
});
