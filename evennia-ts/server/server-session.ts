/**
 * A session as the server sees it: the mirror of one portal connection, with the
 * account logged in on it and the object it puppets. Output sent during a unit of
 * work is delivered after that unit commits.
 */
import { normalizeOutput, type OobMessage, type OutputSpec } from "../protocol/message.ts";
import type { SessionSnapshot } from "../protocol/link-messages.ts";
import { currentUnitOfWork } from "../db/unit-of-work.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import type { CommandSession } from "../commands/command.ts";
import { EvenniaError } from "../utils/errors.ts";
import { CmdSetHandler } from "../commands/cmdset-handler.ts";
import type { Session } from "../typeclasses/sessions.ts";
import { sharedMessages } from "../typeclasses/shared-output.ts";
import { notePresenceChange } from "../typeclasses/change-epochs.ts";

/** Where a session's output goes (the portal link). */
export type SessionOutput = (sessid: number, msgs: OobMessage[]) => void;

/**
 * Where output many sessions share goes (one function for every session of a server):
 * the same triples for each of `sessids`, as one link message. `sessids` is the callee's
 * to keep (it may become the message's own list).
 */
export type SharedSessionOutput = (msgs: OobMessage[], sessids: number[]) => void;

/** One connected player session. */
export class ServerSession implements CommandSession, Session {
  readonly sessid: number;
  readonly protocolKey: string;
  readonly address: string;
  readonly connectedAt: number;
  readonly clientOptions: Record<string, unknown>;
  private linkedAccount: DefaultAccount | null = null;
  /** @internal told when `account` changes: the session handler indexes its sessions by account */
  onAccountChange: ((session: ServerSession, before: DefaultAccount | null) => void) | null = null;
  /** The logged-in account, or null. */
  get account(): DefaultAccount | null {
    return this.linkedAccount;
  }
  set account(value: DefaultAccount | null) {
    const before = this.linkedAccount;
    if (before === value) return;
    this.linkedAccount = value;
    notePresenceChange();
    this.onAccountChange?.(this, before);
  }
  /** The puppeted object, or null. */
  puppet: DefaultObject | null = null;
  /** Commands received on this session. */
  commandCount = 0;
  /** When the last command arrived (ms since epoch). */
  lastCommandAt = Date.now();
  /** This session's cmdsets; persistent ones are kept in the session data across reloads. */
  readonly cmdset: CmdSetHandler = new CmdSetHandler(this, {
    load: () => (Array.isArray(this.saved.cmdset_storage) ? this.saved.cmdset_storage.map((p) => String(p ?? "")) : []),
    save: (paths) => this.setSaved("cmdset_storage", paths.length ? paths : undefined),
  });

  constructor(
    snapshot: SessionSnapshot,
    private readonly output: SessionOutput,
    private readonly sharedOutput?: SharedSessionOutput,
  ) {
    this.sessid = snapshot.sessid;
    this.protocolKey = snapshot.protocolKey;
    this.address = snapshot.address;
    this.connectedAt = snapshot.connectedAt;
    this.clientOptions = { ...snapshot.clientOptions };
  }

  /** The protocol: `"telnet"`, `"telnet/ssl"` or `"websocket"` (same as `protocolKey`). */
  get protocol(): string {
    return this.protocolKey;
  }

  /** Screen width in characters the client reported (telnet NAWS, the webclient's size), else 78. */
  get screenWidth(): number {
    return positiveInt(this.clientOptions.screenwidth) ?? 78;
  }

  /** Screen height in lines the client reported, else 24. */
  get screenHeight(): number {
    return positiveInt(this.clientOptions.screenheight) ?? 24;
  }

  /** True once logged in. */
  get loggedIn(): boolean {
    return this.account !== null;
  }

  /**
   * Send output: `"text"`, or `{text: ..., prompt: ..., char_vitals: [[], {hp: 10}]}`.
   * Inside a unit of work it is held until the commit.
   */
  msg(spec: string | OutputSpec): void {
    // output many sessions share (msgContents, a channel message) comes with its triples made once
    const shared = sharedMessages(spec);
    const msgs = shared ?? normalizeOutput(typeof spec === "string" ? { text: spec } : spec);
    if (msgs.length === 0) return;
    const uow = currentUnitOfWork();
    if (!uow) this.output(this.sessid, msgs);
    // shared triples (a room's say): the sessions hearing them one after another become one multicast
    else if (this.sharedOutput && msgs === shared) uow.afterCommitGrouped(shared, this.sessid, this.sharedOutput);
    else uow.afterCommit(() => this.output(this.sessid, msgs));
  }

  /**
   * Extra state kept across server reloads (the portal holds it): OOB reports and
   * the like. Change it with {@link setSaved}.
   */
  saved: Record<string, unknown> = {};
  /** @internal set by the server: sends {@link data} to the portal */
  persist: () => void = () => {};

  /** Keep `value` under `key` across reloads (JSON-compatible values only). */
  setSaved(key: string, value: unknown): void {
    if (key === "uid" || key === "puid") throw new EvenniaError("EV_ERR_BAD_INPUT", `"${key}" is reserved`);
    if (value === undefined) delete this.saved[key];
    else this.saved[key] = value;
    this.persist();
  }

  /** @internal set by the server: sends changed client options to the portal */
  pushClientOptions: (options: Record<string, unknown>) => void = () => {};

  /**
   * Change client options from the game side (the `option` command, saved options at
   * login): merged into {@link clientOptions} at once and sent to the portal after the
   * commit, so that the portal renders by them; a failing unit of work puts the old
   * values back. Names are lower-cased (`screenreader`, `encoding`, `nocolor` ...).
   */
  updateClientOptions(options: Record<string, unknown>): void {
    const changed: Record<string, unknown> = {};
    const previous: Record<string, unknown> = {};
    for (const [rawKey, value] of Object.entries(options)) {
      const key = rawKey.toLowerCase();
      if (key === "__proto__" || value === undefined) continue;
      previous[key] = this.clientOptions[key];
      this.clientOptions[key] = value;
      changed[key] = value;
    }
    if (Object.keys(changed).length === 0) return;
    const uow = currentUnitOfWork();
    if (!uow) {
      this.pushClientOptions(changed);
      return;
    }
    uow.recordUndo(() => {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete this.clientOptions[key];
        else this.clientOptions[key] = value;
      }
    });
    uow.afterCommit(() => this.pushClientOptions(changed));
  }

  /** The state the portal keeps for this session across reloads. */
  data(): Record<string, unknown> {
    return { ...this.saved, uid: this.account?.id ?? null, puid: this.puppet?.id ?? null };
  }
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : Array.isArray(value) && typeof value[0] === "number" ? value[0] : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
