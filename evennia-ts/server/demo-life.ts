/**
 * What moves by itself in the demo world: Pip the gardener, who wanders on a
 * script and answers when spoken to, and dawn and dusk on the game clock, told in
 * the open-air rooms. Set up once (the first start with timers running) when the
 * `demoWorld` setting is on; the script and the schedules persist from then on.
 * And, for the webclient's vitals bar, a character puppeted in the demo game is
 * sent made-up vitals (`char_vitals`) — a demo of OOB data, not a framework default.
 */
import type { Settings } from "../conf/settings.ts";
import type { Database } from "../db/database.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import type { OutputSpec } from "../protocol/message.ts";
import { gametime } from "../timers/gametime.ts";
import { delay } from "../timers/task-handler.ts";
import { DefaultCharacter } from "../typeclasses/characters.ts";
import { canAccess } from "../typeclasses/object-access.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import { registerTypeclass } from "../typeclasses/registry.ts";
import { DefaultScript } from "../typeclasses/scripts.ts";
import { search } from "../typeclasses/search.ts";
import { signals } from "../typeclasses/signals.ts";
import { getLogger } from "../utils/logger.ts";
import type { ServerConfig } from "./server-config.ts";

const log = getLogger("demo");

/** Tag category of the demo world's own tags. */
export const DEMO_TAG_CATEGORY = "demo";
/** Tag of rooms under the open sky (they hear dawn and dusk). */
export const OUTDOOR_TAG = "outdoor";
/** Tag of the gardener. */
export const GARDENER_TAG = "gardener";
/** Real seconds between two of the gardener's walks. */
export const WANDER_INTERVAL = 90;

/** What a line of speech seen by a listener says: the part in quotes of `Anna says, "hello"`. */
export function spokenWords(text: string): string {
  const match = /"(.*)"\s*$/s.exec(text);
  return (match ? match[1]! : text).replace(/\|[a-zA-Z]/g, "").trim();
}

/** The gardener's answer to `words` said by `speaker`. */
export function gardenerAnswer(speaker: string, words: string): string {
  const w = words.toLowerCase();
  if (/\b(hello|hi|hey|greetings)\b/.test(w)) return `Good day to you, ${speaker}! Lovely weather for the herbs.`;
  if (/\bkey\b/.test(w)) return "A brass key? I saw one glinting in the garden, near the apple tree.";
  if (/\b(tower|door)\b/.test(w)) return "The tower door only opens for whoever carries its brass key.";
  if (/\b(archive|trapdoor)\b/.test(w)) return "The archive is for Builders. Even I'm not allowed down there.";
  if (/\b(bye|goodbye|farewell)\b/.test(w)) return `Mind the bees on your way, ${speaker}.`;
  return `Hmm? I only know about plants, ${speaker}. Ask me about the key or the tower.`;
}

/** Pip the gardener: wanders (see {@link WanderScript}) and answers what is said near him. */
export class DemoGardener extends DefaultCharacter {
  /** Hear speech in the room and answer a moment later. */
  override atMsgReceive(text: OutputSpec, fromObj: DefaultObject | null): boolean | void {
    const speech = text.text;
    if (!Array.isArray(speech) || typeof speech[0] !== "string") return true;
    const kwargs = speech[1] as { type?: string } | undefined;
    if (kwargs?.type !== "say" || !(fromObj instanceof DefaultCharacter) || fromObj === this || fromObj instanceof DemoGardener) return true;
    delay(1.5, [this, "answerSpeaker"], { args: [fromObj.key, spokenWords(speech[0])], persistent: false });
    return true;
  }

  /** Say the answer to `words` (run by the delay). */
  async answerSpeaker(speaker: string, words: string): Promise<void> {
    if (!this.location) return;
    this.atSay(gardenerAnswer(speaker, words));
  }

  /** Tell the open-air rooms the sun rises (game time 06:00). */
  async announceDawn(): Promise<void> {
    await tellOutdoors("|yThe sun rises over the demo world; birds start to sing.|n");
  }

  /** Tell the open-air rooms the sun sets (game time 18:00). */
  async announceDusk(): Promise<void> {
    await tellOutdoors("|bThe sun sets; lanterns flicker on around the courtyard.|n");
  }
}

async function tellOutdoors(text: string): Promise<void> {
  const rooms = await search<DefaultObject>({ tag: { key: OUTDOOR_TAG, category: DEMO_TAG_CATEGORY } });
  for (const room of rooms) room.msgContents(text);
}

/** Moves its object through a random exit it may pass, now and then (never through locked doors). */
export class WanderScript extends DefaultScript {
  override async atRepeat(): Promise<void> {
    const walker = this.obj;
    const here = walker?.location;
    if (!walker || !here) return;
    await here.loadContents();
    const ways = here.exits.filter((e) => e.destination && canAccess(e, walker, "traverse"));
    if (ways.length === 0) return;
    const exit = ways[Math.floor(Math.random() * ways.length)]!;
    await walker.moveTo(exit.destination!, { moveType: "traverse", exitObj: exit });
  }
}

registerTypeclass("evennia.demo.Gardener", DemoGardener);
registerTypeclass("evennia.demo.WanderScript", WanderScript);

/** The vitals the demo sends a character's client (the webclient draws them as bars). */
export const DEMO_VITALS = Object.freeze({ hp: 7, hpmax: 10, mp: 3, mpmax: 5 });

/** Stops the current process's vitals listener (so a server reload in one process listens once). */
let stopDemoVitals: (() => void) | null = null;

/**
 * Send {@link DEMO_VITALS} as `char_vitals` to every session that puppets a character
 * (OOB data for clients that draw it, such as the webclient's vitals bar).
 */
export function sendDemoVitalsOnPuppet(): void {
  stopDemoVitals?.();
  stopDemoVitals = signals.on("accountPuppeted", ({ session, object }) => {
    if (object instanceof DefaultCharacter) session.msg({ char_vitals: [[], { ...DEMO_VITALS }] });
  });
}

/**
 * Start the demo world's life once: the gardener's wander script and the dawn and
 * dusk schedules (they persist, so later starts find them). Needs the timers and
 * the script scheduler running. Does nothing without the demo world. At every start
 * with the demo world, puppeted characters are sent the demo vitals
 * ({@link sendDemoVitalsOnPuppet}).
 */
export async function startDemoLife(db: Database, config: ServerConfig, settings: Pick<Settings, "demoWorld">): Promise<boolean> {
  if (!settings.demoWorld) {
    // a reload in the same process with the demo world turned off stops the vitals too
    stopDemoVitals?.();
    stopDemoVitals = null;
    return false;
  }
  sendDemoVitalsOnPuppet();
  if ((await config.get("demo_life_started")) === "1") return false;
  return runInUnitOfWork(db, async () => {
    const [gardener] = await search<DefaultObject>({ tag: { key: GARDENER_TAG, category: DEMO_TAG_CATEGORY } });
    if (!(gardener instanceof DemoGardener)) {
      log.warn("the demo world has no gardener; nothing moves by itself");
      config.stage("demo_life_started", "1");
      return false;
    }
    await gardener.scripts.add(WanderScript, { key: "wander", interval: WANDER_INTERVAL, startDelay: true, desc: "Pip wanders around", persistent: true });
    gametime.schedule([gardener, "announceDawn"], { hour: 6, min: 0 }, { repeat: true });
    gametime.schedule([gardener, "announceDusk"], { hour: 18, min: 0 }, { repeat: true });
    config.stage("demo_life_started", "1");
    log.info("the demo world's gardener walks, and the sun rises and sets on game time");
    return true;
  });
}
