/**
 * The website's channel pages: the channels the visitor may `listen` to
 * (`/channels/`; anonymous visitors are judged as nobody, so `listen:all()`
 * channels show) and a channel's stored messages (`/channels/<key>/`), newest page
 * first, 403 when the `listen` lock says no.
 */
import { Router } from "express";
import { allChannels, findChannel } from "../../typeclasses/channel-search.ts";
import type { DefaultChannel } from "../../typeclasses/channels.ts";
import { channelMessageCount, messageTime, type StoredMessage } from "../../typeclasses/messages.ts";
import { stripMarkup } from "../../utils/text/markup.ts";
import type { WebContext } from "../web-context.ts";
import { pageNumber } from "./form-input.ts";
import { showForbidden, showNotFound, showPage } from "./page.ts";

/** Messages on one page of a channel's archive. */
export const CHANNEL_PAGE_SIZE = 50;

/** A channel as the pages show it. */
interface ChannelView {
  key: string;
  description: string;
  url: string;
}

function channelView(channel: DefaultChannel): ChannelView {
  return { key: channel.key, description: stripMarkup(channel.description), url: `/channels/${encodeURIComponent(channel.key)}/` };
}

function messageView(message: StoredMessage): { time: string; senders: string; text: string } {
  return { time: messageTime(message), senders: message.senders.map((s) => s.name).join(", "), text: stripMarkup(message.text) };
}

/** `/channels/*`. */
export function channelRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  router.get("/", async (req, res) => {
    const account = ctx.account(req);
    const channels = await services.runInUnit(async () => (await allChannels()).filter((c) => c.access(account, "listen")).map(channelView));
    await showPage(ctx, req, res, "channels", { channels });
  });

  router.get("/:key/", async (req, res) => {
    const account = ctx.account(req);
    const page = pageNumber(req);
    const found = await services.runInUnit(async () => {
      const channel = await findChannel(String(req.params.key ?? "").slice(0, 200));
      if (!channel) return null;
      if (!channel.access(account, "listen")) return { forbidden: true as const };
      const total = await channelMessageCount(services.db, channel.id);
      const messages = await channel.history(CHANNEL_PAGE_SIZE, (page - 1) * CHANNEL_PAGE_SIZE);
      return { channel: channelView(channel), keepsHistory: channel.keepHistory, total, messages: messages.reverse().map(messageView) };
    });
    if (!found) return showNotFound(ctx, req, res, "There is no such channel.");
    if ("forbidden" in found) return showForbidden(ctx, req, res, "You may not read this channel.");
    const pages = Math.max(1, Math.ceil(found.total / CHANNEL_PAGE_SIZE));
    if (page > pages) return showNotFound(ctx, req, res, "There is no such page of this channel.");
    await showPage(ctx, req, res, "channel-detail", {
      ...found,
      page,
      pages,
      newerUrl: page > 1 ? `${found.channel.url}?page=${page - 1}` : null,
      olderUrl: page < pages ? `${found.channel.url}?page=${page + 1}` : null,
    });
  });

  return router;
}
