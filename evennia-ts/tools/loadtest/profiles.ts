/**
 * What a virtual player does: each load-test client follows one profile, picked by
 * weight from the mix, and asks it for its next command line after every answer.
 *
 * - idler   sends an empty line now and then (the game prints nothing for it: only
 *           the end-of-command marker answers; see docs/perf.md "Load testing")
 * - looker  looks around, at itself, its inventory and who is online
 * - talker  says and poses in its room
 * - walker  walks through the exits it sees (back home when there are none; it looks
 *           instead while a command of its own is still under way: open loop)
 * - builder creates things, describes them, sets attributes, and now and then digs
 *           a room with exits to and from the current one (so walkers find exits);
 *           it keeps a few of each ({@link BUILDER_KEEPS}): past that it destroys its
 *           oldest thing before making another and digs no more, so a long run's
 *           world stops growing and its heap can be watched for leaks
 * - chatter talks on the Public channel
 */
import { EvenniaError } from "../../utils/errors.ts";

/** The profile names, in the order the report lists them. */
export const PROFILE_NAMES = ["idler", "looker", "talker", "walker", "builder", "chatter"] as const;

/** One profile's name. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** A random number in [0, 1) — `Math.random` or {@link seededRandom}. */
export type RandomSource = () => number;

/** What a client remembers between its commands (the profile reads and updates it). */
export interface ClientMemory {
  /** The client's account and character name. */
  readonly name: string;
  /** Commands this client has sent since it logged in. */
  step: number;
  /** Exit names in the room the client last saw (read from "Exits: ..." in its output). */
  exits: string[];
  /** Things and rooms this client's builder made so far. */
  made: number;
  /** The builder's things that still exist, oldest first. */
  things: string[];
  /** Rooms the builder dug. */
  rooms: number;
  /** True when the builder's last `create` step dug a room (there is no new thing to describe). */
  dug: boolean;
  /** Its commands sent and not answered yet (open loop: more than one may be). */
  inFlight: number;
}

/** A profile: how often it acts and what it sends. */
export interface Profile {
  readonly name: ProfileName;
  /** Its think time is this many times the run's (idlers act rarely). */
  readonly thinkFactor: number;
  /** True when its commands need the Builder permission. */
  readonly needsBuilder: boolean;
  /** The next command line (may be empty). */
  next(memory: ClientMemory, random: RandomSource): string;
}

function pick<T>(items: readonly T[], random: RandomSource): T {
  return items[Math.floor(random() * items.length)]!;
}

const builderSteps = ["create", "desc", "set"] as const;

/**
 * What one builder keeps at most: its things (it destroys the oldest before making
 * another) and the rooms it digs (it digs no more after these). With both reached the
 * builder still creates, describes, sets and destroys, and the world stays one size.
 */
export const BUILDER_KEEPS = { things: 6, rooms: 3 } as const;

/** Every profile by name. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  idler: { name: "idler", thinkFactor: 5, needsBuilder: false, next: () => "" },
  looker: {
    name: "looker",
    thinkFactor: 1,
    needsBuilder: false,
    next: (_m, random) => pick(["look", "look", "look me", "inventory", "who"], random),
  },
  talker: {
    name: "talker",
    thinkFactor: 1,
    needsBuilder: false,
    next: (m, random) => (random() < 0.7 ? `say Hello from ${m.name}, line ${m.step}.` : `pose looks around (${m.step}).`),
  },
  walker: {
    name: "walker",
    thinkFactor: 1,
    needsBuilder: false,
    next: (m, random) => {
      // exits seen before a move still under way may not be there any more: look instead
      if (m.inFlight > 0) return "look";
      if (m.exits.length === 0) return m.step % 2 === 0 ? "look" : "home";
      return pick(m.exits, random);
    },
  },
  builder: {
    name: "builder",
    thinkFactor: 1,
    needsBuilder: true,
    next: (m) => {
      const step = builderSteps[m.step % builderSteps.length]!;
      if (step === "create") {
        // the oldest thing goes first when it keeps as many as it may
        if (m.things.length >= BUILDER_KEEPS.things) return `destroy/force ${m.things.shift()!}`;
        m.made++;
        // every fourth thing: a room and a way there and back, for the walkers
        m.dug = m.made % 4 === 0 && m.rooms < BUILDER_KEEPS.rooms;
        if (m.dug) {
          m.rooms++;
          return `dig ${m.name}-room${m.made} = ${m.name}-way${m.made}, back`;
        }
        m.things.push(`${m.name}-thing${m.made}`);
        return `create ${m.name}-thing${m.made}`;
      }
      const last = m.things[m.things.length - 1];
      if (m.dug || last === undefined) return step === "desc" ? "look" : "inventory";
      return step === "desc" ? `desc ${last} = A thing the load tester made (step ${m.step}).` : `set ${last}/made_at = ${m.step}`;
    },
  },
  chatter: {
    name: "chatter",
    thinkFactor: 1,
    needsBuilder: false,
    next: (m) => `channel Public = ${m.name} chats (${m.step}).`,
  },
};

/** Profile weights, e.g. `{looker: 3, talker: 1}`. */
export type ProfileMix = Partial<Record<ProfileName, number>>;

/** The mix used when none is given. */
export const DEFAULT_MIX: ProfileMix = { idler: 1, looker: 3, talker: 2, walker: 2, builder: 1, chatter: 1 };

/**
 * Parse a mix: `mixed` (the default mix), one profile name (`looker`), or
 * `name=weight,...` (`looker=3,talker=1`). Throws a RangeError naming what is wrong.
 */
export function parseProfileMix(spec: string): ProfileMix {
  const text = spec.trim();
  if (text === "" || text === "mixed") return { ...DEFAULT_MIX };
  const mix: ProfileMix = {};
  for (const part of text.split(",")) {
    const [rawName, rawWeight, extra] = part.split("=").map((s) => s.trim());
    if (extra !== undefined) throw new EvenniaError("EV_ERR_BAD_INPUT", `"${part}" is not name=weight`);
    if (!(PROFILE_NAMES as readonly string[]).includes(rawName!)) {
      throw new EvenniaError("EV_ERR_BAD_INPUT", `unknown profile "${rawName}" (profiles: ${PROFILE_NAMES.join(", ")}, or "mixed")`);
    }
    const weight = rawWeight === undefined ? 1 : Number(rawWeight);
    if (!Number.isFinite(weight) || weight < 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `the weight of ${rawName} must be a number >= 0, got "${rawWeight}"`);
    mix[rawName as ProfileName] = weight;
  }
  if (Object.values(mix).every((w) => w === 0)) throw new EvenniaError("EV_ERR_BAD_INPUT", "every profile has weight 0");
  return mix;
}

/**
 * Deal profiles to `count` clients in proportion to the weights (largest remainder,
 * so 10 clients of `looker=1,talker=1` are 5 and 5), shuffled by `random`.
 */
export function assignProfiles(mix: ProfileMix, count: number, random: RandomSource): ProfileName[] {
  const entries = PROFILE_NAMES.map((name) => [name, mix[name] ?? 0] as const).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  const shares = entries.map(([name, w]) => ({ name, exact: (w / total) * count, n: Math.floor((w / total) * count) }));
  let left = count - shares.reduce((sum, s) => sum + s.n, 0);
  for (const s of [...shares].sort((a, b) => b.exact - b.n - (a.exact - a.n))) {
    if (left === 0) break;
    s.n++;
    left--;
  }
  const out: ProfileName[] = shares.flatMap((s) => new Array<ProfileName>(s.n).fill(s.name));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A small fast seeded generator (mulberry32), so a run can be repeated with `--seed`. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exit names from a room's text ("Exits: north, south and west" → three names; `(#12)` dbrefs dropped). */
export function exitsFromText(text: string): string[] | null {
  const match = /(?:^|\n)\s*Exits:\s*([^\n]*)/.exec(text);
  if (!match) return null;
  return match[1]!
    .split(/,\s*|\s+and\s+/)
    .map((name) => name.replace(/\(#\d+\)/g, "").replace(/^and\s+/, "").trim())
    .filter((name) => name.length > 0);
}
