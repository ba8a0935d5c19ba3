/**
 * The scripts service in a real (in-process) server: the global scripts of
 * settings exist exactly once after start, reload and reset; a reload leaves
 * one running scheduler with the same scripts scheduled once, and clears its
 * reload note once started.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startInProcessGame, type InProcessGame } from "../../evennia-ts/testing/in-process-game.ts";
import type { Server } from "../../evennia-ts/server/server.ts";

let game: InProcessGame | null = null;
afterEach(async () => {
  await game?.stop();
  game = null;
});

/** The next server after `previous` (a reload or reset starts a new one), once its scheduler runs. */
async function nextServer(g: InProcessGame, previous: Server | null): Promise<Server> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const server = g.server();
    if (server && server !== previous && server.scripts?.isRunning) return server;
    if (Date.now() > deadline) throw new Error("no server came up");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function globalRows(server: Server): Promise<{ id: number; is_active: number | boolean }[]> {
  return server.db.query("SELECT id, is_active FROM scripts WHERE key = ? AND obj_id IS NULL AND account_id IS NULL", ["heartbeat"]);
}

describe("the scripts service", () => {
  it("keeps each global script exactly once across start, reload and reset, scheduled once", async () => {
    game = await startInProcessGame({ globalScripts: { heartbeat: { interval: 3600, desc: "beats hourly" } } });
    let server = await nextServer(game, null);
    const first = await globalRows(server);
    expect(first).toHaveLength(1);
    expect(server.scripts!.size).toBe(1);
    expect(server.scripts!.timerArmed).toBe(true);
    for (const restart of [() => game!.portal.reload(), () => game!.portal.reset(), () => game!.portal.reload()]) {
      const previous = server;
      restart();
      server = await nextServer(game, previous);
      expect(previous.scripts!.isRunning).toBe(false);
      const rows = await globalRows(server);
      expect(rows.map((r) => Number(r.id))).toEqual([Number(first[0]!.id)]);
      expect(Boolean(Number(rows[0]!.is_active))).toBe(true);
      expect(server.scripts!.size).toBe(1);
      const [note] = await server.db.query<{ value: string }>("SELECT value FROM server_config WHERE key = ?", ["scripts_reload_stopped_at"]);
      expect(note?.value ?? "").toBe("");
    }
  });
});
