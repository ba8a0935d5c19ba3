/**
 * `look` (and `say`) through the real command handler in a room with 50 things and
 * 20 exits, cold (the room loaded from the database once) and warm: time per
 * command and the database queries each command issues (issue 11: target 0).
 */
import "../evennia-ts/commands/default/cmdsets.ts";
import { CmdSetHandler } from "../evennia-ts/commands/cmdset-handler.ts";
import type { CommandServices, CommandSession } from "../evennia-ts/commands/command.ts";
import { CommandHandler, DEFAULT_CMDSET_PATHS } from "../evennia-ts/commands/handler.ts";
import type { Database } from "../evennia-ts/db/database.ts";
import { runInUnitOfWork } from "../evennia-ts/db/unit-of-work.ts";
import { DefaultCharacter, DefaultExit, DefaultObject, DefaultRoom, createAccount, createObject, getById, type Store } from "../evennia-ts/typeclasses/index.ts";
import { collectGarbage } from "../evennia-ts/testing/database-fixture.ts";
import { now } from "./measure.ts";

/** What the look benchmark measured. */
export interface LookResult {
  things: number;
  exits: number;
  commands: number;
  /** Microseconds per `look`, room in memory. */
  lookUs: number;
  /** Queries (any SQL) per `look` / `say`, room in memory. */
  lookQueriesPerCommand: number;
  sayQueriesPerCommand: number;
  /** Bytes of text one `look` sends. */
  lookBytes: number;
}

/** A session that only counts what it is sent. */
class CountingSession implements CommandSession {
  readonly address = "127.0.0.1";
  readonly protocolKey = "bench";
  readonly clientOptions: Record<string, unknown> = {};
  readonly connectedAt = Date.now();
  readonly commandCount = 0;
  readonly lastCommandAt = Date.now();
  bytes = 0;
  readonly cmdset: CmdSetHandler = new CmdSetHandler(this, null);
  constructor(
    readonly sessid: number,
    public account: CommandSession["account"],
    public puppet: CommandSession["puppet"],
  ) {}
  msg(spec: unknown): void {
    this.bytes += JSON.stringify(spec).length;
  }
  updateClientOptions(options: Record<string, unknown>): void {
    Object.assign(this.clientOptions, options);
  }
}

/** Count every read (`query`) and write batch (`write`) the database runs while `fn` runs. */
async function countQueries(db: Database, fn: () => Promise<void>): Promise<number> {
  const target = db as unknown as Record<"query" | "write", (...args: unknown[]) => Promise<unknown>>;
  const originals = { query: target.query, write: target.write };
  let count = 0;
  for (const name of ["query", "write"] as const) {
    const original = originals[name];
    target[name] = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    target.query = originals.query;
    target.write = originals.write;
  }
  return count;
}

/** Run the benchmark (the store must be active). */
export async function runLookBench(db: Database, store: Store, commands: number): Promise<LookResult> {
  const things = 50;
  const exits = 20;
  const ids = await runInUnitOfWork(db, async () => {
    const room = await createObject(DefaultRoom, { key: "Bench Hall", attributes: { desc: "A hall full of things." } });
    const elsewhere = await createObject(DefaultRoom, { key: "Elsewhere" });
    for (let i = 0; i < things; i++) await createObject(DefaultObject, { key: `thing ${i % 25}`, location: room, attributes: { desc: "A thing." } });
    for (let i = 0; i < exits; i++) await createObject(DefaultExit, { key: `exit${i}`, aliases: [`x${i}`], location: room, destination: elsewhere });
    const account = await createAccount(undefined, { username: `looker${Date.now()}`, password: "bench-password" });
    const character = await createObject(DefaultCharacter, { key: "Looker", location: room, account });
    return { character: character.id, account: account.id };
  });
  // start cold: the room and everything in it come from the database once
  store.flush();
  await collectGarbage();
  const character = (await getById(ids.character)) as DefaultObject;
  const account = character.account;
  const session = new CountingSession(1, account, character);
  character.sessions.add(session);
  const handler = new CommandHandler(db, {} as CommandServices, DEFAULT_CMDSET_PATHS);
  await handler.execute(session, "look");
  session.bytes = 0;
  await handler.execute(session, "look");
  const lookBytes = session.bytes;

  let lookMs = 0;
  const lookQueries = await countQueries(db, async () => {
    const start = now();
    for (let i = 0; i < commands; i++) await handler.execute(session, "look");
    lookMs = now() - start;
  });
  const sayQueries = await countQueries(db, async () => {
    for (let i = 0; i < commands; i++) await handler.execute(session, "say hello");
  });
  character.sessions.delete(session);
  return {
    things,
    exits,
    commands,
    lookUs: (lookMs * 1000) / commands,
    lookQueriesPerCommand: lookQueries / commands,
    sayQueriesPerCommand: sayQueries / commands,
    lookBytes,
  };
}
