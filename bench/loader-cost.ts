/**
 * What a module loader costs a process in memory: child `node` processes that register
 * nothing, a trivial resolve hook, tsx (`import "tsx"`, what `--import tsx` does) or
 * tsx's ESM hooks alone, then wait, collect garbage and report their RSS. A loader
 * runs in a thread of its own with its own V8 heap; this is why the portal and the
 * server compile the game's code instead of loading it through tsx (docs/perf.md).
 *
 *   node --import tsx bench/loader-cost.ts [--runs=3]
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const require = createRequire(import.meta.url);
const tsxUrl = pathToFileURL(require.resolve("tsx")).href;
const tsxEsmApiUrl = pathToFileURL(require.resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");

const VARIANTS: Record<string, string> = {
  "nothing registered": "",
  "a trivial resolve hook": `const { register } = await import("node:module"); register("data:text/javascript,export async function resolve(s, c, n) { return n(s, c); }"); await import("node:fs");`,
  'import "tsx"': `await import(${JSON.stringify(tsxUrl)});`,
  "tsx/esm/api register()": `const { register } = await import(${JSON.stringify(tsxEsmApiUrl)}); register();`,
};

function rssOf(setup: string): number {
  const script = `${setup}\nawait new Promise((r) => setTimeout(r, 500)); globalThis.gc(); console.log(process.memoryUsage().rss);`;
  const result = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim()) / 1048576;
}

for (const [name, setup] of Object.entries(VARIANTS)) {
  const samples = Array.from({ length: Number(args.runs) }, () => rssOf(setup)).sort((a, b) => a - b);
  console.log(`${name.padEnd(26)} RSS median ${samples[Math.floor(samples.length / 2)]!.toFixed(1)} MiB (${samples.map((s) => s.toFixed(1)).join(", ")})`);
}
