/**
 * A command added by class is one instance shared by every set (each holds a view of
 * it). A game's command that fills an array or object field in place (`this.lines.push`)
 * filled the one instance of its set before; shared, it would fill it for every player
 * and show one player's input to the next. Each run gets its own copies. On both databases.
 */
import { expect, it } from "vitest";
import { CmdSet, commandTemplate } from "../../evennia-ts/commands/cmdset.ts";
import { Command, copyCommand } from "../../evennia-ts/commands/command.ts";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import { setLogSink, type LogSink } from "../../evennia-ts/utils/logger.ts";
import { puppetInHall } from "./command-session.ts";

/** A game developer's command keeping what it parsed in fields the class set up, changed in place. */
class CmdNote extends Command {
  override key = "note";
  override help = "Take a note.";
  lines: string[] = [];
  byWord: Record<string, number> = {};
  override parse(): void {
    const text = this.args.trim();
    this.lines.push(text);
    this.byWord[text] = (this.byWord[text] ?? 0) + 1;
  }
  override async func(): Promise<void> {
    this.msg(`Notes: ${this.lines.join(", ")} (${Object.keys(this.byWord).join(", ")})`);
  }
}

class NoteCmdSet extends CmdSet {
  override key = "NoteCmdSet";
  override atCmdsetCreation(): void {
    this.add(CmdNote);
  }
}

describeEachDatabase("commands shared by class, under review", (ctx) => {
  it("keeps what one player's run changed in place away from another player's run", async () => {
    const anna = await puppetInHall(ctx, "anna");
    const bert = await puppetInHall(ctx, "bert");
    anna.anna.cmdset.add(NoteCmdSet);
    bert.anna.cmdset.add(NoteCmdSet);
    await anna.handler.execute(anna.session, "note the vault code is 4711");
    expect(anna.session.take()).toBe("Notes: the vault code is 4711 (the vault code is 4711)");
    await bert.handler.execute(bert.session, "note hello");
    expect(bert.session.take()).toBe("Notes: hello (hello)");
    const template = commandTemplate(CmdNote) as CmdNote;
    expect(template.lines).toEqual([]);
    expect(template.byWord).toEqual({});
  });

  it("gives a run copies of the arrays and plain objects, keeping what the set's command assigned", () => {
    const set = new NoteCmdSet({ key: "Anna" } as never); // an owner made of a plain object stays the same object
    const view = set.get("note") as CmdNote;
    view.lines = ["kept"];
    const run = copyCommand(view);
    run.lines.push("mine");
    run.byWord.mine = 1;
    expect(run.lines).toEqual(["kept", "mine"]);
    expect(view.lines).toEqual(["kept"]);
    expect(view.byWord).toEqual({});
    expect(run.obj).toBe(view.obj);
  });
});

/** A command using a JavaScript private field, which a run's copy does not have. */
class CmdSecret extends Command {
  override key = "secret";
  override help = "Tell a secret.";
  #word = "xyzzy";
  override async func(): Promise<void> {
    this.msg(this.#word);
  }
}

describeEachDatabase("a command with #private members", (ctx) => {
  it("fails with an error id, and the log says why and what to use instead", async () => {
    const { anna, session, handler } = await puppetInHall(ctx, "cora");
    const set = new CmdSet();
    set.key = "SecretCmdSet";
    set.add(CmdSecret);
    anna.cmdset.add(set);
    const errors: string[] = [];
    const previous: LogSink = setLogSink((level, line) => void (level === "error" && errors.push(line)));
    try {
      await handler.execute(session, "secret");
    } finally {
      setLogSink(previous);
    }
    expect(session.take()).toMatch(/^An error occurred; nothing was changed \(error id [0-9a-f]{8}\)/);
    expect(errors.join("\n")).toMatch(/#private members are not on it: use TypeScript's `private` in commands/);
  });
});
