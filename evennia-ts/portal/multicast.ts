/**
 * Delivery of a multicast (the same messages for many sessions, one link message):
 * the sessions are grouped by their transport's render key (protocol, colour depth,
 * screen reader, MXP ...), the messages are rendered once per group, and that output
 * goes to every session of the group. Sessions whose transport cannot share output
 * (or messages that change a connection's state) are sent to one by one.
 */
import type { OobMessage } from "../protocol/message.ts";
import type { RenderedOutput } from "./session-transport.ts";
import type { PortalSession } from "./portal-sessions.ts";

/** Counts of multicast delivery (for tests, benchmarks and diagnostics). */
export interface MulticastStats {
  /** Multicast messages delivered. */
  multicasts: number;
  /** Sessions they reached. */
  deliveries: number;
  /** Times the messages were rendered: once per group of sessions with one render key. */
  renders: number;
  /** Sessions sent to one by one (their transport cannot share output). */
  unshared: number;
}

/** Fresh, zeroed {@link MulticastStats}. */
export function newMulticastStats(): MulticastStats {
  return { multicasts: 0, deliveries: 0, renders: 0, unshared: 0 };
}

/** Deliver `msgs` to each of `sessions`, rendering once per render key. */
export function deliverMulticast(
  sessions: Iterable<PortalSession>,
  msgs: OobMessage[],
  stats: MulticastStats = newMulticastStats(),
  broadcast = false,
): void {
  stats.multicasts++;
  /** Rendered output by render key; null: that key's transport could not render these messages. */
  const rendered = new Map<string, RenderedOutput | null>();
  for (const session of sessions) {
    if (session.isDisconnected) continue;
    stats.deliveries++;
    const transport = session.transport;
    const key = transport.render && transport.sendRendered && transport.renderKey ? transport.renderKey(msgs) : null;
    if (key === null) {
      stats.unshared++;
      session.send(msgs);
      continue;
    }
    let output = rendered.get(key);
    if (output === undefined) {
      output = transport.render!(msgs);
      if (output !== null) stats.renders++;
      rendered.set(key, output);
    }
    if (output === null) {
      stats.unshared++;
      session.send(msgs);
    } else {
      transport.sendRendered!(output, broadcast);
    }
  }
}
