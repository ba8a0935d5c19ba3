/**
 * The table `who` draws for 1,000 sessions (`EvTable`, three columns of plain text):
 * build and lay it out 400 times, report the median and p90 of the last 300. Then what
 * the portal does with the 37 KB it makes, the same way: render it for a telnet client
 * (ANSI) and as the webclient's frame (HTML and plain text in one JSON triple), against
 * `JSON.stringify` of the text as the baseline (the least a frame costs).
 *
 *   node --import tsx bench/who-table-bench.ts
 */
import { renderText } from "../evennia-ts/portal/text/render.ts";
import { encodeServerFrame } from "../evennia-ts/portal/websocket/websocket-frames.ts";
import { EvTable } from "../evennia-ts/utils/text/evtable.ts";
import { crop, timeFormat } from "../evennia-ts/utils/text/format.ts";

const ROWS = 1000;
const keys = Array.from({ length: ROWS }, (_, i) => `lt0003-${(i * 7919) % ROWS}-acct`);
const now = Date.now();

let text = "";

/** One table as `who` makes it. */
function draw(): void {
  const table = new EvTable(["|wAccount name|n", "|wOn for|n", "|wIdle|n"], { headerLineChar: "~", cornerChar: "+", borderVerticalChar: "||", borderHorizontalChar: "-" });
  for (let i = 0; i < keys.length; i++) table.addRow(crop(keys[i]!, 25), timeFormat((now - i * 1000) / 1000, 0), timeFormat((now - i * 37) / 1000, 1));
  text = `|wAccounts:|n\n${table.toString()}`;
  if (text.length < ROWS * 20) throw new Error("the table came out short");
}

/** Run `work` 400 times; the median and p90 of the last 300, in ms. */
function measure(work: () => unknown): { median: number; p90: number } {
  const times: number[] = [];
  for (let i = 0; i < 400; i++) {
    const started = performance.now();
    work();
    if (i >= 100) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[150]!, p90: times[270]! };
}

const table = measure(draw);
console.log(`table of ${ROWS.toLocaleString("en")} rows: median ${table.median.toFixed(3)} ms, p90 ${table.p90.toFixed(3)} ms`);
const baseline = measure(() => JSON.stringify(text));
console.log(`its ${text.length.toLocaleString("en")} characters, the portal's share (baseline: JSON.stringify of the text, median ${baseline.median.toFixed(3)} ms):`);
for (const [name, work] of [
  ["telnet, ANSI", () => renderText(text, { color: "ansi", screenReader: false })],
  ["webclient frame", () => encodeServerFrame(["text", [text], {}])],
] as const) {
  const m = measure(work);
  console.log(`  ${name.padEnd(16)} median ${m.median.toFixed(3)} ms, p90 ${m.p90.toFixed(3)} ms (x${(m.median / baseline.median).toFixed(1)} the baseline)`);
}
