/**
 * `callCommand`: run one command the way the command handler would — in a unit of
 * work, with caller, session, account and arguments filled in — without sockets,
 * and return what each receiver was sent, markup stripped (Evennia's
 * `EvenniaCommandTest.call`).
 *
 * ```ts
 * const out = await callCommand(world, CmdSay, "hello", "You say, \"hello\"", { receivers: [world.char1, world.char2] });
 * expect(out.of(world.char2)).toBe('Char says, "hello"');
 * ```
 */
import { EvenniaError } from "../utils/errors.ts";
import { answerInput, hasPendingInput, takePendingInput } from "../commands/input-prompt.ts";
import { CmdSet, type CommandClass } from "../commands/cmdset.ts";
import type { CommandServices, CommandSession } from "../commands/command.ts";
import { runInUnitOfWork } from "../db/unit-of-work.ts";
import type { OobMessage, OutputSpec } from "../protocol/message.ts";
import { stripMarkup } from "../portal/text/render.ts";
import { defaultConnectionScreen } from "../server/connection-screen.ts";
import { createThrottles, throttleServices } from "../server/throttle-services.ts";
import { BanList } from "../server/bans.ts";
import { CommandLatencyRecorder, CommandRateCounter } from "../server/command-stats.ts";
import { firstStartTime } from "../server/server-clock.ts";
import { ServerConfig } from "../server/server-config.ts";
import { ServiceRegistry } from "../server/service-registry.ts";
import { CommandHandler } from "../commands/handler.ts";
import { HeapWatcher } from "../db/identity-map.ts";
import { ServerSession } from "../server/server-session.ts";
import { accountTypeclass, DefaultAccount } from "../typeclasses/accounts.ts";
import { DefaultObject } from "../typeclasses/objects.ts";
import { textOf, type TestWorld } from "./world-fixture.ts";

/** Something that is sent messages: a session, an object or an account. */
export type Receiver = ServerSession | DefaultObject | DefaultAccount;

/** Options of {@link callCommand}. */
export interface CallCommandOptions {
  /** Who runs the command (default: `world.char1`). */
  caller?: DefaultObject | DefaultAccount | ServerSession;
  /** The session it runs on (default: the caller's first session, else `world.session1`). */
  session?: ServerSession;
  /** Whose output to collect (default: the caller). */
  receivers?: Receiver[];
  /** The name the command is called by (default: its key). Start `args` with `/` to give switches. */
  cmdstring?: string;
  /** Lines answering questions the command asks with `getInput` (a password...), in order. */
  inputs?: string[];
}

/** What {@link callCommand} returns. */
export interface CallCommandResult {
  /** The caller's text (the first receiver's when the caller is not among them). */
  readonly text: string;
  /** Each receiver's text, markup stripped, one message a line. */
  readonly received: Map<Receiver, string>;
  /** Each receiver's raw messages (`[cmdname, args, kwargs]`). */
  readonly messages: Map<Receiver, OobMessage[]>;
  /** The text `receiver` got ("" when it is not a receiver or got nothing). */
  of(receiver: Receiver): string;
}

/** The sessions a receiver's output reaches. */
function sessionsOf(receiver: Receiver): ServerSession[] {
  if (receiver instanceof ServerSession) return [receiver];
  if (receiver instanceof DefaultAccount) return receiver.sessions.filter((s): s is ServerSession => s instanceof ServerSession);
  return [...receiver.sessions].filter((s): s is ServerSession => s instanceof ServerSession);
}

/** Services as the server gives them to commands, on the test world. */
export function worldServices(world: TestWorld): CommandServices {
  const throttles = createThrottles(world.settings);
  return {
    login: (session, account) => world.sessions.login(session as ServerSession, account),
    createAccountWithCharacter: async (name, password, typeclassPath, session) => {
      return accountTypeclass(typeclassPath).create({ username: name, password, typeclass: typeclassPath, ip: session?.address });
    },
    disconnect: (session, reason) => world.sessions.disconnect(session as ServerSession, reason),
    requestServer: (action) => {
      world.store.unitOfWork().afterCommit(() => world.portalMessages.push({ t: "request", action }));
    },
    ...throttleServices(throttles.login, throttles.creation),
    connectionScreen: () => defaultConnectionScreen(world.settings.serverName),
    settings: world.settings,
    sessions: () => world.sessions.all().filter((s) => s.loggedIn),
    allSessions: () => world.sessions.all(),
    // the world's own database: bans a command adds are in its server config, as on a server
    bans: new BanList(new ServerConfig(world.fixture.db)),
    server: worldServerAdmin(world),
    executeAs: (session, line) =>
      new Promise<void>((resolve, reject) => {
        world.store.unitOfWork().afterCommit(() => worldCommandHandler(world).execute(session, line).then(resolve, reject));
      }),
  };
}

const handlers = new WeakMap<TestWorld, CommandHandler>();
const serverAdmins = new WeakMap<TestWorld, CommandServices["server"]>();
const commandRates = new WeakMap<TestWorld, CommandRateCounter>();
const commandLatencies = new WeakMap<TestWorld, CommandLatencyRecorder>();

/** The world's command handler (made on first use), with the default cmdsets and {@link worldServices}. */
export function worldCommandHandler(world: TestWorld): CommandHandler {
  let handler = handlers.get(world);
  if (!handler) {
    handler = new CommandHandler(world.fixture.db, worldServices(world), {
      cmdsetUnloggedin: world.settings.cmdsetUnloggedin,
      cmdsetSession: world.settings.cmdsetSession,
      cmdsetAccount: world.settings.cmdsetAccount,
      cmdsetCharacter: world.settings.cmdsetCharacter,
    });
    handlers.set(world, handler);
  }
  return handler;
}

/** The test world's command counter: {@link callCommand} counts each command it runs, as the server counts typed lines. */
function worldCommandRate(world: TestWorld): CommandRateCounter {
  let rate = commandRates.get(world);
  if (!rate) {
    rate = new CommandRateCounter();
    commandRates.set(world, rate);
  }
  return rate;
}

/** The test world's command latencies: {@link callCommand} records how long each command it runs took. */
function worldCommandLatency(world: TestWorld): CommandLatencyRecorder {
  let latency = commandLatencies.get(world);
  if (!latency) {
    latency = new CommandLatencyRecorder();
    commandLatencies.set(world, latency);
  }
  return latency;
}

/**
 * The test world's server figures: its start time, the first start recorded in its
 * database, its command count, and its services (the database, and a heap watcher,
 * made stopped, that flushes the world's store).
 */
function worldServerAdmin(world: TestWorld): CommandServices["server"] {
  let admin = serverAdmins.get(world);
  if (admin) return admin;
  const config = new ServerConfig(world.fixture.db);
  const rate = worldCommandRate(world);
  const startedAt = Date.now();
  const watcher = new HeapWatcher({ thresholdMb: 1024 * 1024, intervalMs: 60_000, onThreshold: () => world.store.flush() });
  const registry = new ServiceRegistry()
    .register({ name: "Database", description: `the database (${world.dialect})`, essential: true, running: () => true })
    .register({
      name: "HeapWatcher",
      description: "flushes the object cache when the heap is full",
      running: () => watcher.running,
      start: () => watcher.start(),
      stop: () => watcher.stop(),
    });
  admin = {
    startedAt,
    firstStartedAt: () => firstStartTime(config),
    commandRate: () => ({ total: rate.total, perSecond: rate.perSecond(), windowSeconds: rate.windowSeconds }),
    commandLatency: () => worldCommandLatency(world).summary(),
    listServices: () => registry.list(),
    controlService: (name, action) => registry.control(name, action),
  };
  serverAdmins.set(world, admin);
  return admin;
}

/**
 * Run `cmdClass` with `args` (as typed after the command name) in `world`.
 * When `expectedStart` is given, the caller's text (trimmed, markup stripped)
 * must start with it (or match it, for a RegExp), else this throws with both texts.
 * An error thrown by the command is not caught: the test sees it.
 */
export async function callCommand(
  world: TestWorld,
  cmdClass: CommandClass,
  args: string,
  expectedStart?: string | RegExp,
  options: CallCommandOptions = {},
): Promise<CallCommandResult> {
  const caller = options.caller ?? world.char1;
  const session = options.session ?? sessionsOf(caller)[0] ?? world.session1;
  const receivers = options.receivers ?? [caller];
  const cmd = new cmdClass();
  const cmdset = new CmdSet();
  cmdset.key = "callCommand";
  cmdset.add(cmdClass);
  cmd.caller = caller as DefaultObject | DefaultAccount | CommandSession;
  cmd.session = session;
  cmd.account = session.account;
  cmd.cmdstring = options.cmdstring ?? cmd.key;
  // as typed after the name: "look" gets " here", "create" gets "/drop box" (switches follow the name directly)
  cmd.args = args === "" || /^[\s/]/.test(args) ? args : ` ${args}`;
  cmd.raw = `${cmd.cmdstring}${cmd.args}`;
  cmd.cmdset = cmdset;
  cmd.services = worldServices(world);
  worldCommandRate(world).record();
  const startedAt = performance.now();

  // receivers without sessions are listened to on their msg(); everything else at its sessions
  const listened = new Map<Receiver, OobMessage[]>();
  const restore: (() => void)[] = [];
  const before = new Map<ServerSession, number>();
  // a receiver's sessions before the command (an `ooc` leaves them) and after (an `ic` joins them)
  const watched = new Map<Receiver, Set<ServerSession>>();
  for (const s of world.sessions.all()) before.set(s, world.output(s).length);
  for (const r of receivers) {
    const sessions = sessionsOf(r);
    watched.set(r, new Set(sessions));
    if (sessions.length === 0 && !(r instanceof ServerSession)) {
      const got: OobMessage[] = [];
      listened.set(r, got);
      const original = r.msg;
      const hadOwn = Object.hasOwn(r, "msg");
      const target = r as { msg: (spec: string | OutputSpec, ...rest: unknown[]) => void };
      target.msg = function (this: unknown, spec: string | OutputSpec, ...rest: unknown[]) {
        got.push(typeof spec === "string" ? ["text", [spec], {}] : ["text", [textOfSpec(spec)], {}]);
        return (original as (...a: unknown[]) => void).call(r, spec, ...rest);
      };
      restore.push(() => {
        if (hadOwn) target.msg = original as typeof target.msg;
        else delete (r as { msg?: unknown }).msg;
      });
    }
  }
  try {
    await runInUnitOfWork(world.fixture.db, async () => {
      if ((await cmd.atPreCmd()) === false) return;
      await cmd.parse();
      await cmd.func();
      await cmd.atPostCmd();
    });
    for (const line of options.inputs ?? []) {
      if (!hasPendingInput(session)) throw new EvenniaError("EV_ERR_TEST_WAIT", `callCommand: the command asked no question for the input "${line}"`);
      await answerInput(world.fixture.db, session, line, takePendingInput(session)!);
    }
  } finally {
    for (const undo of restore) undo();
    worldCommandLatency(world).record(performance.now() - startedAt);
  }

  const messages = new Map<Receiver, OobMessage[]>();
  for (const r of receivers) {
    const own = listened.get(r);
    if (own) {
      messages.set(r, own);
      continue;
    }
    const got: OobMessage[] = [];
    const sessions = watched.get(r)!;
    for (const s of sessionsOf(r)) sessions.add(s);
    for (const s of sessions) got.push(...world.output(s).slice(before.get(s) ?? 0));
    messages.set(r, got);
  }
  const received = new Map<Receiver, string>();
  for (const [r, msgs] of messages) received.set(r, textOf(msgs));
  const text = received.get(caller as Receiver) ?? received.get(receivers[0]!) ?? "";
  if (expectedStart !== undefined) {
    const ok = typeof expectedStart === "string" ? text.trim().startsWith(stripMarkup(expectedStart).trim()) : expectedStart.test(text);
    if (!ok) throw new EvenniaError("EV_ERR_TEST_WAIT", `callCommand ${cmd.key}${cmd.args}: expected the output to start with\n  ${String(expectedStart)}\nbut got\n  ${text}`);
  }
  return { text, received, messages, of: (r) => received.get(r) ?? "" };
}

function textOfSpec(spec: OutputSpec): string {
  const t = spec.text;
  if (typeof t === "string") return t;
  if (Array.isArray(t) && typeof t[0] === "string") return t[0];
  return "";
}
