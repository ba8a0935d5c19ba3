/**
 * Gathering the cmdsets for one line in a room with 50 other characters (their
 * `call:false()` locks refuse the caller), through `gatherCmdSetsSoon` on a test world
 * (SQLite, in memory): CPU per gather over 100,000 gathers after 20,000 to warm up.
 *
 *   node --import tsx bench/gather-bench.ts
 */
import "../evennia-ts/commands/default/cmdsets.ts";
import "../evennia-ts/commands/exit-cmdset.ts";
import { gatherCmdSetsSoon } from "../evennia-ts/commands/cmdset-gather.ts";
import { createTestWorld } from "../evennia-ts/testing/world-fixture.ts";
import { createObject, DefaultCharacter } from "../evennia-ts/typeclasses/index.ts";
import { setLogLevel } from "../evennia-ts/utils/logger.ts";

setLogLevel("warn");
const world = await createTestWorld("sqlite");
await world.unit(async () => {
  for (let i = 0; i < 50; i++) await createObject(DefaultCharacter, { key: `P${i}`, location: world.room1 });
});
const session = world.session1;
const gather = async () => {
  const gathered = gatherCmdSetsSoon(session, session.puppet);
  return gathered instanceof Promise ? await gathered : gathered;
};
for (let i = 0; i < 20_000; i++) await gather();
const n = 100_000;
const started = process.cpuUsage();
for (let i = 0; i < n; i++) await gather();
const cpu = process.cpuUsage(started);
console.log(`gathering in a room of 50 characters: ${((cpu.user + cpu.system) / n).toFixed(2)} µs CPU (${(await gather()).entries.length} sets)`);
await world.close();
