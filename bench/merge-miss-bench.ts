/**
 * What a merge-cache miss costs when a builder digs where players stand: 50 players
 * with the default session, account and character sets, a channel set and the
 * direction fallback, in a room whose exit set is rebuilt before each round of their
 * commands (every command a miss). Prints the CPU per miss, then the heap each player's
 * cached merge keeps (1,000 players, after a full collection).
 *
 *   node --expose-gc --import tsx bench/merge-miss-bench.ts
 */
import { MergeCache, type StackEntry } from "../evennia-ts/commands/cmdset-merge.ts";
import { CmdSet } from "../evennia-ts/commands/cmdset.ts";
import { Command } from "../evennia-ts/commands/command.ts";
import { AccountCmdSet, CharacterCmdSet, SessionCmdSet } from "../evennia-ts/commands/default/cmdsets.ts";

/** A set of plain commands named `names`, at `priority`. */
function setOf(key: string, priority: number, names: readonly string[]): CmdSet {
  const set = new CmdSet(null, key);
  set.priority = priority;
  for (const name of names) {
    const cmd = new Command();
    cmd.key = name;
    set.add(cmd);
  }
  return set;
}

const channel = setOf("ChannelCmdSet", 101, ["public", "newbie"]);
const fallback = setOf("DirectionFallback", -100, ["north", "south", "east", "west"]);
const player = () => ({ session: new SessionCmdSet(null), account: new AccountCmdSet(null), character: new CharacterCmdSet(null) });
const stackOf = (p: ReturnType<typeof player>, exits: CmdSet): StackEntry[] => [
  { set: p.session },
  { set: p.account },
  { set: channel },
  { set: p.character },
  { set: fallback },
  { set: exits, duplicates: true },
];

const players = Array.from({ length: 50 }, player);
const cache = new MergeCache(1000);
/** A builder dug: a new exit set; then every player in the room types a command. */
const round = (i: number) => {
  const exits = setOf("ExitCmdSet", 101, Array.from({ length: 5 + (i % 3) }, (_, k) => `exit${k}`));
  for (const p of players) cache.merged(stackOf(p, exits));
};
for (let i = 0; i < 200; i++) round(i);
const rounds = 1000;
const started = process.cpuUsage();
for (let i = 0; i < rounds; i++) round(i);
const cpu = process.cpuUsage(started);
console.log(`merge-cache miss after a dig: ${((cpu.user + cpu.system) / (rounds * players.length)).toFixed(2)} µs CPU (${cache.stats().misses.toLocaleString("en")} misses)`);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const many = Array.from({ length: 1000 }, player);
  const rooms = Array.from({ length: 20 }, (_, r) => setOf("ExitCmdSet", 101, [`exit${r}`]));
  const kept = new MergeCache(1000);
  gc();
  const before = process.memoryUsage().heapUsed;
  many.forEach((p, i) => kept.merged(stackOf(p, rooms[i % 20]!)));
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`heap a player's cached merge keeps: ${((after - before) / many.length / 1024).toFixed(2)} KiB`);
} else {
  console.log("heap per player: run with node --expose-gc");
}
