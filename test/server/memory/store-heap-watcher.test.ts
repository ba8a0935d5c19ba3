import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MemoryReport } from "../../../evennia-ts/commands/default/memory.ts";
import { Database } from "../../../evennia-ts/db/database.ts";
import type { HeapWatcher } from "../../../evennia-ts/db/identity-map.ts";
import { runInUnitOfWork } from "../../../evennia-ts/db/unit-of-work.ts";
import { sendControlRequest } from "../../../evennia-ts/server/control/control-client.ts";
import { controlSocketPath } from "../../../evennia-ts/server/control/control-paths.ts";
import { startStoreHeapWatcher } from "../../../evennia-ts/server/memory/store-heap-watcher.ts";
import { startInProcessGame } from "../../../evennia-ts/testing/in-process-game.ts";
import { TelnetTestClient } from "../../../evennia-ts/testing/telnet-test-client.ts";
import "../../../evennia-ts/typeclasses/index.ts";
import { createObject } from "../../../evennia-ts/typeclasses/create.ts";
import { DefaultObject } from "../../../evennia-ts/typeclasses/objects.ts";
import { Store } from "../../../evennia-ts/typeclasses/store.ts";
import { setStore } from "../../../evennia-ts/typeclasses/store-context.ts";
import { EvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { waitUntil } from "./control-helpers.ts";

describe("startStoreHeapWatcher (a store on SQLite)", () => {
  let dir: string;
  let db: Database;
  let store: Store;
  let watcher: HeapWatcher | null = null;
  const kept: DefaultObject[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "evts-watch-"));
    db = await Database.open({ url: `sqlite:${path.join(dir, "w.db3")}` });
    store = new Store(db, { lruSize: 100 });
    await store.init();
    setStore(store);
  });

  afterEach(() => watcher?.stop());

  afterAll(async () => {
    setStore(null);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fillLru(): Promise<void> {
    await runInUnitOfWork(db, async () => {
      for (let i = 0; i < 3; i++) kept.push(await createObject(DefaultObject, { key: `thing ${i}` }));
    });
    expect(store.stats().object.strong).toBeGreaterThanOrEqual(3);
  }

  it("is off when identityMapFlushHeapMb is 0", () => {
    expect(startStoreHeapWatcher(store, { identityMapFlushHeapMb: 0, identityMapFlushCheckInterval: 0.01 })).toBeNull();
  });

  it("flushes the store by itself once the heap is above the threshold", async () => {
    await fillLru();
    watcher = startStoreHeapWatcher(store, { identityMapFlushHeapMb: 1, identityMapFlushCheckInterval: 0.02 });
    expect(watcher?.running).toBe(true);
    await waitUntil(() => store.stats().object.strong === 0, 3000, "the watcher to flush");
    // the objects themselves are still there (we hold them): only the cache let go
    expect(store.stats().object.live).toBeGreaterThanOrEqual(3);
  });

  it("leaves the store alone below the threshold", async () => {
    await fillLru();
    const strong = store.stats().object.strong;
    watcher = startStoreHeapWatcher(store, { identityMapFlushHeapMb: 1_000_000, identityMapFlushCheckInterval: 0.01 });
    await new Promise((r) => setTimeout(r, 100));
    expect(store.stats().object.strong).toBe(strong);
  });

  it("refuses a check interval that is not > 0", () => {
    expect(() => startStoreHeapWatcher(store, { identityMapFlushHeapMb: 10, identityMapFlushCheckInterval: 0 })).toThrow(EvenniaError);
  });
});

describe("the server wires the watcher from its settings", () => {
  it("a server with identityMapFlushHeapMb set keeps no cached objects for long", async () => {
    const game = await startInProcessGame({ identityMapFlushHeapMb: 1, identityMapFlushCheckInterval: 0.05 });
    const client = await TelnetTestClient.connect(game.telnetPort);
    try {
      await client.waitFor("create <username> <password>");
      client.send("create Anna secret123");
      await client.waitFor("A new account 'Anna' was created");
      client.send("connect Anna secret123");
      await client.waitFor(/Limbo/);
      const socket = controlSocketPath(game.folder.dir);
      let last: MemoryReport | undefined;
      await waitUntil(
        async () => {
          last = (await sendControlRequest(socket, "memory")) as MemoryReport;
          return last.totals.strong === 0;
        },
        5000,
        "the server's watcher to flush",
      );
      expect(last!.autoFlushHeapMb).toBe(1);
      expect(last!.totals.pinned).toBeGreaterThanOrEqual(1); // the puppet stays
    } finally {
      client.close();
      await game.stop();
    }
  });
});
