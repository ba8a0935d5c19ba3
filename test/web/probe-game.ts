/**
 * A game folder's web files for the web app tests: a `web/urls.ts` with probe
 * routes (a form, log in/out, who am I, an admin-only page, an API route, a
 * failing page), a game template extending the framework's, and overrides of a
 * framework template and static file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const URLS = `
import { findAccount } from "evennia-ts";

export default {
  routes(router, ctx) {
    router.get("/probe/form", (req, res, next) => {
      ctx.render(req, res, "probe/form.liquid", { shout: String(req.query.shout ?? "") }).catch(next);
    });
    router.post("/probe/form", (req, res) => {
      ctx.audit(req, "posted the probe form");
      res.json({ ok: true, value: req.body.value ?? null });
    });
    router.post("/probe/login", async (req, res, next) => {
      try {
        const account = await findAccount(String(req.body.username ?? ""));
        if (!account || !(await account.checkPassword(String(req.body.password ?? "")))) {
          res.status(401).json({ ok: false });
          return;
        }
        await ctx.logIn(req, account);
        res.json({ ok: true });
      } catch (err) {
        next(err);
      }
    });
    router.post("/probe/logout", (req, res, next) => {
      ctx.logOut(req).then(() => res.json({ ok: true }), next);
    });
    router.post("/probe/flash", (req, res) => {
      ctx.flash(req, "flashed " + String(req.body.value ?? ""));
      res.redirect(303, "/probe/flashed");
    });
    router.get("/probe/flashed", (req, res) => res.json({ flash: req.session?.flash ?? [] }));
    router.get("/probe/whoami", (req, res) => res.json({ account: ctx.account(req)?.key ?? null }));
    router.get("/probe/members", ctx.requireLogin, (req, res) => res.json({ ok: true }));
    router.get("/probe/admin-only", ctx.requirePermission("Admin"), (req, res) => res.json({ ok: true }));
    router.post("/probe/big", (req, res) => res.json({ ok: true }));
    router.get("/probe/boom", () => {
      throw new Error("the probe page broke");
    });
  },
  apiRoutes(router, ctx) {
    router.get("/probe/whoami", (req, res) => res.json({ account: ctx.account(req)?.key ?? null }));
    router.post("/probe/echo", (req, res) => res.json({ got: req.body }));
  },
};
`;

const FORM = `{% layout "base.liquid" %}
{% block title %}Probe form{% endblock %}
{% block content %}
<p class="shout">{{ shout }}</p>
<form method="post" action="/probe/form">
  <input type="hidden" name="_csrf" value="{{ csrfToken }}">
  <input type="text" name="value">
</form>
{% endblock %}
`;

/** Write the probe web files into the game folder `dir` (`overrideStylesheet: false` keeps the framework's site.css). */
export function addProbeWebFiles(dir: string, options: { overrideStylesheet?: boolean } = {}): void {
  const web = path.join(dir, "web");
  mkdirSync(path.join(web, "templates", "probe"), { recursive: true });
  mkdirSync(path.join(web, "static", "website"), { recursive: true });
  mkdirSync(path.join(web, "static", "game"), { recursive: true });
  writeFileSync(path.join(web, "urls.ts"), URLS);
  writeFileSync(path.join(web, "templates", "probe", "form.liquid"), FORM);
  // the game's 404 extends the framework's and changes only the title
  writeFileSync(path.join(web, "templates", "404.liquid"), `{% layout "evennia:404.liquid" %}{% block title %}Lost in the probe game{% endblock %}`);
  // the game's layout extends the framework's and adds to the footer
  writeFileSync(path.join(web, "templates", "base.liquid"), `{% layout "evennia:base.liquid" %}{% block footer %}<p class="game-footer">Probe game footer</p>{% endblock %}`);
  if (options.overrideStylesheet !== false) writeFileSync(path.join(web, "static", "website", "site.css"), "/* the probe game's own stylesheet */\n");
  writeFileSync(path.join(web, "static", "game", "logo.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>\n`);
}
