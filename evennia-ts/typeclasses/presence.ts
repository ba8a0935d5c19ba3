/**
 * Is a subscriber online? An account is when it is logged in on a session, an object
 * when a session puppets it. The framework's answers follow the sessions alone, and
 * every change to those moves `presenceEpoch` (change-epochs.ts): code that asks it of many objects
 * at once (a channel line to 1,000 subscribers) may keep its answers while that counter
 * stands still — for objects whose class answers the framework's way. A class that
 * defines `isConnected` or `hasSessions` its own way (a bot that is always "connected")
 * is asked every time.
 */
const FOLLOWS_SESSIONS: unique symbol = Symbol("presence follows the sessions");

type Marked = { [FOLLOWS_SESSIONS]?: true };

/** The getters whose answer {@link presenceFollowsSessions} checks. */
const PRESENCE_GETTERS = ["isConnected", "hasSessions"] as const;

/**
 * @internal mark `prototype`'s getter `name` as one that answers from the sessions only
 * (`DefaultAccount.isConnected`, `DefaultObject.hasSessions`)
 */
export function markPresenceFromSessions(prototype: object, name: (typeof PRESENCE_GETTERS)[number]): void {
  const getter = Object.getOwnPropertyDescriptor(prototype, name)?.get;
  if (getter) (getter as Marked)[FOLLOWS_SESSIONS] = true;
  answerOfPrototype = new WeakMap();
}

/** True when a subscriber is online: an account or object with a session. */
export function isOnline(obj: object): boolean {
  const o = obj as { isConnected?: boolean; hasSessions?: boolean };
  return o.isConnected === true || o.hasSessions === true;
}

/**
 * True when {@link isOnline} of `obj` changes only with `presenceEpoch`: each of its
 * presence getters is missing or one the framework marked (not a field, not a getter of
 * the game's own).
 */
export function presenceFollowsSessions(obj: object): boolean {
  for (const name of PRESENCE_GETTERS) if (Object.hasOwn(obj, name)) return false;
  // the rest is the class's: worked out once per prototype (a channel asks it of 1,000 subscribers of a few classes)
  const prototype = Object.getPrototypeOf(obj) as object | null;
  if (!prototype) return true;
  let answer = answerOfPrototype.get(prototype);
  if (answer === undefined) {
    answer = chainFollowsSessions(prototype);
    answerOfPrototype.set(prototype, answer);
  }
  return answer;
}

/** {@link presenceFollowsSessions} of the objects made from each prototype (a getter patched onto a class later is not seen). */
let answerOfPrototype = new WeakMap<object, boolean>();

function chainFollowsSessions(prototype: object): boolean {
  for (const name of PRESENCE_GETTERS) {
    for (let level: object | null = prototype; level; level = Object.getPrototypeOf(level) as object | null) {
      const descriptor = Object.getOwnPropertyDescriptor(level, name);
      if (!descriptor) continue;
      if (!(descriptor.get as Marked | undefined)?.[FOLLOWS_SESSIONS]) return false;
      break;
    }
  }
  return true;
}
