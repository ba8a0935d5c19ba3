/**
 * Turns the server's link batch (everything sent to the portal within one event-loop
 * turn) into fewer messages: identical output for several sessions (a room's `say`
 * heard by 200 players) becomes ONE `multicast` naming them, so it crosses the link
 * and is rendered once instead of once per session.
 *
 * Order is kept per session: a session's messages reach it in the order they were
 * sent, whatever was merged. A message joins an earlier multicast only if nothing
 * was sent to that session since; messages that are not about one session's output
 * (`request`, `synced`, `web` ...) are barriers nothing is merged across.
 */
import type { OobMessage } from "../protocol/message.ts";
import type { ServerToPortal } from "../protocol/link-messages.ts";

/** What one turn's output became: the messages to send and how many `msg`s were merged away. */
export interface CoalescedBatch {
  messages: ServerToPortal[];
  /** `msg` messages that joined a multicast instead of crossing the link on their own. */
  merged: number;
}

interface Group {
  /** Position in the output. */
  at: number;
  sessids: number[];
  msgs: OobMessage[];
  /** The keys it is found by while open (dropped when its messages change). */
  keys: { array: OobMessage[]; json: string } | null;
}

/**
 * Coalesce one link batch. `msg`s with equal messages (the same array, or equal JSON)
 * for different sessions become one `multicast`; a session's `msg`s with nothing else for
 * it in between become one `msg`. Anything else passes through in place. Never reorders a session's
 * messages.
 */
export function coalesceOutput(batch: readonly ServerToPortal[]): CoalescedBatch {
  // fast exit: nothing to merge unless two msgs are present
  let msgCount = 0;
  for (const m of batch) if (m.t === "msg" && ++msgCount > 1) break;
  if (msgCount < 2) return { messages: batch as ServerToPortal[], merged: 0 };

  const out: (ServerToPortal | Group)[] = [];
  /** Open groups by the identity of their messages array, and by its JSON. */
  const byArray = new Map<OobMessage[], Group>();
  const byJson = new Map<string, Group>();
  /** Output position of the last thing sent to each session. */
  const lastAt = new Map<number, number>();
  /** Output position of the last barrier: groups before it are closed. */
  let barrier = -1;
  let merged = 0;
  /** The group made last (most messages join it). */
  let lastGroup: Group | null = null;

  for (const message of batch) {
    if (message.t !== "msg") {
      const sessid = "sessid" in message ? message.sessid : undefined;
      if (sessid === undefined) barrier = out.length;
      else lastAt.set(sessid, out.length);
      out.push(message);
      continue;
    }
    const { sessid, msgs } = message;
    const last = lastAt.get(sessid) ?? -1;
    // the session's last output is a msg of its own: extend it (output to other sessions
    // since then does not matter, they are other connections)
    const previous = out[last];
    if (last > barrier && previous && isGroup(previous) && previous.sessids.length === 1 && previous.sessids[0] === sessid) {
      previous.msgs = [...previous.msgs, ...msgs];
      if (previous.keys) {
        if (byArray.get(previous.keys.array) === previous) byArray.delete(previous.keys.array);
        if (byJson.get(previous.keys.json) === previous) byJson.delete(previous.keys.json);
        previous.keys = null;
      }
      merged++;
      continue;
    }
    let group = byArray.get(msgs);
    let json: string | undefined;
    // the common case (a room's say): the same text as the group made last, compared without JSON
    if (!group && lastGroup?.keys && sameMessages(msgs, lastGroup.msgs)) group = lastGroup;
    if (!group) {
      json = JSON.stringify(msgs);
      group = byJson.get(json);
      if (group) byArray.set(msgs, group);
    }
    // (a session already in the group has `last` at or after it)
    if (group && group.at > barrier && group.at > last) {
      group.sessids.push(sessid);
      lastAt.set(sessid, group.at);
      merged++;
      continue;
    }
    json ??= JSON.stringify(msgs);
    const fresh: Group = { at: out.length, sessids: [sessid], msgs, keys: { array: msgs, json } };
    out.push(fresh);
    lastGroup = fresh;
    lastAt.set(sessid, fresh.at);
    byArray.set(msgs, fresh);
    byJson.set(json, fresh);
  }

  const messages: ServerToPortal[] = out.map((entry) => {
    if (!isGroup(entry)) return entry;
    return entry.sessids.length === 1
      ? { t: "msg", sessid: entry.sessids[0]!, msgs: entry.msgs }
      : { t: "multicast", sessids: entry.sessids, msgs: entry.msgs };
  });
  return { messages, merged };
}

function isGroup(entry: ServerToPortal | Group): entry is Group {
  return "at" in entry && Array.isArray((entry as Group).sessids);
}

/**
 * True when two message lists are equal, compared directly for the usual shape (strings,
 * numbers and booleans in `args` and `kwargs` values); false when unsure (nested values),
 * and the caller compares their JSON instead.
 */
function sameMessages(a: readonly OobMessage[], b: readonly OobMessage[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const [cmdA, argsA, kwargsA] = a[i]!;
    const [cmdB, argsB, kwargsB] = b[i]!;
    if (cmdA !== cmdB || argsA.length !== argsB.length) return false;
    for (let j = 0; j < argsA.length; j++) if (!samePrimitive(argsA[j], argsB[j])) return false;
    const keysA = Object.keys(kwargsA);
    if (keysA.length !== Object.keys(kwargsB).length) return false;
    // same keys in the same order, as JSON would need
    let k = 0;
    for (const key in kwargsB) if (key !== keysA[k++] || !samePrimitive(kwargsA[key], kwargsB[key])) return false;
  }
  return true;
}

function samePrimitive(x: unknown, y: unknown): boolean {
  const type = typeof x;
  return x === y && (type === "string" || type === "number" || type === "boolean") && (type !== "number" || Number.isFinite(x as number));
}
