/**
 * The table `who` draws for 1,000 sessions (`EvTable`, three columns of plain text):
 * build and lay it out 400 times, report the median and p90 of the last 300.
 *
 *   node --import tsx bench/who-table-bench.ts
 */
import { EvTable } from "../evennia-ts/utils/text/evtable.ts";
import { crop, timeFormat } from "../evennia-ts/utils/text/format.ts";

const ROWS = 1000;
const keys = Array.from({ length: ROWS }, (_, i) => `lt0003-${(i * 7919) % ROWS}-acct`);
const now = Date.now();

/** One table as `who` makes it; returns the milliseconds it took. */
function drawOnce(): number {
  const started = performance.now();
  const table = new EvTable(["|nAccount name|n", "|nOn for|n", "|nIdle|n"], { headerLineChar: "~", cornerChar: "+", borderVerticalChar: "||", borderHorizontalChar: "-" });
  for (let i = 0; i < keys.length; i++) table.addRow(crop(keys[i]!, 25), timeFormat((now - i * 1000) / 1000, 0), timeFormat((now - i * 37) / 1000, 1));
  if (table.toString().length < ROWS * 20) throw new Error("the table came out short");
  return performance.now() - started;
}

const times: number[] = [];
for (let i = 0; i < 400; i++) {
  const ms = drawOnce();
  if (i >= 100) times.push(ms);
}
times.sort((a, b) => a - b);
console.log(`table of ${ROWS.toLocaleString("en")} rows: median ${times[150]!.toFixed(3)} ms, p90 ${times[270]!.toFixed(3)} ms`);
