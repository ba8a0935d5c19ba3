/**
 * A small game world for tests of game code, on its own database, without
 * sockets (Evennia's `EvenniaTest`):
 *
 * - `room1` ("Room") and `room2` ("Room2"), joined by `exit1` ("out", room1 → room2)
 *   and `exit2` ("back", room2 → room1);
 * - `obj1` ("Obj") in room1;
 * - `account1` ("TestAccount") and `account2` ("TestAccount2"), each logged in on a
 *   session (`session1`, `session2`) and puppeting its character, `char1` ("Char")
 *   and `char2` ("Char2"), both in room1.
 *
 * Everything is real: the database (SQLite, or PostgreSQL with
 * `EVENNIA_TEST_POSTGRES_URL`), the store, the server's session handler and the
 * login and puppet hooks. The sessions' output, which would go to the portal,
 * is kept for the test to read: `world.text(session1)`.
 *
 * ```ts
 * describeWithWorld("my commands", (w) => {
 *   it("looks", async () => {
 *     await callCommand(w.world, CmdLook, "", "Room");
 *   });
 * });
 * ```
 */
import { EvenniaError } from "../utils/errors.ts";
import { beforeEach, afterEach, describe } from "vitest";
import { setActiveSettings } from "../conf/active-settings.ts";
import { buildSettings, type GameSettings, type Settings } from "../conf/settings.ts";
import type { Dialect } from "../db/database.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { stripMarkup } from "../portal/text/render.ts";
import type { OobMessage } from "../protocol/message.ts";
import type { ServerToPortal } from "../protocol/link-messages.ts";
import { ServerSession } from "../server/server-session.ts";
import { SessionHandler } from "../server/session-handler.ts";
import { DefaultAccount } from "../typeclasses/accounts.ts";
import { createAccount, createObject } from "../typeclasses/create.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import { setSessionRegistry } from "../typeclasses/sessions.ts";
import type { Store } from "../typeclasses/store.ts";
import { dialectAvailable, openDatabaseFixture, printPostgresSkipNotice, TEST_DIALECTS, type DatabaseFixture, type DatabaseFixtureOptions } from "./database-fixture.ts";
import { packageRoot, TEST_SETTINGS } from "./game-folder.ts";

/** The password hash cost of test worlds (fast; see the setting passwordHashCost). */
const TEST_PASSWORD_HASH_COST = TEST_SETTINGS.passwordHashCost ?? 1024;

/** Options of {@link createTestWorld}. */
export interface TestWorldOptions extends DatabaseFixtureOptions {
  /** Settings on top of the defaults (`multisessionMode`, `autoPuppetOnLogin` ...). */
  settings?: GameSettings;
  /** Typeclass paths of the world's objects (default: the framework's classes). */
  roomTypeclass?: string;
  exitTypeclass?: string;
  objectTypeclass?: string;
  characterTypeclass?: string;
  accountTypeclass?: string;
  /** Leave the two sessions logged out (default: logged in and puppeting). */
  loggedOut?: boolean;
}

/** Options of {@link TestWorld.connectSession}. */
export interface TestSessionOptions {
  protocolKey?: string;
  address?: string;
  clientOptions?: Record<string, unknown>;
}

/** The world of {@link createTestWorld}. */
export interface TestWorld {
  readonly dialect: Dialect;
  readonly fixture: DatabaseFixture;
  readonly store: Store;
  readonly settings: Settings;
  /** The server's session handler, with this world's sessions. */
  readonly sessions: SessionHandler;
  readonly room1: DefaultObject;
  readonly room2: DefaultObject;
  /** "out": room1 → room2. */
  readonly exit1: DefaultObject;
  /** "back": room2 → room1. */
  readonly exit2: DefaultObject;
  readonly obj1: DefaultObject;
  readonly char1: DefaultObject;
  readonly char2: DefaultObject;
  readonly account1: DefaultAccount;
  readonly account2: DefaultAccount;
  readonly session1: ServerSession;
  readonly session2: ServerSession;
  /** What the world's sessions asked of the portal (disconnects, session data...). */
  readonly portalMessages: ServerToPortal[];
  /** A new session, connected but not logged in. */
  connectSession(options?: TestSessionOptions): ServerSession;
  /** Everything sent to `session` since the last {@link clearOutput}. */
  output(session: ServerSession): OobMessage[];
  /** The text sent to `session` since the last {@link clearOutput}, markup stripped, one message a line. */
  text(session: ServerSession): string;
  /** Forget the output received so far (all sessions). */
  clearOutput(): void;
  /** Run `fn` as one unit of work. */
  unit<T>(fn: (uow: UnitOfWork) => Promise<T> | T): Promise<T>;
  /** Close the database and delete it. */
  close(): Promise<void>;
}

/** The text of `text` messages, markup stripped, one message a line. */
export function textOf(messages: readonly OobMessage[]): string {
  const lines: string[] = [];
  for (const [cmdname, args] of messages) {
    if (cmdname !== "text") continue;
    const value = args[0];
    lines.push(stripMarkup(typeof value === "string" ? value : String(value ?? "")));
  }
  return lines.join("\n");
}

/** Build the test world on a fresh database of `dialect`. */
export async function createTestWorld(dialect: Dialect = "sqlite", options: TestWorldOptions = {}): Promise<TestWorld> {
  const settings = buildSettings(packageRoot, { passwordHashCost: TEST_PASSWORD_HASH_COST, ...options.settings });
  const fixture = await openDatabaseFixture(dialect, options);
  try {
    return await buildWorld(fixture, settings, options);
  } catch (err) {
    setSessionRegistry(null);
    setActiveSettings(null);
    await fixture.close();
    throw err;
  }
}

async function buildWorld(fixture: DatabaseFixture, settings: Settings, options: TestWorldOptions): Promise<TestWorld> {
  setActiveSettings(settings);
  const outputs = new Map<number, OobMessage[]>();
  const portalMessages: ServerToPortal[] = [];
  let startId: number | null = null;
  const sessions = new SessionHandler(fixture.store, (msg) => portalMessages.push(msg), {
    get: async (key: string) => (key === "start_location" || key === "default_home") && startId !== null ? String(startId) : null,
  });
  setSessionRegistry(sessions);
  let nextSessid = 1;
  const connectSession = (o: TestSessionOptions = {}): ServerSession => {
    const sessid = nextSessid++;
    outputs.set(sessid, []);
    const session = new ServerSession(
      {
        sessid,
        protocolKey: o.protocolKey ?? "telnet",
        address: o.address ?? "127.0.0.1",
        clientOptions: { screenwidth: 78, screenheight: 24, ...o.clientOptions },
        connectedAt: Date.now(),
        data: {},
      },
      (id, msgs) => outputs.get(id)?.push(...msgs),
    );
    sessions.add(session);
    return session;
  };

  const world = await fixture.unit(async () => {
    const room1 = await createObject(options.roomTypeclass ?? "evennia.objects.DefaultRoom", { key: "Room" });
    const room2 = await createObject(options.roomTypeclass ?? "evennia.objects.DefaultRoom", { key: "Room2" });
    startId = room1.id;
    room1.db.desc = "room_desc";
    room2.db.desc = "room2_desc";
    const exit1 = await createObject(options.exitTypeclass ?? "evennia.objects.DefaultExit", { key: "out", location: room1, destination: room2, home: room1 });
    const exit2 = await createObject(options.exitTypeclass ?? "evennia.objects.DefaultExit", { key: "back", location: room2, destination: room1, home: room2 });
    const obj1 = await createObject(options.objectTypeclass ?? "evennia.objects.DefaultObject", { key: "Obj", location: room1, home: room1 });
    const accountClass = options.accountTypeclass;
    const account1 = await createAccount<DefaultAccount>(accountClass, { username: "TestAccount", password: "testpassword", permissions: ["Developer"] });
    const account2 = await createAccount<DefaultAccount>(accountClass, { username: "TestAccount2", password: "testpassword", permissions: ["Player"] });
    const charClass = options.characterTypeclass ?? "evennia.objects.DefaultCharacter";
    const char1 = await account1.createCharacter({ key: "Char", typeclass: charClass, location: room1, home: room1 });
    const char2 = await account2.createCharacter({ key: "Char2", typeclass: charClass, location: room1, home: room1 });
    return { room1, room2, exit1, exit2, obj1, account1, account2, char1, char2 };
  });

  const session1 = connectSession();
  const session2 = connectSession();
  if (!options.loggedOut) {
    await fixture.unit(async () => {
      await sessions.login(session1, world.account1);
      await sessions.login(session2, world.account2);
      // make sure the characters are in play whatever `autoPuppetOnLogin` says
      if (!session1.puppet) await world.account1.puppetObject(session1, world.char1);
      if (!session2.puppet) await world.account2.puppetObject(session2, world.char2);
    });
  }
  const clearOutput = () => {
    for (const list of outputs.values()) list.length = 0;
    portalMessages.length = 0;
  };
  clearOutput();
  return {
    dialect: fixture.dialect,
    fixture,
    store: fixture.store,
    settings,
    sessions,
    ...world,
    session1,
    session2,
    portalMessages,
    connectSession,
    output: (session) => outputs.get(session.sessid) ?? [],
    text: (session) => textOf(outputs.get(session.sessid) ?? []),
    clearOutput,
    unit: (fn) => fixture.unit(fn),
    close: async () => {
      setSessionRegistry(null);
      setActiveSettings(null);
      await fixture.close();
    },
  };
}

/** What a suite body of {@link describeWithWorld} gets: the current test's world. */
export interface WorldSuiteContext {
  readonly dialect: Dialect;
  /** The world of the running test (a fresh one for every test). */
  readonly world: TestWorld;
}

/**
 * Run the suite `body` once per database (`"<name> [sqlite]"`, `"<name> [postgres]"`),
 * with a fresh {@link TestWorld} on a fresh database for every test.
 * PostgreSQL runs are skipped, with a notice, without `EVENNIA_TEST_POSTGRES_URL`.
 */
export function describeWithWorld(name: string, body: (ctx: WorldSuiteContext) => void, options: TestWorldOptions = {}): void {
  for (const dialect of TEST_DIALECTS) {
    const skip = !dialectAvailable(dialect);
    if (skip) printPostgresSkipNotice();
    describe.skipIf(skip)(`${name} [${dialect}]`, () => {
      let current: TestWorld | null = null;
      const ctx: WorldSuiteContext = {
        dialect,
        get world() {
          if (!current) throw new EvenniaError("EV_ERR_INTERNAL", "the test world is not set up (used outside a test?)");
          return current;
        },
      };
      beforeEach(async () => {
        current = await createTestWorld(dialect, options);
      });
      afterEach(async () => {
        await current?.close();
        current = null;
      });
      body(ctx);
    });
  }
}
