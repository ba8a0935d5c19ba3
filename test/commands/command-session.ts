/**
 * A command session for tests: records what it is sent, has its own cmdsets, and
 * runs lines through a real {@link CommandHandler}.
 */
import { CmdSetHandler } from "../../evennia-ts/commands/cmdset-handler.ts";
import type { CommandServices, CommandSession } from "../../evennia-ts/commands/command.ts";
import { testServices } from "../../evennia-ts/testing/command-services.ts";
import { CommandHandler, type CommandHandlerOptions } from "../../evennia-ts/commands/handler.ts";
import "../../evennia-ts/commands/default/cmdsets.ts";
import type { Database } from "../../evennia-ts/db/database.ts";
import { stripMarkup } from "../../evennia-ts/utils/text/markup.ts";
import type { OutputSpec } from "../../evennia-ts/protocol/message.ts";
import type { DatabaseSuiteContext } from "../../evennia-ts/testing/database-fixture.ts";
import { createAccount, createObject, DefaultCharacter, DefaultRoom, type DefaultAccount, type DefaultObject } from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";

let nextSessid = 1000;

/** A session that keeps its output. */
export class RecordingSession implements CommandSession {
  readonly sessid = nextSessid++;
  readonly address = "127.0.0.1";
  readonly protocolKey = "test";
  readonly clientOptions: Record<string, unknown> = { screenwidth: 78 };
  readonly connectedAt = Date.now();
  commandCount = 0;
  lastCommandAt = Date.now();
  account: DefaultAccount | null = null;
  puppet: DefaultObject | null = null;
  readonly cmdset: CmdSetHandler = new CmdSetHandler(this, null);
  /** Every text sent, markup stripped. */
  readonly texts: string[] = [];

  msg(spec: string | OutputSpec): void {
    const text = typeof spec === "string" ? spec : spec.text;
    const value = Array.isArray(text) ? text[0] : text;
    if (value !== undefined) this.texts.push(stripMarkup(String(value)));
  }

  updateClientOptions(options: Record<string, unknown>): void {
    Object.assign(this.clientOptions, options);
  }

  /** Everything sent since the last call. */
  take(): string {
    return this.texts.splice(0).join("\n");
  }
}

export { testServices } from "../../evennia-ts/testing/command-services.ts";

/** A handler with the framework's default cmdsets. */
export function testHandler(db: Database, options: CommandHandlerOptions = {}, services: CommandServices = testServices()): CommandHandler {
  return new CommandHandler(
    db,
    services,
    {
      cmdsetUnloggedin: "evennia.commands.default.UnloggedinCmdSet",
      cmdsetAccount: "evennia.commands.default.AccountCmdSet",
      cmdsetCharacter: "evennia.commands.default.CharacterCmdSet",
      cmdsetSession: "evennia.commands.default.SessionCmdSet",
    },
    options,
  );
}

/** A player's character Anna in the room "Hall" (beside an empty "Garden"), puppeted by a session with its handler. */
export interface PuppetInHall {
  handler: CommandHandler;
  hall: DefaultRoom;
  garden: DefaultRoom;
  anna: DefaultCharacter;
  account: DefaultAccount;
  session: RecordingSession;
}

/** Make {@link PuppetInHall} on the suite's database; the account's name starts with `usernamePrefix`. */
export async function puppetInHall(ctx: DatabaseSuiteContext, usernamePrefix: string): Promise<PuppetInHall> {
  const handler = testHandler(ctx.db);
  const { hall, garden, account, anna } = await ctx.unit(async () => {
    const hall = await createObject(DefaultRoom, { key: "Hall" });
    const garden = await createObject(DefaultRoom, { key: "Garden" });
    const account = await createAccount(undefined, { username: uniqueName(usernamePrefix), password: "secret123", permissions: ["Player"] });
    const anna = await createObject(DefaultCharacter, { key: "Anna", location: hall, account });
    return { hall, garden, account, anna };
  });
  const session = new RecordingSession();
  session.account = account;
  session.puppet = anna;
  anna.sessions.add(session);
  return { handler, hall, garden, anna, account, session };
}
