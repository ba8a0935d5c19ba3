/**
 * `page` / `tell`: private messages between accounts. Pages are stored; one to
 * someone offline waits and is shown when they next log in (`deliverPendingPages`
 * in the account's login hook).
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { messagesOf, messageTime, storeMessage, type StoredMessage } from "../../../typeclasses/messages.ts";
import { PAGE_CATEGORY, pageText } from "../../../typeclasses/pages.ts";
import { findAccount, getById } from "../../../typeclasses/search.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { evmore } from "../../evmore.ts";
import { MuxCommand } from "../../mux-command.ts";

/** Pages `page` lists by default. */
const DEFAULT_LISTED = 10;
/** Most receivers of one page. */
const MAX_RECEIVERS = 10;

/** `page`: send a private message, or list your latest pages. */
export class CmdPage extends MuxCommand {
  override key = "page";
  override aliases = ["tell"];
  override helpCategory = "comms";
  override locks = "cmd:not pperm(page_banned)";
  override switchOptions = ["last", "list"];
  override help = `Send a private message to another account.

Usage:
  page <account> <message>
  page[/switches] [<account>,<account>,... = <message>]
  tell <account> <message>
  page <number>

Switches:
  last - show who you paged last
  list - show your last <number> pages, sent and received (default 10)

With no arguments you see your latest pages. The = is needed to page several
accounts at once or one with a space in the name. Without a target, the
message goes to whoever you paged last. Someone offline sees the page when
they next log in. Start the message with : to pose.

Examples:
  page anna Hello there
  page anna, bob = Meeting in the hall
  page :waves
  page 20`;

  private get me(): TypedObject {
    return (this.account ?? this.caller) as TypedObject;
  }

  override async func(): Promise<void> {
    const db = this.me._store.db;
    const history = await messagesOf(db, this.me, PAGE_CATEGORY, 200);
    const sent = history.filter((m) => m.senders.some((s) => s.kind === this.me.kind && s.id === this.me.id));
    if (this.switches.includes("last")) {
      const last = sent[sent.length - 1];
      this.msg(last ? `You last paged |c${last.receivers.map((r) => r.name).join(",")}|n:${last.text}` : "You haven't paged anyone yet.");
      return;
    }
    let targets: DefaultAccount[] = [];
    let message = "";
    let number: number | null = null;
    const args = this.args.trim();
    if (args) {
      if (this.rhs !== null) {
        const names = this.lhslist.filter(Boolean);
        if (names.length > MAX_RECEIVERS) {
          this.msg(`You can page at most ${MAX_RECEIVERS} accounts at once.`);
          return;
        }
        for (const name of names) {
          const found = await findAccount(name);
          if (!found) {
            this.msg(`Could not find an account named '${name}'.`);
            return;
          }
          if (!targets.includes(found)) targets.push(found);
        }
        message = this.rhs.trim();
        if (!message) {
          this.msg("What do you want to page? Usage: page <account>[,<account>...] = <message>");
          return;
        }
      } else {
        const [first, ...rest] = args.split(/\s+/);
        if (/^\d+$/.test(first!) && rest.length === 0) number = Number(first);
        else {
          const found = rest.length ? await findAccount(first!) : null;
          if (found) {
            targets = [found];
            message = args.slice(first!.length).trim();
          } else message = args;
        }
      }
    }
    if (message) return this.send(targets, message, sent);
    const listed = history.slice(-Math.max(1, Math.min(number ?? DEFAULT_LISTED, 200)));
    if (listed.length === 0) {
      this.msg("You have no pages yet.");
      return;
    }
    evmore(this, `Your latest pages:\n${listed.map((m) => this.listingLine(m)).join("\n")}`);
  }

  private listingLine(m: StoredMessage): string {
    const mine = m.senders.some((s) => s.kind === this.me.kind && s.id === this.me.id);
    if (mine) return `|w${messageTime(m)}|c to ${m.receivers.map((r) => r.name).join("|n,|c ")}|n:> ${m.text}`;
    return `|w${messageTime(m)}|g from ${m.senders.map((s) => s.name).join("|n,|g ")}|n:< ${m.text}`;
  }

  private async send(given: DefaultAccount[], text: string, sent: StoredMessage[]): Promise<void> {
    let targets = given;
    if (targets.length === 0) {
      const last = sent[sent.length - 1];
      if (!last) {
        this.msg("Who do you want to page?");
        return;
      }
      targets = [];
      // by id, not name: an account deleted since may have had its name taken by someone else
      for (const r of last.receivers) {
        const found = r.kind === "account" ? await getById<DefaultAccount>(r.id, "account") : null;
        if (found instanceof DefaultAccount && !found.isDeleted) targets.push(found);
      }
      if (targets.length === 0) {
        this.msg("The accounts you paged last no longer exist. Who do you want to page?");
        return;
      }
    }
    const message = text.startsWith(":") ? `${this.me.key} ${text.slice(1).trim()}` : text;
    const notes: string[] = [];
    const reached: DefaultAccount[] = [];
    const offline: DefaultAccount[] = [];
    for (const target of targets) {
      if (!target.access(this.me, "msg", { default: true })) {
        notes.push(`You are not allowed to page ${target.key}.`);
        continue;
      }
      reached.push(target);
      if (target.isConnected) target.msg(pageText(this.me.key, message));
      else {
        offline.push(target);
        notes.push(`|C${target.key}|n is offline. They will see your page when they next log in.`);
      }
    }
    if (reached.length === 0) {
      this.msg(notes.join("\n"));
      return;
    }
    storeMessage({ category: PAGE_CATEGORY, text: message, senders: [this.me], receivers: reached, pendingFor: offline });
    if (notes.length) this.msg(notes.join("\n"));
    this.msg(`You paged ${reached.map((t) => `|c${t.key}|n`).join(", ")} with: '${message}'.`);
  }
}
