/**
 * Signals: typed events that game code and plugins subscribe to, as Evennia's
 * `evennia.server.signals` (Django signals) — without subclassing anything.
 *
 * ```ts
 * import { signals } from "evennia-ts";
 * signals.on("objectMoved", ({ object, source, destination }) => { ... });
 * ```
 *
 * Delivery: a signal raised inside a unit of work (a command, an inputfunc, a timer
 * callback) is delivered after that unit commits — listeners hear only of what is
 * on disk, and nothing of a command that failed and was rolled back. Raised outside
 * any unit of work (server start and stop), it is delivered at once. Each listener
 * runs in its own unit of work: what it writes is committed on its own, and a
 * listener that throws (or rejects) is logged with an error id, its own writes are
 * rolled back, and the other listeners still run.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../db/database.ts";
import { currentUnitOfWork, runInUnitOfWork, type UnitOfWork } from "../db/unit-of-work.ts";
import type { StartMode } from "../protocol/link-messages.ts";
import { getLogger } from "../utils/logger.ts";
import type { DefaultAccount } from "./accounts.ts";
import type { DefaultChannel } from "./channels.ts";
import type { DefaultObject } from "./objects.ts";
import type { Session } from "./sessions.ts";
import type { TypedObject } from "./typed-object.ts";

const log = getLogger("signals");

/** Every signal and the payload its listeners get. */
export interface SignalMap {
  /** A new account was created (`DefaultAccount.create`, `createAccount`). */
  accountCreated: { account: DefaultAccount };
  /** A session logged in as `account` (after `atPostLogin`). */
  accountConnected: { account: DefaultAccount; session: Session };
  /** A session of `account` logged out or lost its connection (after `atDisconnect`). */
  accountDisconnected: { account: DefaultAccount; session: Session; reason: string };
  /** `account` started puppeting `object` on `session` (after `atPostPuppet`). */
  accountPuppeted: { account: DefaultAccount; session: Session; object: DefaultObject };
  /** `account` stopped puppeting `object` on `session` (after `atPostUnpuppet`). */
  accountUnpuppeted: { account: DefaultAccount; session: Session; object: DefaultObject };
  /** An object (room, character, exit, thing) was created (after `atObjectCreation`). */
  objectCreated: { object: DefaultObject };
  /** An object was deleted. */
  objectDeleted: { object: DefaultObject };
  /** An object moved (`moveTo` completed, hooks included). */
  objectMoved: { object: DefaultObject; source: DefaultObject | null; destination: DefaultObject; moveType: string };
  /** The server is up and has re-synced the portal's sessions. */
  serverStarted: { mode: StartMode };
  /** The server is about to reload (players stay connected). */
  serverReloading: Record<string, never>;
  /** The server has stopped (the database is closed; don't write in a listener). */
  serverStopped: { mode: string };
  /** A channel sent `message` to its subscribers (after `atPostMsg`). */
  channelMessage: { channel: DefaultChannel; message: string; senders: readonly TypedObject[] };
}

/** The name of a signal. */
export type SignalName = keyof SignalMap;

/** A listener of signal `K`; it may be async. */
export type SignalListener<K extends SignalName> = (payload: SignalMap[K]) => void | Promise<void>;

/** The signal hub: subscribe with {@link Signals.on}, raise with {@link Signals.emit}. */
export class Signals {
  private readonly listeners = new Map<SignalName, SignalListener<SignalName>[]>();
  private readonly running = new Set<Promise<void>>();

  /** Listen to `name`; returns a function that stops listening. */
  on<K extends SignalName>(name: K, listener: SignalListener<K>): () => void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as SignalListener<SignalName>);
    this.listeners.set(name, list);
    return () => this.off(name, listener);
  }

  /** Listen to the next `name` only. */
  once<K extends SignalName>(name: K, listener: SignalListener<K>): () => void {
    const wrapper: SignalListener<K> = (payload) => {
      this.off(name, wrapper);
      return listener(payload);
    };
    return this.on(name, wrapper);
  }

  /** Stop `listener` listening to `name` (no-op when it does not). */
  off<K extends SignalName>(name: K, listener: SignalListener<K>): void {
    const list = this.listeners.get(name);
    if (!list) return;
    const i = list.indexOf(listener as SignalListener<SignalName>);
    if (i >= 0) list.splice(i, 1);
  }

  /** How many listeners `name` has. */
  listenerCount(name: SignalName): number {
    return this.listeners.get(name)?.length ?? 0;
  }

  /** Drop every listener (of `name`, or of all signals) — for tests and plugin unloading. */
  clear(name?: SignalName): void {
    if (name) this.listeners.delete(name);
    else this.listeners.clear();
  }

  /**
   * Raise `name`. Inside a unit of work the listeners run after it commits (not at
   * all when it rolls back); outside any unit of work they start now. `within` names
   * the unit to wait for when it is not the caller's own (the store's implicit one).
   * Never throws.
   */
  emit<K extends SignalName>(name: K, payload: SignalMap[K], within?: UnitOfWork): void {
    const list = this.listeners.get(name);
    if (!list || list.length === 0) return;
    const uow = within && !within.isFinished ? within : currentUnitOfWork();
    if (uow) uow.afterCommit(() => this.deliver(name, payload, uow.db));
    else this.deliver(name, payload, null);
  }

  /** Resolves when every listener started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private deliver<K extends SignalName>(name: K, payload: SignalMap[K], db: Database | null): void {
    // a copy: a listener that unsubscribes (once) does not skip its neighbour
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      const run = db ? runInUnitOfWork(db, () => listener(payload)) : Promise.resolve().then(() => listener(payload));
      const tracked: Promise<void> = run.then(
        () => undefined,
        (err: unknown) => {
          const id = randomBytes(4).toString("hex");
          log.error(`a listener of signal ${name} failed [error id ${id}]; the other listeners ran`, err);
        },
      );
      this.running.add(tracked);
      void tracked.finally(() => this.running.delete(tracked));
    }
  }
}

/** The process's signal hub. */
export const signals = new Signals();
