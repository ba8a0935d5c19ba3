/**
 * The web admin's bans (the server's, `services.bans`, as `ban` and `unban`): the
 * list, a form to ban an account name or an IP pattern with a reason, and unban.
 */
import type { Router } from "express";
import { isEvenniaError } from "../../utils/errors.ts";
import type { WebContext } from "../web-context.ts";
import { AdminRequestError, formField, redirectWithNotice, renderAdmin } from "./admin-http.ts";

/** Mount the ban pages on the admin router. */
export function mountBanAdmin(router: Router, ctx: WebContext): void {
  const { services } = ctx;

  router.get("/bans", async (req, res) => {
    const bans = (await services.bans.list()).map((ban, i) => ({ ...ban, id: i + 1, date: ban.date.slice(0, 16).replace("T", " ") }));
    await renderAdmin(ctx, req, res, "bans", { section: "bans", bans });
  });

  router.post("/bans", async (req, res) => {
    const kind = formField(req, "kind", 10);
    const target = formField(req, "target", 200).trim();
    const reason = formField(req, "reason", 500).trim();
    if (kind !== "name" && kind !== "ip") throw new AdminRequestError(400, "Ban an account name or an IP address.");
    if (!target) throw new AdminRequestError(400, "Say what to ban: an account name or an IP address (such as 134.233.2.111 or 134.233.2.*).");
    const message = await services.runInUnit(async () => {
      try {
        const ban = await services.bans.add(kind === "ip" ? { ip: target } : { name: target.toLowerCase() }, reason);
        return `${kind === "ip" ? "IP" : "Name"}-ban '${ban.ip || ban.name}' was added.`;
      } catch (err) {
        if (isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw new AdminRequestError(400, err.message);
        throw err;
      }
    });
    ctx.audit(req, message);
    redirectWithNotice(ctx, req, res, "/admin/bans", message);
  });

  router.post("/bans/delete", async (req, res) => {
    const idText = formField(req, "id", 10);
    if (!/^\d{1,6}$/.test(idText)) throw new AdminRequestError(400, "You must supply a valid ban id to clear.");
    const id = Number(idText);
    // the form names the ban it showed: if the list moved meanwhile, remove that ban, wherever it is now
    const value = formField(req, "value", 200);
    const message = await services.runInUnit(async () => {
      const bans = await services.bans.list();
      const at = bans.findIndex((b, i) => (value ? (b.name || b.ip) === value : i + 1 === id));
      if (at < 0) throw new AdminRequestError(404, `Ban ${value ? `'${value}'` : id} is already gone.`);
      const removed = await services.bans.remove(at + 1);
      return `Cleared ban ${id}: '${removed?.name || removed?.ip}'.`;
    });
    ctx.audit(req, message);
    redirectWithNotice(ctx, req, res, "/admin/bans", message);
  });
}
