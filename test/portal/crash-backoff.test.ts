/**
 * The crash back-off: crashes in a row double the wait before the portal restarts
 * the server, and a restarted server that synced resets it to its base.
 */
import { afterEach, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";

let game: InProcessGame | null = null;
let previousSink: LogSink | null = null;
const logged: string[] = [];

afterEach(async () => {
  if (previousSink) setLogSink(previousSink);
  previousSink = null;
  await game?.stop();
  game = null;
});

it("resets the crash back-off once a restarted server has synced", async () => {
  previousSink = setLogSink((level, line) => logged.push(line));
  game = await startInProcessGame({ serverRestartBackoff: 0.2, serverRestartBackoffMax: 5 });
  const player = await TelnetTestClient.connect(game.telnetPort);
  await player.waitFor("create <username>");
  const delays = (): string[] => logged.filter((l) => l.includes("restarting the server in")).map((l) => /in ([\d.]+) s/.exec(l)![1]!);
  for (let crash = 1; crash <= 3; crash++) {
    await game.server()!.stop("link-lost"); // exits unasked: a crash
    await player.waitFor("... done.", 15_000);
  }
  expect(delays()).toEqual(["0.2", "0.2", "0.2"]);
  player.close();
});
