/**
 * The list of channels (`allChannels`, behind `findChannel`, `searchChannels` and the
 * `channel` command) reads the channel table once and keeps the ids while no channel
 * comes into memory or is deleted; a channel created in a unit of work that commits
 * while, or after, the list is read is still found. Both databases.
 */
import { afterEach, expect, it, vi } from "vitest";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { allChannels, createChannel, findChannel } from "../../evennia-ts/typeclasses/index.ts";
import { getStore } from "../../evennia-ts/typeclasses/store-context.ts";

describeWithWorld("the channel list kept between lookups", (w) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const isChannelTableRead = (sql: unknown): boolean => typeof sql === "string" && /FROM channels ORDER BY id/.test(sql);
  /** Count the reads of the channel table from now on. */
  function countTableReads(): { reads: () => number } {
    const db = getStore().db;
    const spy = vi.spyOn(db, "query");
    return { reads: () => spy.mock.calls.filter(([sql]) => isChannelTableRead(sql)).length };
  }
  const keys = async (): Promise<string[]> => w.world.unit(async () => (await allChannels()).map((c) => c.key));
  /** Create channel `key` in a unit of work that stays open until `release()`; resolves once the channel is pending. */
  async function createHeldOpen(key: string): Promise<{ release: () => void; committed: Promise<void> }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const committed = w.world.unit(async () => {
      await createChannel(undefined, { key });
      await gate;
    });
    await vi.waitFor(() => expect(getStore().pendingChanges("channel").some((c) => c.key === key)).toBe(true));
    return { release, committed };
  }

  it("reads the table once while nothing changes, and again after a channel is created or deleted", async () => {
    await w.world.unit(() => createChannel(undefined, { key: "Kept" }));
    await keys();
    const counter = countTableReads();
    expect(await keys()).toContain("Kept");
    expect(await w.world.unit(async () => (await findChannel("kept"))?.key)).toBe("Kept");
    expect(counter.reads()).toBe(0);
    await w.world.unit(() => createChannel(undefined, { key: "Second" }));
    expect(await keys()).toEqual(expect.arrayContaining(["Kept", "Second"]));
    expect(counter.reads()).toBe(1);
    await w.world.unit(async () => (await findChannel("second"))!.delete());
    expect(await keys()).not.toContain("Second");
    expect(await keys()).toContain("Kept");
    expect(counter.reads()).toBe(2);
  });

  it("finds a channel whose unit of work was still running when the list was read, once it commits", async () => {
    await keys();
    const { release, committed } = await createHeldOpen("Late");
    expect(await keys()).toContain("Late"); // its own unit's change, seen before the commit
    release();
    await committed;
    expect(await keys()).toContain("Late");
    expect(await w.world.unit(async () => (await findChannel("late"))?.key)).toBe("Late");
  });

  it("finds a channel whose unit of work commits while the table is being read", async () => {
    await keys();
    const { release, committed } = await createHeldOpen("Racing");
    const db = getStore().db;
    const query = db.query.bind(db);
    // the table is read before the commit, and the reader resumes after it
    vi.spyOn(db, "query").mockImplementation((async (sql: string, params?: unknown[]) => {
      const rows = await query(sql, params);
      if (isChannelTableRead(sql)) {
        release();
        await committed;
      }
      return rows;
    }) as typeof db.query);
    await keys();
    vi.restoreAllMocks();
    expect(await keys()).toContain("Racing");
  });

  it("a creation undone by a failed unit of work is not listed, and the next one is", async () => {
    await keys();
    await expect(
      w.world.unit(async () => {
        await createChannel(undefined, { key: "Undone" });
        throw new Error("the unit fails");
      }),
    ).rejects.toThrow("the unit fails");
    expect(await keys()).not.toContain("Undone");
    await w.world.unit(() => createChannel(undefined, { key: "Done" }));
    expect(await keys()).toContain("Done");
  });
});
