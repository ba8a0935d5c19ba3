/**
 * A channel found by name (`searchChannels`, what every `channel` command and every
 * line sent to a channel starts with), in a unit of work, 3,000 times after 3,000 to
 * warm up, with four channels. Baseline in the same run: the same number of empty
 * units of work. Reports the median and p90 in microseconds and the ratio.
 *
 *   node --import tsx bench/channel-search-bench.ts [--dialect sqlite|postgres]
 *
 * PostgreSQL needs `EVENNIA_TEST_POSTGRES_URL` (a scratch database is made and dropped).
 */
import { parseArgs } from "node:util";
import type { Dialect } from "../evennia-ts/db/database.ts";
import { createTestWorld } from "../evennia-ts/testing/world-fixture.ts";
import { searchChannels } from "../evennia-ts/typeclasses/channel-search.ts";
import { createChannel } from "../evennia-ts/typeclasses/create.ts";

const { values } = parseArgs({ options: { dialect: { type: "string", default: "sqlite" } } });
const RUNS = 3000;
const world = await createTestWorld(values.dialect as Dialect);

/** Median and p90 of `RUNS` timed units of work running `body`, after as many untimed, in µs. */
async function time(body: () => Promise<unknown>): Promise<{ median: number; p90: number }> {
  const times: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await world.unit(body);
      if (round === 1) times.push((performance.now() - started) * 1000);
    }
  }
  times.sort((a, b) => a - b);
  return { median: times[RUNS / 2]!, p90: times[Math.floor(RUNS * 0.9)]! };
}

try {
  await world.unit(async () => {
    for (const key of ["Public", "Gossip", "Trade", "Help"]) await createChannel(undefined, { key });
  });
  const baseline = await time(async () => undefined);
  const search = await time(() => searchChannels("pub"));
  const us = (n: number): string => `${n.toFixed(1)} µs`;
  console.log(`${values.dialect}: a unit of work finding a channel: median ${us(search.median)}, p90 ${us(search.p90)}`);
  console.log(`${values.dialect}: an empty unit of work (baseline): median ${us(baseline.median)}, p90 ${us(baseline.p90)}`);
  console.log(`ratio (median): ${(search.median / baseline.median).toFixed(2)}x`);
} finally {
  await world.close();
}
