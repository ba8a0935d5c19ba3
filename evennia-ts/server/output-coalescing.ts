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
import { MAX_MULTICAST_SESSIONS, type ServerToPortal } from "../protocol/link-messages.ts";

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
  /** True once `msgs` is a copy of its own (a session's later messages were appended to it). */
  owned: boolean;
  /** False once merged into an earlier group of the same session (left out of the output). */
  kept: boolean;
}

/** One distinct message list in the batch and the groups made for it, in output order. */
interface Content {
  msgs: OobMessage[];
  groups: Group[];
  /** Its JSON, once needed. */
  json?: string;
}

/**
 * Positions by sessid for one batch at a time, in maps kept between batches: a batch
 * with a channel line's multicast to 1,000 sessions makes no map of 1,000 entries.
 * An entry counts only if it was set in the current batch.
 */
class BatchPositions {
  private readonly at = new Map<number, number>();
  private readonly batchOf = new Map<number, number>();
  private batch = 0;

  /** Start a batch: no position is known. */
  begin(): this {
    this.batch = (this.batch + 1) & 0x3fff_ffff;
    // sessions come and go: forget them all now and then, and whenever the count wraps
    if (this.batch === 0 || this.at.size > 50_000) {
      this.at.clear();
      this.batchOf.clear();
      if (this.batch === 0) this.batch = 1;
    }
    return this;
  }

  get(sessid: number): number | undefined {
    return this.batchOf.get(sessid) === this.batch ? this.at.get(sessid) : undefined;
  }

  set(sessid: number, position: number): void {
    this.at.set(sessid, position);
    this.batchOf.set(sessid, this.batch);
  }
}

const positionsOf = new BatchPositions();

/**
 * Coalesce one link batch. `msg`s with equal messages (the same array, or equal JSON)
 * for different sessions become one `multicast`; a session's `msg`s with nothing else for
 * it in between become one `msg`. Anything else passes through in place. Never reorders a session's
 * messages.
 *
 * Two passes: first every `msg` joins the earliest group of equal messages it may join
 * (one made after the session's last output and after the last barrier) or starts one;
 * then a group left with a single session is appended to that session's previous group
 * when that was a single-session group too and nothing else for it came between. (Merging
 * a session's own messages while grouping would keep them out of the multicasts: when
 * several says share a turn, every listener's next say would be appended to its own
 * earlier output instead of joining the others.)
 */
export function coalesceOutput(batch: readonly ServerToPortal[]): CoalescedBatch {
  // fast exit: nothing to merge unless two msgs are present
  let msgCount = 0;
  for (const m of batch) if (m.t === "msg" && ++msgCount > 1) break;
  if (msgCount < 2) return { messages: batch as ServerToPortal[], merged: 0 };

  const out: (ServerToPortal | Group)[] = [];
  /** Distinct message lists by the identity of their array, and by a short key of their first message. */
  const byArray = new Map<OobMessage[], Content>();
  const byKey = new Map<string, Content[]>();
  /** Output position of the last thing sent to each session. */
  const lastAt = positionsOf.begin();
  /** Output position of the last barrier: groups before it are closed. */
  let barrier = -1;
  /** The content seen last (most messages of a say share it). */
  let lastContent: Content | null = null;
  let msgs = 0;

  for (const message of batch) {
    if (message.t !== "msg") {
      // output for some sessions (a multicast made by the sender) closes their groups only; anything else is a barrier
      if (message.t === "multicast") for (const id of message.sessids) lastAt.set(id, out.length);
      else if ("sessid" in message) lastAt.set(message.sessid, out.length);
      else barrier = out.length;
      out.push(message);
      continue;
    }
    msgs++;
    const { sessid } = message;
    const content = contentOf(message.msgs);
    // the earliest group of this content the session may join: after its last output and the last barrier
    const after = Math.max(barrier, lastAt.get(sessid) ?? -1);
    let group: Group | undefined;
    for (const g of content.groups) {
      if (g.at > after) {
        group = g;
        break;
      }
    }
    if (group) {
      group.sessids.push(sessid);
    } else {
      group = { at: out.length, sessids: [sessid], msgs: content.msgs, owned: false, kept: true };
      out.push(group);
      content.groups.push(group);
    }
    lastAt.set(sessid, group.at);
  }

  // second pass: a session's single-session groups with nothing else for it between become one
  const ownGroup = new Map<number, Group>();
  let groups = 0;
  for (const entry of out) {
    if (!isGroup(entry)) {
      if (entry.t === "multicast") for (const id of entry.sessids) ownGroup.delete(id);
      else if ("sessid" in entry) ownGroup.delete(entry.sessid);
      else ownGroup.clear();
      continue;
    }
    if (entry.sessids.length > 1) {
      for (const id of entry.sessids) ownGroup.delete(id);
      groups++;
      continue;
    }
    const sessid = entry.sessids[0]!;
    const own = ownGroup.get(sessid);
    if (own) {
      if (!own.owned) {
        own.msgs = [...own.msgs];
        own.owned = true;
      }
      own.msgs.push(...entry.msgs);
      entry.kept = false;
    } else {
      ownGroup.set(sessid, entry);
      groups++;
    }
  }

  const messages: ServerToPortal[] = [];
  for (const entry of out) {
    if (!isGroup(entry)) messages.push(entry);
    else if (!entry.kept) continue;
    else if (entry.sessids.length === 1) messages.push({ t: "msg", sessid: entry.sessids[0]!, msgs: entry.msgs });
    else messages.push({ t: "multicast", sessids: entry.sessids, msgs: entry.msgs });
  }
  return { messages, merged: msgs - groups };

  /** The content `list` is: the same array or equal messages as one seen before, else a new one. */
  function contentOf(list: OobMessage[]): Content {
    let content = byArray.get(list);
    if (content) return (lastContent = content);
    // the common case (a room's say): equal to the content seen last, compared without JSON
    if (lastContent && sameMessages(list, lastContent.msgs)) content = lastContent;
    else {
      // others with the same short key are compared directly; JSON only for what that cannot decide
      // (a look's 2 KB text, unique to its looker, is never serialised here)
      const key = shortKey(list);
      const candidates = byKey.get(key);
      content = candidates?.find((c) => sameMessages(list, c.msgs));
      if (!content && candidates && !(plainMessages(list) && candidates.every((c) => plainMessages(c.msgs)))) {
        const json = JSON.stringify(list);
        content = candidates.find((c) => (c.json ??= JSON.stringify(c.msgs)) === json);
      }
      if (!content) {
        content = { msgs: list, groups: [] };
        if (candidates) candidates.push(content);
        else byKey.set(key, [content]);
      }
    }
    byArray.set(list, content);
    return (lastContent = content);
  }
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
  // (indexed, not destructured: destructuring walks an iterator, made for every message of a busy turn)
  for (let i = 0; i < a.length; i++) {
    const messageA = a[i]!;
    const messageB = b[i]!;
    const argsA = messageA[1];
    const argsB = messageB[1];
    const kwargsA = messageA[2];
    const kwargsB = messageB[2];
    if (messageA[0] !== messageB[0] || argsA.length !== argsB.length) return false;
    for (let j = 0; j < argsA.length; j++) if (!samePrimitive(argsA[j], argsB[j])) return false;
    const keysA = Object.keys(kwargsA);
    if (keysA.length !== Object.keys(kwargsB).length) return false;
    // same keys in the same order, as JSON would need
    let k = 0;
    for (const key in kwargsB) if (key !== keysA[k++] || !samePrimitive(kwargsA[key], kwargsB[key])) return false;
  }
  return true;
}

/** A cheap key equal lists share: the count, the first cmdname and the first argument's length and start. */
function shortKey(list: readonly OobMessage[]): string {
  const first = list[0];
  if (!first) return "0";
  const arg = first[1][0];
  const text = typeof arg === "string" ? `${arg.length}:${arg.slice(0, 24)}` : typeof arg;
  return `${list.length}:${first[0]}:${first[1].length}:${text}`;
}

/** True when every argument and kwarg value is a string, number or boolean ({@link sameMessages} decides those exactly). */
function plainMessages(list: readonly OobMessage[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const args = list[i]![1];
    const kwargs = list[i]![2];
    for (let j = 0; j < args.length; j++) if (!isPlain(args[j])) return false;
    for (const key in kwargs) if (!isPlain(kwargs[key])) return false;
  }
  return true;
}

function isPlain(x: unknown): boolean {
  const type = typeof x;
  return type === "string" || type === "boolean" || (type === "number" && Number.isFinite(x as number));
}

function samePrimitive(x: unknown, y: unknown): boolean {
  const type = typeof x;
  return x === y && (type === "string" || type === "number" || type === "boolean") && (type !== "number" || Number.isFinite(x as number));
}

/**
 * The chunk of {@link sharedOutputMessages} each sessid was last put in, kept between
 * calls so that a line to 1,000 sessions makes no set of its own; cleared when it holds
 * many more sessids than one call names (sessions come and go).
 */
const chunkOfSessid = new Map<number, number>();
let lastChunk = 0;

/** A number no chunk has now (a small integer: the map is cleared when the count wraps). */
function nextChunk(): number {
  lastChunk = (lastChunk + 1) & 0x3fff_ffff;
  if (lastChunk === 0) {
    chunkOfSessid.clear();
    lastChunk = 1;
  }
  return lastChunk;
}

/**
 * The link messages that give `msgs` to each of `sessids`, in order: one `msg` for a
 * single session, else `multicast`s marked `broadcast` (a session named twice gets its second copy in a
 * later multicast, after the first; at most `MAX_MULTICAST_SESSIONS` a message). The usual case
 * (no session twice) is one multicast naming `sessids` itself: the caller gives the list up.
 */
export function sharedOutputMessages(sessids: readonly number[], msgs: OobMessage[]): ServerToPortal[] {
  if (sessids.length === 1) return [{ t: "msg", sessid: sessids[0]!, msgs }];
  if (chunkOfSessid.size > 2 * sessids.length + 10_000) chunkOfSessid.clear();
  let chunk = nextChunk();
  let repeated = sessids.length > MAX_MULTICAST_SESSIONS;
  for (let i = 0; i < sessids.length && !repeated; i++) {
    const id = sessids[i]!;
    if (chunkOfSessid.get(id) === chunk) repeated = true;
    else chunkOfSessid.set(id, chunk);
  }
  if (!repeated) return sessids.length === 0 ? [] : [{ t: "multicast", sessids: sessids as number[], msgs, broadcast: true }];

  const out: ServerToPortal[] = [];
  let ids: number[] = [];
  const close = () => {
    if (ids.length === 1) out.push({ t: "msg", sessid: ids[0]!, msgs });
    else if (ids.length > 1) out.push({ t: "multicast", sessids: ids, msgs, broadcast: true });
    ids = [];
    chunk = nextChunk();
  };
  chunk = nextChunk();
  for (const id of sessids) {
    if (chunkOfSessid.get(id) === chunk || ids.length >= MAX_MULTICAST_SESSIONS) close();
    ids.push(id);
    chunkOfSessid.set(id, chunk);
  }
  close();
  return out;
}
