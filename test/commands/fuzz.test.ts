/**
 * Fuzzing the parser and the whole handler: random lines (control characters,
 * quotes, `=`, switches, prefixes, numbered choices, huge lines, lone surrogates)
 * never throw, always answer, and never hit the "An error occurred" path.
 */
import { beforeAll, expect, it } from "vitest";
import { CmdSet } from "../../evennia-ts/commands/cmdset.ts";
import type { CommandHandler } from "../../evennia-ts/commands/handler.ts";
import { parseCommand } from "../../evennia-ts/commands/command-parser.ts";
import { MuxCommand } from "../../evennia-ts/commands/mux-command.ts";
import { describeOnDatabases } from "../../evennia-ts/testing/database-fixture.ts";
import { DefaultCharacter, DefaultObject, DefaultRoom, createAccount, createObject } from "../../evennia-ts/typeclasses/index.ts";
import { prng } from "../seeded-random.ts";
import { uniqueName } from "../typeclasses/store-helpers.ts";
import { RecordingSession, testHandler } from "./command-session.ts";

class CmdEcho extends MuxCommand {
  override key = "echo";
  override aliases = ["@echo", "+e"];
  override switchOptions = ["loud", "quiet"];
  override help = "Usage: echo[/loud] <lhs> = <rhs>\nExamples:\n  echo a = b";
  override async func(): Promise<void> {
    if (this.emptySides) {
      this.msg("Nothing on either side of '='. Usage: echo <lhs> = <rhs>");
      return;
    }
    this.msg(`${this.switches.join("/")}|${this.lhslist.join(",")}|${this.rhslist.join(",")}`);
  }
}
class EchoCmdSet extends CmdSet {
  override key = "EchoCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdEcho);
  }
}

const PIECES = [
  "look", "l", "say", "echo", "@echo", "+e", "/echo", "&", "@", "+", "/", "=", "==", " = ", ",", ";", '"', "'", "\"unclosed", "kick", "kick-2", "2-kick",
  "-", "-1", "99-", "/loud", "/qu", "/bogus", "\t", " ", "  ", "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "|r", "||", "|", "漢字", "\ud800", "é",
  "help", "help look", "help lok/x", "?", "\n", "\r", "more", "n", "q", "sethelp", "%s", "${x}", "\\", "()", "[]", "{}", "<>", "ⅷ",
];

function randomLine(rand: () => number): string {
  if (rand() < 0.02) return "say " + "x".repeat(Math.floor(rand() * 20000));
  const n = Math.floor(rand() * 6);
  let line = "";
  for (let i = 0; i < n; i++) line += PIECES[Math.floor(rand() * PIECES.length)]! + (rand() < 0.5 ? " " : "");
  return line;
}

it("parseCommand never throws", () => {
  const rand = prng(1234);
  const set = new EchoCmdSet();
  for (let i = 0; i < 5000; i++) {
    const line = randomLine(rand).trim();
    expect(() => parseCommand(line, set, { caller: null })).not.toThrow();
  }
});

describeOnDatabases(["sqlite"], "fuzzing the command handler", (ctx) => {
  let handler: CommandHandler;
  let session: RecordingSession;
  let guest: RecordingSession;
  const things: DefaultObject[] = [];

  beforeAll(async () => {
    handler = testHandler(ctx.db);
    session = new RecordingSession();
    guest = new RecordingSession();
    await ctx.unit(async () => {
      const room = await createObject(DefaultRoom, { key: "Fuzz room" });
      session.account = await createAccount(undefined, { username: uniqueName("fuzz"), password: "secret123", permissions: ["Developer"] });
      session.puppet = await createObject(DefaultCharacter, { key: "Fuzzer", location: room, account: session.account });
      for (const key of ["ball", "box"]) things.push(await createObject(DefaultObject, { key, location: room }));
    });
    session.puppet!.sessions.add(session);
    session.puppet!.cmdset.add(EchoCmdSet);
    for (const thing of things) thing.cmdset.add(EchoCmdSet);
  });

  it("answers every line without throwing or failing", async () => {
    const rand = prng(99);
    for (let i = 0; i < 600; i++) {
      const line = randomLine(rand);
      for (const s of [session, guest]) {
        await expect(handler.execute(s, line)).resolves.toBeUndefined();
        const out = s.take();
        expect(out, `line ${JSON.stringify(line)}`).not.toMatch(/An error occurred/);
        if (line.trim() && !/^\s*(q|quit|n|more)\s*$/.test(line)) expect(out.length, `no answer to ${JSON.stringify(line)}`).toBeGreaterThan(0);
      }
    }
    // still works afterwards
    await handler.execute(session, "q");
    session.take();
    await handler.execute(session, "say done");
    expect(session.take()).toContain('You say, "done"');
  });

  it("gives clear messages for `=` without sides, unknown switches, and unmatched quotes at login", async () => {
    for (const thing of things) thing.cmdset.remove(EchoCmdSet);
    await handler.execute(session, "echo =");
    expect(session.take()).toBe("Nothing on either side of '='. Usage: echo <lhs> = <rhs>");
    await handler.execute(session, "echo/zap a = b");
    expect(session.take()).toContain("Valid switches: /loud, /quiet.");
    await handler.execute(guest, 'connect "Anna secret');
    expect(guest.take()).toBe('Your input has an unmatched quote (").\nUsage (without <>): connect <name> [<password>]');
    await handler.execute(guest, 'create "Anna Smith secret');
    expect(guest.take()).toContain("unmatched quote");
  });
});
