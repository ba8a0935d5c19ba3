/**
 * Replays docs/tutorial.md: its code blocks are written into a fresh game folder,
 * and a player checks that they work.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../evennia-ts/testing/telnet-test-client.ts";
import { packageRoot } from "../../evennia-ts/testing/game-folder.ts";

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let game: InProcessGame;

beforeAll(async () => {
  const blocks = tsBlocks(readFileSync(path.join(packageRoot, "docs", "tutorial.md"), "utf8"));
  expect(blocks.length).toBe(3);
  game = await startInProcessGame({}, (dir) => {
    writeFileSync(path.join(dir, "typeclasses", "characters.ts"), blocks[0]!);
    writeFileSync(path.join(dir, "commands", "hp.ts"), blocks[1]!);
    const cmdsetsFile = path.join(dir, "commands", "default-cmdsets.ts");
    const [importLine, ...rest] = blocks[2]!.split("\n");
    const addLine = rest.find((l) => l.includes("this.add("))!.trim();
    let cmdsets = readFileSync(cmdsetsFile, "utf8");
    cmdsets = cmdsets.replace(/^} from "evennia-ts";$/m, `} from "evennia-ts";\n${importLine}`);
    cmdsets = cmdsets.replace("// this.add(CmdMyCommand);", addLine);
    writeFileSync(cmdsetsFile, cmdsets);
  });
});

afterAll(async () => {
  await game?.stop();
});

describe("docs/tutorial.md", () => {
  it("gives new characters hit points and an `hp` command", async () => {
    const c = await TelnetTestClient.connect(game.telnetPort);
    await c.waitFor("create <username> <password>");
    c.send("create Anna secret123");
    await c.waitFor("was created");
    c.send("connect Anna secret123");
    await c.waitFor("Limbo");
    c.send("hp");
    await c.waitFor("You have 10 of 10 hit points.");
    c.send("health");
    await c.waitFor("You have 10 of 10 hit points.");
    c.close();
  });
});
