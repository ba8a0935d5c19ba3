import { describe, expect, it } from "vitest";
import { buildSettings } from "../../evennia-ts/conf/settings.ts";

const isConfigError = (message: RegExp) => expect.objectContaining({ code: "EV_ERR_CONFIG", message: expect.stringMatching(message) });

describe("settings of the fan-out and the link", () => {
  it("takes broadcastBatchMs from 0 to 1000 ms and refuses anything else with the setting's name", () => {
    expect(buildSettings("/nonexistent-game", { broadcastBatchMs: 0 }).broadcastBatchMs).toBe(0);
    expect(buildSettings("/nonexistent-game", { broadcastBatchMs: 1000 }).broadcastBatchMs).toBe(1000);
    for (const bad of [-1, 1001, Number.NaN, "5" as unknown as number]) {
      expect(() => buildSettings("/nonexistent-game", { broadcastBatchMs: bad })).toThrow(isConfigError(/setting broadcastBatchMs/));
    }
  });

  it("pings websockets every 30 s by default; 0 turns the heartbeat off; anything else negative or not a number is refused", () => {
    expect(buildSettings("/nonexistent-game").websocketPingInterval).toBe(30);
    expect(buildSettings("/nonexistent-game", { websocketPingInterval: 0 }).websocketPingInterval).toBe(0);
    for (const bad of [-1, Number.NaN, "30" as unknown as number]) {
      expect(() => buildSettings("/nonexistent-game", { websocketPingInterval: bad })).toThrow(isConfigError(/setting websocketPingInterval/));
    }
  });

  it("offers the link on a local socket by default", () => {
    expect(buildSettings("/nonexistent-game").linkLocalSocket).toBe(true);
    expect(buildSettings("/nonexistent-game").broadcastBatchMs).toBe(100);
  });
});

describe("the database's settings", () => {
  it("runs WAL checkpoints on their thread every 100 commits by default; 0 gives them back to SQLite; anything else is refused", () => {
    expect(buildSettings("/nonexistent-game").walCheckpointCommits).toBe(100);
    expect(buildSettings("/nonexistent-game", { walCheckpointCommits: 0 }).walCheckpointCommits).toBe(0);
    for (const bad of [-1, 2.5, Number.NaN, "100" as unknown as number]) {
      expect(() => buildSettings("/nonexistent-game", { walCheckpointCommits: bad })).toThrow(isConfigError(/setting walCheckpointCommits/));
    }
  });
});
