/**
 * Command locks are checked against the puppet when one is puppeted, and against
 * the account otherwise (Evennia's rule), on both databases.
 */
import { beforeAll, expect, it } from "vitest";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import { registerCmdSet } from "../../evennia-ts/commands/cmdset-registry.ts";
import { Command, type CommandServices, type CommandSession } from "../../evennia-ts/commands/command.ts";
import { CommandHandler } from "../../evennia-ts/commands/handler.ts";
import { CmdQuell } from "../../evennia-ts/commands/default/quell.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultAccount, DefaultCharacter, DefaultObject, createAccount, createObject } from "../../evennia-ts/typeclasses/index.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";
import { CmdSetHandler } from "../../evennia-ts/commands/cmdset-handler.ts";

const sessionCmdsets = new WeakMap<object, CmdSetHandler>();
/** A plain session object's cmdset handler (made on first use). */
function cmdsetOf(s: CommandSession): CmdSetHandler {
  let handler = sessionCmdsets.get(s);
  if (!handler) sessionCmdsets.set(s, (handler = new CmdSetHandler(s, null)));
  return handler;
}


class CmdPuppetOnly extends Command {
  override key = "puppetonly";
  // the puppet's key (accounts and objects may share an id number, so not id())
  override locks = "cmd:attr(key, Hero)";
  override async func(): Promise<void> {
    this.msg("puppetonly ran");
  }
}

class CmdOoc extends Command {
  override key = "ooconly";
  override locks = "cmd:is_ooc()";
  override async func(): Promise<void> {
    this.msg("ooconly ran");
  }
}

class CmdBuild extends Command {
  override key = "build";
  override locks = "cmd:perm(Builder)";
  override async func(): Promise<void> {
    this.msg("build ran");
  }
}

class TestAccountCmdSet extends CmdSet {
  override atCmdsetCreation(): void {
    this.add(CmdPuppetOnly).add(CmdOoc).add(CmdBuild).add(CmdQuell);
  }
}

const ACCOUNT_SET = "test.locks.AccountCmdSet";
const UNLOGGED_SET = "test.locks.UnloggedCmdSet";
registerCmdSet(ACCOUNT_SET, TestAccountCmdSet);
registerCmdSet(UNLOGGED_SET, class extends CmdSet {});

function session(account: DefaultAccount, puppet: DefaultObject | null): CommandSession & { out: string[] } {
  const out: string[] = [];
  return {
    sessid: 1,
    address: "127.0.0.1",
    protocolKey: "telnet",
    clientOptions: {},
    connectedAt: Date.now(),
    commandCount: 0,
    lastCommandAt: Date.now(),
    updateClientOptions() {},
    get cmdset() {
      return cmdsetOf(this);
    },
    account,
    puppet,
    out,
    msg: (spec) => void out.push(typeof spec === "string" ? spec : String(spec.text ?? "")),
  };
}

describeEachDatabase("command locks", (ctx) => {
  let handler: CommandHandler;
  let account: DefaultAccount;
  let char: DefaultCharacter;

  beforeAll(async () => {
    handler = new CommandHandler(ctx.db, {} as CommandServices, {
      cmdsetUnloggedin: UNLOGGED_SET,
      cmdsetAccount: ACCOUNT_SET,
      cmdsetCharacter: ACCOUNT_SET,
    });
    ({ account, char } = await ctx.unit(async () => {
      const account = await createAccount(undefined, { username: uniqueName("dev"), password: "secret123", permissions: ["Developer"] });
      const char = await createObject(DefaultCharacter, { key: "Hero", account });
      char.permissions.add("Player");
      return { account, char };
    }));
  });

  const run = async (s: ReturnType<typeof session>, line: string): Promise<string> => {
    s.out.length = 0;
    await handler.execute(s, line);
    return s.out.join("\n");
  };

  it("a lock naming the puppet passes only while puppeting it", async () => {
    expect(await run(session(account, char), "puppetonly")).toBe("puppetonly ran");
    expect(await run(session(account, null), "puppetonly")).toBe(`Command 'puppetonly' is not available. Type "help" for help.`);
  });

  it("is_ooc() passes only without a puppet", async () => {
    expect(await run(session(account, null), "ooconly")).toBe("ooconly ran");
    expect(await run(session(account, char), "ooconly")).toMatch(/not available/);
  });

  it("a quelled account's puppet runs with the lower permissions; out of character the account's own", async () => {
    expect(await run(session(account, char), "build")).toBe("build ran");
    await ctx.unit(() => (account.quelled = true));
    try {
      expect(await run(session(account, char), "build")).toMatch(/not available/);
      expect(await run(session(account, null), "build")).toBe("build ran");
    } finally {
      await ctx.unit(() => (account.quelled = false));
    }
  });

  it("quell and unquell switch the puppet to the lower permissions and back, and say so", async () => {
    const ic = session(account, char);
    expect(await run(ic, "unquell")).toBe("Already using normal Account permissions (developer).");
    expect(await run(ic, "quell")).toBe(
      [
        "Quelling to current puppet's permissions (player).",
        "(Note: If this is higher than Account permissions (developer), the lowest of the two will be used.)",
        "Use unquell to return to normal permission usage.",
      ].join("\n"),
    );
    expect(account.quelled).toBe(true);
    expect(await run(ic, "build")).toMatch(/not available/);
    expect(await run(ic, "quell")).toBe("Already quelling Account (developer) permissions.");
    expect(await run(ic, "unquell")).toBe("Account permissions (developer) restored.");
    expect(await run(ic, "build")).toBe("build ran");
    const ooc = session(account, null);
    expect(await run(ooc, "quell")).toBe("Quelling Account permissions (developer). Use unquell to get them back.");
    expect(await run(ooc, "unquell")).toBe("Account permissions (developer) restored.");
    expect(account.quelled).toBe(false);
  });
});
