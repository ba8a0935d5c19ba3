/**
 * `rss2chan` (Admin): attach RSS/Atom feeds to channels, list them with their
 * health, check one now, detach one. The feed bot itself is
 * `evennia-ts/comms/feeds/` (see docs/feeds.md).
 *
 *     rss2chan <channel> = <url>    attach a feed (checked at once)
 *     rss2chan[/list]               every feed: state, strikes, last success, next check
 *     rss2chan/check <id>           check a feed now (also a dormant one)
 *     rss2chan/delete <id>          detach a feed (/remove and /disconnect too;
 *                                   also by <channel> = <url>, as Evennia)
 */
import { activeFeedService, type FeedService } from "../../../comms/feeds/feed-service.ts";
import { describeWait } from "../../../comms/feeds/feed-poller.ts";
import type { CheckReport } from "../../../comms/feeds/feed-poller.ts";
import type { FeedRecord } from "../../../comms/feeds/feed-store.ts";
import { currentUnitOfWork } from "../../../db/unit-of-work.ts";
import { EvTable } from "../../../utils/text/evtable.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { MuxCommand } from "../../mux-command.ts";

const USAGE = "Usage: rss2chan <channel> = <feed url>, rss2chan/list, rss2chan/check <id>, rss2chan/delete <id>";

/** Attach RSS and Atom feeds to channels. */
export class CmdRSS2Chan extends MuxCommand {
  override key = "rss2chan";
  override switchOptions = ["list", "delete", "remove", "disconnect", "check"];
  override locks = "cmd:serversetting(feedsEnabled) and pperm(Admin)";
  override helpCategory = "comms";
  override help = `Post the entries of an RSS or Atom feed to a channel.

Usage:
  rss2chan <channel> = <feed url>
  rss2chan[/list]
  rss2chan/check <id>
  rss2chan/delete <id>
  rss2chan/delete <channel> = <feed url>

Switches:
  list     - show every feed with its state, strikes, last success and next check
  check    - fetch a feed now, whatever its schedule (also a dormant feed)
  delete   - detach a feed (/remove and /disconnect do the same)

Attaches the feed (RSS 2.0, RSS 1.0 or Atom) to the channel; it is fetched at once
and then every feedPollInterval seconds. Each new entry is posted once, oldest
first. A feed that fails 3 times in a row goes dormant and is retried after 1, 2,
4 ... days; it comes back by itself when it answers again. A feed that moved
permanently (301/308) is followed and its new address stored. News about feeds
goes to the admins' MudInfo channel. See docs/feeds.md.

Examples:
  rss2chan public = https://www.evennia.com/blog/feed.xml
  rss2chan/list
  rss2chan/check 2
  rss2chan/delete 2`;

  override async func(): Promise<void> {
    const service = activeFeedService();
    if (!service) {
      this.msg("The feed bot is not running (is feedsEnabled off?).");
      return;
    }
    const sw = this.switches;
    if (sw.includes("delete") || sw.includes("remove") || sw.includes("disconnect")) return this.remove(service);
    if (sw.includes("check")) return this.checkNow(service);
    if (sw.includes("list") || (!this.args.trim() && this.rhs === null)) return this.list(service);
    return this.attach(service);
  }

  private async attach(service: FeedService): Promise<void> {
    if (this.rhs === null || !this.lhs || !this.rhs) {
      this.msg(`${USAGE}\nTo attach a feed give both a channel and a URL: rss2chan <channel> = <feed url>`);
      return;
    }
    const channel = await service.findChannel(this.lhs);
    if (!channel) {
      this.msg(`There is no channel named "${this.lhs}".`);
      return;
    }
    let record: FeedRecord;
    try {
      record = service.add(channel, this.rhs, this.account?.key ?? "?");
    } catch (err) {
      if (isEvenniaError(err) && err.code === "EV_ERR_BAD_INPUT") {
        this.msg(err.message);
        return;
      }
      throw err;
    }
    this.msg(`Feed #${record.id} attached: ${record.url} now posts to ${channel}. Fetching it now.`);
    this.afterCommitCheck(service, record.id);
  }

  private async remove(service: FeedService): Promise<void> {
    let id: number | null;
    if (this.rhs !== null) {
      // Evennia's form: rss2chan/disconnect <channel> = <url>
      const feed = this.lhs && this.rhs ? service.findFeed(this.lhs, this.rhs) : undefined;
      if (!feed) {
        this.msg(this.lhs && this.rhs ? `No feed ${this.rhs} posts to ${this.lhs}; see rss2chan/list.` : `${USAGE}\nGive the feed's number, or <channel> = <feed url>.`);
        return;
      }
      id = feed.id;
    } else id = this.feedId();
    if (id === null) return;
    const record = service.remove(id);
    if (!record) {
      this.msg(`There is no feed #${id}; see rss2chan/list.`);
      return;
    }
    this.msg(`Feed #${id} (${record.url}) no longer posts to ${record.channel}.`);
  }

  private async checkNow(service: FeedService): Promise<void> {
    const id = this.feedId();
    if (id === null) return;
    if (!service.store.get(id)) {
      this.msg(`There is no feed #${id}; see rss2chan/list.`);
      return;
    }
    this.msg(`Checking feed #${id} now; the result follows.`);
    this.afterCommitCheck(service, id);
  }

  /** Start a check once this command's unit of work has committed; tell the caller how it went. */
  private afterCommitCheck(service: FeedService, id: number): void {
    const caller = this.caller;
    const report = (r: CheckReport) => caller.msg(describeReport(id, r));
    const start = () => void service.check(id).then(report, (err) => caller.msg(`Feed #${id}: the check failed (${String(err)}).`));
    const uow = currentUnitOfWork();
    if (uow) uow.afterCommit(start);
    else start();
  }

  private list(service: FeedService): void {
    const feeds = service.list();
    if (feeds.length === 0) {
      this.msg("No feeds are attached to channels. Attach one with rss2chan <channel> = <feed url>.");
      return;
    }
    const now = service.now();
    const checking = new Set(service.poller.checking());
    const table = new EvTable(["|w#|n", "|wchannel|n", "|wstate|n", "|wstrikes|n", "|wlast success|n", "|wnext check|n"], { maxwidth: this.clientWidth() });
    const details: string[] = [];
    for (const f of feeds) {
      const h = f.health;
      const state = checking.has(f.id) ? "checking" : h.state === "dormant" ? "|rdormant|n" : "active";
      table.addRow(
        String(f.id),
        f.channel,
        state,
        String(h.strikes),
        h.lastSuccessAt === null ? "never" : `${describeWait(now - h.lastSuccessAt)} ago`,
        h.nextCheckAt <= now ? "due now" : `in ${describeWait(h.nextCheckAt - now)}`,
      );
      details.push(`  |w#${f.id}|n ${f.url}${h.lastError ? ` (last error: ${h.lastError})` : ""}`);
    }
    this.msg(`|wFeeds|n\n${table.toString()}\n${details.join("\n")}`);
  }

  /** The feed id of `rss2chan/<switch> <id>`, or null (the caller has been told why). */
  private feedId(): number | null {
    const raw = this.args.trim().replace(/^#/, "");
    if (!raw) {
      this.msg(`${USAGE}\nGive the feed's number (see rss2chan/list).`);
      return null;
    }
    if (!/^\d+$/.test(raw)) {
      this.msg(`"${this.args.trim()}" is not a feed number; see rss2chan/list.`);
      return null;
    }
    return Number(raw);
  }
}

/** What a finished check tells the admin who asked for it. */
export function describeReport(id: number, r: CheckReport): string {
  switch (r.result) {
    case "gone":
      return `Feed #${id} was deleted before its check ended.`;
    case "failed":
      return `Feed #${id}: the check failed: ${r.reason ?? "unknown reason"}.`;
    case "not-modified":
      return `Feed #${id}: not modified since the last check; nothing new.`;
    case "posted":
      return r.posted === 0 ? `Feed #${id}: checked; nothing new.` : `Feed #${id}: checked; ${r.posted} new entr${r.posted === 1 ? "y" : "ies"} posted.`;
  }
}
