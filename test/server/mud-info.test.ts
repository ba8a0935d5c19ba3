/**
 * MudInfo hears the server's news (issue 13): command errors (rate-limited, with a
 * count of those held back) through the real command handler, and announcements.
 */
import { expect, it } from "vitest";
import { Command } from "../../evennia-ts/commands/command.ts";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { CommandHandler, DEFAULT_CMDSET_PATHS } from "../../evennia-ts/commands/handler.ts";
import { ERROR_ANNOUNCE_WINDOW_MS, MudInfoAnnouncer } from "../../evennia-ts/server/mud-info.ts";
import { worldServices } from "../../evennia-ts/testing/call-command.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { ensureDefaultChannels, mudInfoChannel } from "../../evennia-ts/typeclasses/default-channels.ts";

class CmdBreak extends Command {
  override key = "break";
  override help = "Breaks.\n\nUsage:\n  break\n\nExamples:\n  break";
  override async func(): Promise<void> {
    throw new Error("broken on purpose");
  }
}
class BreakSet extends CmdSet {
  override key = "BreakSet";
  override atCmdsetCreation(): void {
    this.add(CmdBreak);
  }
}

describeWithWorld("MudInfo announcements", (w) => {
  it("posts a failed command with its error id, at most one a window, then counts those held back", async () => {
    const world = w.world;
    await world.unit(async () => {
      await ensureDefaultChannels(world.settings);
      await (await mudInfoChannel(world.settings))!.connect(world.account1);
    });
    let now = 1_000_000;
    const announcer = new MudInfoAnnouncer(world.fixture.db, world.settings, () => now);
    const handler = new CommandHandler(world.fixture.db, worldServices(world), DEFAULT_CMDSET_PATHS, { onCommandError: (r) => announcer.commandFailed(r) });
    world.char2.cmdset.add(BreakSet);
    world.clearOutput();
    await handler.execute(world.session2, "break now");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const first = world.text(world.session1);
    expect(first).toMatch(/^\[MudInfo\] Error in command "break now" by TestAccount2 \(error id [0-9a-f]{8}\)$/);
    expect(world.text(world.session2)).toMatch(/An error occurred; nothing was changed \(error id [0-9a-f]{8}\)/);
    world.clearOutput();
    await handler.execute(world.session2, "break again");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(world.text(world.session1)).toBe("");
    now += ERROR_ANNOUNCE_WINDOW_MS;
    await handler.execute(world.session2, "break |r");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(world.text(world.session1)).toMatch(/Error in command "break \|r" by TestAccount2 \(error id \w+\) \(and 1 more since the last report; see the server log\)/);
  });

  it("announces server news, and does nothing without a MudInfo channel", async () => {
    const world = w.world;
    await world.unit(async () => {
      await ensureDefaultChannels(world.settings);
      await (await mudInfoChannel(world.settings))!.connect(world.account1);
    });
    world.clearOutput();
    await new MudInfoAnnouncer(world.fixture.db, world.settings).announce("Server reloaded.");
    expect(world.text(world.session1)).toBe("[MudInfo] Server reloaded.");
    expect(world.text(world.session2)).toBe("");
    world.clearOutput();
    await new MudInfoAnnouncer(world.fixture.db, { channelMudInfo: null }).announce("nobody hears");
    expect(world.text(world.session1)).toBe("");
  });
});
