/**
 * The unlogged-in commands `encoding`, `screenreader` and `info`, called directly and
 * through the command handler with the default unlogged-in cmdset.
 */
import { expect, it } from "vitest";
import "../../../evennia-ts/commands/default/cmdsets.ts";
import { CmdUnconnectedInfo } from "../../../evennia-ts/commands/default/unloggedin.ts";
import { CmdUnconnectedEncoding, CmdUnconnectedScreenreader } from "../../../evennia-ts/commands/default/unloggedin-client-options.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";
import { callCommand, describeWithWorld, textOf, worldServices, type TestWorld } from "../../../evennia-ts/testing/index.ts";
import { frameworkVersion } from "../../../evennia-ts/utils/version.ts";
import { testHandler } from "../command-session.ts";

/** Run `line` as `session` typed it, through the command handler with the default cmdsets; returns its text. */
async function run(world: TestWorld, session: ServerSession, line: string): Promise<string> {
  const handler = testHandler(world.fixture.db, {}, worldServices(world));
  const before = world.output(session).length;
  await handler.execute(session, line);
  return textOf(world.output(session).slice(before));
}

describeWithWorld("encoding before login", (w) => {
  const fresh = () => w.world.connectSession({ clientOptions: { encoding: "utf-8" } });

  it("shows the current encoding and those the server speaks", async () => {
    const session = fresh();
    const out = await callCommand(w.world, CmdUnconnectedEncoding, "", "Default encoding: utf-8 (change with encoding <encoding>)", { caller: session });
    expect(out.text).toContain("Encodings this server speaks:\n   utf-8, latin-1");
  });

  it("changes the encoding on the session and tells the portal", async () => {
    const session = fresh();
    await callCommand(w.world, CmdUnconnectedEncoding, "latin1", "Your custom text encoding was changed from 'utf-8' to 'latin-1'.", { caller: session });
    expect(session.clientOptions.encoding).toBe("latin-1");
    expect(w.world.portalMessages).toContainEqual({ t: "client-options", sessid: session.sessid, options: { encoding: "latin-1" } });
    // the `= <encoding>` form works too
    await callCommand(w.world, CmdUnconnectedEncoding, "= UTF-8", "Your custom text encoding was changed from 'latin-1' to 'utf-8'.", { caller: session });
  });

  it("keeps the encoding when the new one is unknown", async () => {
    const session = fresh();
    await callCommand(w.world, CmdUnconnectedEncoding, "klingon-8", "The encoding 'klingon-8' is invalid. Keeping the previous encoding 'utf-8'.", { caller: session });
    expect(session.clientOptions.encoding).toBe("utf-8");
    expect(w.world.portalMessages.filter((m) => m.t === "client-options")).toEqual([]);
  });

  it("/clear goes back to utf-8, and says when there was nothing to clear", async () => {
    const session = fresh();
    await callCommand(w.world, CmdUnconnectedEncoding, "/clear", "No custom encoding was set.", { caller: session });
    await callCommand(w.world, CmdUnconnectedEncoding, "latin-1", undefined, { caller: session });
    await callCommand(w.world, CmdUnconnectedEncoding, "/clear", "Your custom text encoding ('latin-1') was cleared.", { caller: session });
    expect(session.clientOptions.encoding).toBe("utf-8");
  });

  it("runs from the unlogged-in cmdset (and its alias), with unknown switches reported", async () => {
    const session = fresh();
    expect(await run(w.world, session, "encode latin-1")).toBe("Your custom text encoding was changed from 'utf-8' to 'latin-1'.");
    expect(await run(w.world, session, "encoding/bogus")).toContain('Extra switch "/bogus" ignored.');
    // logged in, the option command does this
    expect(await run(w.world, w.world.session1, "encoding latin-1")).toContain("Command 'encoding latin-1' is not available.");
  });
});

describeWithWorld("screenreader before login", (w) => {
  it("flips screen reader mode and tells the portal each time", async () => {
    const session = w.world.connectSession();
    await callCommand(w.world, CmdUnconnectedScreenreader, "", "Screenreader mode turned on.", { caller: session });
    expect(session.clientOptions.screenreader).toBe(true);
    await callCommand(w.world, CmdUnconnectedScreenreader, "", "Screenreader mode turned off.", { caller: session });
    expect(session.clientOptions.screenreader).toBe(false);
    const sent = w.world.portalMessages.filter((m) => m.t === "client-options");
    expect(sent).toEqual([
      { t: "client-options", sessid: session.sessid, options: { screenreader: true } },
      { t: "client-options", sessid: session.sessid, options: { screenreader: false } },
    ]);
    expect(await run(w.world, session, "screenreader")).toBe("Screenreader mode turned on.");
  });
});

describeWithWorld("info before login", (w) => {
  it("answers in the MUDINFO format: name, start time, connected accounts, version", async () => {
    const session = w.world.connectSession();
    const out = await callCommand(w.world, CmdUnconnectedInfo, "", "## BEGIN INFO 1.1", { caller: session });
    const lines = out.text.split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(`Name: ${w.world.settings.serverName}`);
    expect(lines[2]).toMatch(/^Uptime: (Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
    expect(lines[3]).toBe("Connected: 2");
    expect(lines[4]).toBe(`Version: evennia-ts ${frameworkVersion()}`);
    expect(frameworkVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(lines[5]).toBe("## END INFO");
  });

  it("counts accounts, not sessions, and runs from the unlogged-in cmdset", async () => {
    const session = w.world.connectSession();
    await w.world.unit(() => w.world.sessions.disconnect(w.world.session2, "bye"));
    expect(await run(w.world, session, "info")).toContain("Connected: 1");
    // arguments are ignored, as in Evennia
    expect(await run(w.world, session, "info please")).toContain("## END INFO");
  });
});

describeWithWorld("help before login", (w) => {
  it("names encoding, screenreader and info among the commands available", async () => {
    const out = await run(w.world, w.world.connectSession(), "help");
    expect(out).toContain("encoding <encoding>");
    expect(out).toContain("screenreader");
    expect(out).toMatch(/info\s+- facts about this server/);
  });
});
