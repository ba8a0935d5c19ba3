/**
 * Building a player's default cmdsets, as the server does for every character and
 * account it loads (all of them at once after a reload): `new CharacterCmdSet(owner)`
 * and `new AccountCmdSet(owner)`, whose `atCmdsetCreation` adds their commands one at a
 * time (`this.add(CmdLook).add(CmdSay)...`).
 *
 * Baseline, in the same process: the same commands added to an empty set in one call
 * (`set.add([...classes])`, which replaces by a name index in one pass). Reports the
 * median of 7 rounds of `--players` pairs, in microseconds a player, and the ratio.
 *
 *   node --import tsx bench/cmdset-build-bench.ts [--players 1000]
 */
import { parseArgs } from "node:util";
import { CmdSet, type CommandClass } from "../evennia-ts/commands/cmdset.ts";
import { AccountCmdSet, CharacterCmdSet } from "../evennia-ts/commands/default/cmdsets.ts";

const { values } = parseArgs({ options: { players: { type: "string", default: "1000" } } });
const PLAYERS = Number(values.players);
const ROUNDS = 7;

/** The command classes of a set (each command in it is a view of its class's shared instance). */
function classesOf(set: CmdSet): CommandClass[] {
  return set.commands.map((cmd) => (Object.getPrototypeOf(cmd) as { constructor: CommandClass }).constructor);
}

const characterClasses = classesOf(new CharacterCmdSet(null));
const accountClasses = classesOf(new AccountCmdSet(null));

/** Microseconds a player for `build`, the median of the rounds (after one round of warm-up). */
function measure(build: () => void): number {
  const rounds: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PLAYERS; i++) build();
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - start) / 1000 / PLAYERS);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)]!;
}

const baseline = measure(() => {
  new CmdSet(null, "CharacterCmdSet").add(characterClasses);
  new CmdSet(null, "AccountCmdSet").add(accountClasses);
});
const created = measure(() => {
  new CharacterCmdSet(null);
  new AccountCmdSet(null);
});

console.log(`${PLAYERS} players' character + account sets (${characterClasses.length} + ${accountClasses.length} commands), median of ${ROUNDS} rounds:`);
console.log(`  built by their atCmdsetCreation, one add at a time: ${created.toFixed(1)} µs a player`);
console.log(`  baseline, the same commands in one add:              ${baseline.toFixed(1)} µs a player`);
console.log(`  ratio: ${(created / baseline).toFixed(2)}× the baseline`);
