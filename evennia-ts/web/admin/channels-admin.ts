/**
 * The web admin's channels: the list (search by name, alias or `#dbref`, pages),
 * the edit page (name, description, attributes, tags, aliases, locks) and
 * deletion as `channel/destroy` does it: the channel's `control` lock, an
 * announcement to its subscribers, then the channel goes.
 */
import type { Router } from "express";
import { DefaultChannel } from "../../typeclasses/channels.ts";
import type { WebContext } from "../web-context.ts";
import { actingAccount, AdminRequestError, formField, pathId, queryValue, redirectWithNotice, renderAdmin } from "./admin-http.ts";
import { listChannels } from "./listing.ts";
import { pagerView, pageRequest } from "./pagination.ts";
import { assertMayEdit, rename } from "./typed-changes.ts";
import { changeHandler, loadTarget, mountTypedEditRoutes, type TypedSection } from "./typed-edit-routes.ts";
import { typedView } from "./typed-view.ts";

const SECTION: TypedSection = { kind: "channel", base: "channels" };

async function loadChannel(ctx: WebContext, id: number): Promise<DefaultChannel> {
  const target = await loadTarget(ctx, "channel", id);
  if (!(target instanceof DefaultChannel)) throw new AdminRequestError(404, `There is no channel #${id}.`);
  return target;
}

/** Mount the channel pages on the admin router. */
export function mountChannelAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/channels", async (req, res) => {
    const filters = { q: queryValue(req, "q") };
    const page = await listChannels(services.db, filters, pageRequest(req));
    await renderAdmin(ctx, req, res, "channels", { section: "channels", page, pager: pagerView(req, page), filters });
  });

  router.get("/channels/:id", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const channel = await loadChannel(ctx, pathId(req));
    await channel.subscriptions.load();
    await renderAdmin(ctx, req, res, "channel", {
      section: "channels",
      item: await typedView(channel, actor),
      description: channel.description,
      subscriberCount: channel.subscriptions.count,
    });
  });

  router.post(
    "/channels/:id/name",
    changeHandler(ctx, SECTION, async (target, actor, req) => {
      const key = formField(req, "key", 200).trim();
      const other = key ? await services.store.where("channel", "key_lower = ?", [key.toLowerCase()]) : [];
      if (other.some((c) => c !== target)) throw new AdminRequestError(400, `There is already a channel named '${key}'.`);
      return rename(target, actor, key);
    }),
  );

  router.post(
    "/channels/:id/description",
    changeHandler(ctx, SECTION, (target, actor, req) => {
      assertMayEdit(target, actor);
      (target as DefaultChannel).description = formField(req, "description", 2000).trim();
      return `Updated the description of channel ${target.key}.`;
    }),
  );

  mountTypedEditRoutes(router, ctx, SECTION, { aliases: true });

  router.get("/channels/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const channel = await loadChannel(ctx, pathId(req));
    await renderAdmin(ctx, req, res, "confirm-delete", {
      section: "channels",
      what: `channel ${channel.key} (#${channel.id})`,
      action: `/admin/channels/${channel.id}/delete`,
      back: `/admin/channels/${channel.id}`,
      refusal: channel.access(actor, "control") ? null : `You need 'control' access to delete channel ${channel.key}.`,
      notes: ["Its subscribers are told, and lose their aliases for it."],
    });
  });

  router.post("/channels/:id/delete", async (req, res) => {
    const actor = actingAccount(ctx, req);
    const id = pathId(req);
    const message = await services.runInUnit(async () => {
      const channel = await loadChannel(ctx, id);
      if (!channel.access(actor, "control")) throw new AdminRequestError(403, `You need 'control' access to delete channel ${channel.key}.`);
      const key = channel.key;
      await channel.subscriptions.load();
      await channel.msg(`|rChannel ${key} is being destroyed. Make sure to clean any channel aliases.|n`, { bypassMute: true, emit: true });
      await channel.delete();
      return `Channel ${key} was deleted.`;
    });
    ctx.audit(req, `channel #${id}: ${message}`);
    redirectWithNotice(ctx, req, res, "/admin/channels", message);
  });
}
