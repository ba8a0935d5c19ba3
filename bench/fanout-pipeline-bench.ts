/**
 * The fan-out pipeline without sockets (issue 16): what the link and the portal's
 * renderer do for one `say` in a room of `--players` telnet players, per message as
 * before (one link message per listener, rendered per listener) and as now (one
 * multicast, rendered once per capability group). Both run the real functions —
 * `coalesceOutput`, `encodeFrame`, `FrameDecoder`, `parseServerMessage`, the telnet
 * renderer and encoder — in the same process, alternating, and report CPU time per say
 * and per delivered message (best of the rounds). The kernel's socket writes, the same
 * in both, are left out: `bench/fanout-bench.ts` measures the whole path with them.
 *
 *   node --import tsx bench/fanout-pipeline-bench.ts [--players=200] [--says=2000] [--groups=3]
 */
import { parseArgs } from "node:util";
import { encodeFrame, FrameDecoder } from "../evennia-ts/protocol/framing.ts";
import { parseServerMessage, type ServerToPortal } from "../evennia-ts/protocol/link-messages.ts";
import type { OobMessage } from "../evennia-ts/protocol/message.ts";
import { renderTelnetText, type TextCaps } from "../evennia-ts/portal/telnet/text-output.ts";
import { encodeTelnetText } from "../evennia-ts/portal/telnet/text-encoding.ts";
import { coalesceOutput } from "../evennia-ts/server/output-coalescing.ts";

const { values: args } = parseArgs({
  options: {
    players: { type: "string", default: "200" },
    says: { type: "string", default: "2000" },
    groups: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
  },
});
const players = Number(args.players);
const says = Number(args.says);
const ALL_CAPS: TextCaps[] = [
  { color: "ansi", screenReader: false },
  { color: "xterm256", screenReader: false },
  { color: "none", screenReader: false },
  { color: "ansi", screenReader: true },
  { color: "truecolor", screenReader: false },
];
const CAPS = ALL_CAPS.slice(0, Number(args.groups));
const capsOf = (sessid: number): TextCaps => CAPS[sessid % CAPS.length]!;

/** The server's batch for one say: the speaker's echo and prompt, and the line for each listener (as session.msg makes them). */
function sayBatch(i: number): ServerToPortal[] {
  const batch: ServerToPortal[] = [{ t: "msg", sessid: 1, msgs: [["text", [`You say, "|n|whello there, number ${i}|n"`], { type: "say" }]] }];
  for (let sessid = 2; sessid <= players; sessid++) {
    const msgs: OobMessage[] = [["text", [`|cAnna|n says, "|whello there, number ${i}|n"`], { type: "say" }]];
    batch.push({ t: "msg", sessid, msgs });
  }
  batch.push({ t: "msg", sessid: 1, msgs: [["prompt", ["|cAnna|n @ |wLimbo|n > "], {}]] });
  return batch;
}

/** Render one text for one client as the telnet session does (markup → ANSI, encode, line end). */
function renderFor(text: string, caps: TextCaps): Buffer {
  return encodeTelnetText(renderTelnetText(text, caps) + "\n", "utf-8");
}

/** Server batch → frame → decode → validate → render; returns bytes "written". */
function pipeline(batch: ServerToPortal[], multicast: boolean, decoder: FrameDecoder): number {
  const out = multicast ? coalesceOutput(batch).messages : batch;
  const frame = encodeFrame(out);
  let bytes = 0;
  for (const value of decoder.push(frame) as unknown[][]) {
    for (const raw of value) {
      const msg = parseServerMessage(raw)!;
      if (msg.t === "msg") {
        for (const m of msg.msgs) bytes += renderFor(String(m[1][0]), capsOf(msg.sessid)).length;
      } else if (msg.t === "multicast") {
        const rendered = new Map<TextCaps, Buffer>();
        for (const sessid of msg.sessids) {
          const caps = capsOf(sessid);
          let b = rendered.get(caps);
          if (!b) {
            b = Buffer.concat(msg.msgs.map((m) => renderFor(String(m[1][0]), caps)));
            rendered.set(caps, b);
          }
          bytes += b.length;
        }
      }
    }
  }
  return bytes;
}

function measure(multicast: boolean): { cpuUsPerSay: number; bytes: number } {
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  let bytes = 0;
  const before = process.cpuUsage();
  for (let i = 0; i < says; i++) bytes += pipeline(sayBatch(i), multicast, decoder);
  const cpu = process.cpuUsage(before);
  return { cpuUsPerSay: (cpu.user + cpu.system) / says, bytes };
}

measure(false);
measure(true); // warm-up
const best = { before: Infinity, after: Infinity };
let sameBytes = true;
for (let r = 0; r < Number(args.rounds); r++) {
  const a = measure(false);
  const b = measure(true);
  best.before = Math.min(best.before, a.cpuUsPerSay);
  best.after = Math.min(best.after, b.cpuUsPerSay);
  sameBytes &&= a.bytes === b.bytes;
}
const delivered = players - 1;
console.log(`fan-out pipeline: ${players} players (${delivered} listeners), ${CAPS.length} capability groups, ${says} says, best of ${args.rounds}`);
console.log("| | CPU µs per say | CPU µs per delivered message | delivered messages/s (one core) |");
console.log("|---|---:|---:|---:|");
for (const [label, us] of [["one msg per listener, rendered per listener", best.before], ["one multicast, rendered per group", best.after]] as const) {
  console.log(`| ${label} | ${us.toFixed(0)} | ${(us / delivered).toFixed(2)} | ${Math.round((delivered * 1e6) / us).toLocaleString("en-US")} |`);
}
console.log(`ratio before ÷ after: ${(best.before / best.after).toFixed(1)}× (same bytes delivered: ${sameBytes})`);
