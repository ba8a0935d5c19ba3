/**
 * Memory of an idle game: start a scratch game with the demo world (real processes, as
 * `evennia-ts start`), wait, and print the resident memory (RSS) and proportional set
 * (PSS: shared pages split among the processes that map them) of the portal, the
 * server and the portal's supervisor, read from `/proc`. Linux only.
 *
 *   node --import tsx bench/idle-game-memory.ts [--wait 30] [--node-args "--max-semi-space-size=1"]
 *
 * `--node-args` sets `serverNodeArgs` (node options of the server process); without it
 * the default applies. Bounded: start, wait, read, stop.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { mib, rssBytes, sleep, startScratchGame } from "./scratch-game.ts";

const { values } = parseArgs({ options: { wait: { type: "string", default: "30" }, "node-args": { type: "string" } } });

function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory by mapping (the file's name, `[heap]`, or anonymous), largest first. */
function rssByMapping(pid: number, top = 5): string {
  const sizes = new Map<string, number>();
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      name = header[1] ? header[1].split("/").pop()! : "anonymous";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) sizes.set(name, (sizes.get(name) ?? 0) + Number(rss[1]) * 1024);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).slice(0, top).map(([file, bytes]) => `${file} ${mib(bytes)}`).join(", ");
}

function parentPid(pid: number): number {
  const match = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : 0;
}

const nodeArgs = values["node-args"] !== undefined ? values["node-args"].split(/\s+/).filter(Boolean) : undefined;
const game = await startScratchGame({ demoWorld: true, ...(nodeArgs ? { serverNodeArgs: nodeArgs } : {}) });
try {
  await sleep(Number(values.wait) * 1000);
  const server = game.serverPid();
  const supervisor = parentPid(game.portalPid);
  const heap = (await game.stats()).heap;
  const row = (role: string, pid: number): string => `${role.padEnd(10)} pid ${pid}: RSS ${mib(rssBytes(pid))}, PSS ${mib(pssBytes(pid))}`;
  console.log(`idle for ${values.wait} s; serverNodeArgs ${nodeArgs ? JSON.stringify(nodeArgs) : "default"}`);
  console.log(row("portal", game.portalPid));
  console.log(row("server", server));
  console.log(row("supervisor", supervisor));
  console.log(`portal by mapping: ${rssByMapping(game.portalPid)}`);
  console.log(`server by mapping: ${rssByMapping(server)}`);
  console.log(`portal + server RSS ${mib(rssBytes(game.portalPid) + rssBytes(server))}; server heap used ${mib(heap.heapUsed)} of ${mib(heap.heapTotal)}`);
} finally {
  await game.close();
}
process.exit(0);
