/**
 * The website's character pages: the account's characters (`/characters/`),
 * making one (`/characters/create`, as `charcreate`: the `Player` permission,
 * the character limit, the account's `createCharacter` and its hooks), one
 * character (`/characters/<id>/`: name and description for whoever the `view`
 * lock lets see it; where it is, when it was made and who plays it only for its
 * owner and Admins) and deleting one after a confirmation (as `chardelete`: the
 * character's `delete` lock).
 */
import { Router, type Request } from "express";
import { createCharacterFor } from "../../commands/default/character-creation.ts";
import { hasPermission } from "../../locks/permissions.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import { DefaultCharacter } from "../../typeclasses/characters.ts";
import type { DefaultObject } from "../../typeclasses/objects.ts";
import { getById } from "../../typeclasses/search.ts";
import { getLogger } from "../../utils/logger.ts";
import { stripMarkup } from "../../utils/text/markup.ts";
import type { WebContext } from "../web-context.ts";
import { clientAddress, formField } from "./form-input.ts";
import { minuteText, showForbidden, showNotFound, showPage } from "./page.ts";

const securityLog = getLogger("security");

/** Longest character name and description taken from the form. */
const MAX_NAME_LENGTH = 80;
const MAX_DESC_LENGTH = 4000;

/** A character as the pages show it (plain values: templates see nothing else). */
export interface CharacterView {
  id: number;
  key: string;
  desc: string;
  url: string;
}

function characterView(character: DefaultObject): CharacterView {
  const desc: unknown = character.db.desc;
  return { id: character.id, key: stripMarkup(character.key), desc: typeof desc === "string" ? stripMarkup(desc) : "", url: `/characters/${character.id}/` };
}

/** Why `account` may not make a character now (as `charcreate`), or null. */
function creationRefusal(account: DefaultAccount): string | null {
  if (!hasPermission(account, "Player")) return "Your account may not create characters.";
  return account.checkAvailableSlots();
}

/** The character with the id in the path, or null when there is none (or it is no character). */
async function characterFromPath(req: Request): Promise<DefaultObject | null> {
  const raw = String(req.params.id ?? "");
  if (!/^\d{1,12}$/.test(raw)) return null;
  const obj = await getById(Number(raw));
  return obj instanceof DefaultCharacter && !obj.isDeleted ? obj : null;
}

/** `/characters/*`. */
export function characterRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  router.get("/", ctx.requireLogin, async (req, res) => {
    const account = ctx.account(req)!;
    const characters = await services.runInUnit(async () => account.characters.map(characterView));
    const slots = account.getCharacterSlots();
    await showPage(ctx, req, res, "characters", {
      characters,
      slots: slots === null || account.isSuperuser ? "unlimited" : String(slots),
      mayCreate: creationRefusal(account) === null,
    });
  });

  const showCreate = (req: Request, res: import("express").Response, data: Record<string, unknown>, status = 200) =>
    showPage(ctx, req, res, "character-create", { maxNameLength: MAX_NAME_LENGTH, maxDescLength: MAX_DESC_LENGTH, ...data }, status);

  router.get("/create", ctx.requireLogin, async (req, res) => {
    const refused = creationRefusal(ctx.account(req)!);
    await showCreate(req, res, { refused: refused ? stripMarkup(refused) : null }, refused ? 403 : 200);
  });

  router.post("/create", ctx.requireLogin, async (req, res) => {
    const account = ctx.account(req)!;
    const name = formField(req, "name", { maxLength: MAX_NAME_LENGTH + 1 });
    const desc = formField(req, "desc", { maxLength: MAX_DESC_LENGTH + 1 });
    const refused = creationRefusal(account);
    if (refused) return showCreate(req, res, { refused: stripMarkup(refused) }, 403);
    const refuse = (error: string) => showCreate(req, res, { error, name, desc }, 400);
    if (name.length > MAX_NAME_LENGTH) return refuse(`A character name may be at most ${MAX_NAME_LENGTH} characters long.`);
    if (desc.length > MAX_DESC_LENGTH) return refuse(`A description may be at most ${MAX_DESC_LENGTH} characters long.`);
    if (/\p{Cc}/u.test(name)) return refuse("A character name may not contain control characters.");
    const made = await services.runInUnit(() => createCharacterFor(account, name, desc));
    if ("error" in made) return refuse(stripMarkup(made.error));
    ctx.audit(req, `${account.key} created character ${made.character.key} (${made.character.dbref})`);
    ctx.flash(req, `Your character '${made.character.key}' was created.`);
    res.redirect(303, `/characters/${made.character.id}/`);
  });

  router.get("/:id/", async (req, res) => {
    const account = ctx.account(req);
    const found = await services.runInUnit(async () => {
      const character = await characterFromPath(req);
      if (!character || !character.access(account, "view")) return null;
      const owned = account !== null && account.characters.includes(character);
      const privileged = owned || hasPermission(account, "Admin");
      const details = privileged
        ? {
            dbref: character.dbref,
            created: minuteText(character.dateCreated.getTime()),
            location: character.location ? stripMarkup(character.location.key) : null,
            playedBy: character.account ? character.account.key : null,
            typeclass: character.typeclassPath,
          }
        : null;
      return { character: characterView(character), details, mayDelete: owned && character.access(account, "delete") };
    });
    if (!found) return showNotFound(ctx, req, res, "There is no such character.");
    await showPage(ctx, req, res, "character-detail", found);
  });

  /** The account's own character `id` that it may delete, or why not. */
  const deletable = async (req: Request): Promise<{ character: DefaultObject } | { missing: true } | { forbidden: true }> => {
    const account = ctx.account(req)!;
    const character = await characterFromPath(req);
    if (!character || !account.characters.includes(character)) return { missing: true };
    if (!character.access(account, "delete")) return { forbidden: true };
    return { character };
  };

  router.get("/:id/delete", ctx.requireLogin, async (req, res) => {
    const found = await services.runInUnit(() => deletable(req));
    if ("missing" in found) return showNotFound(ctx, req, res, "You have no such character.");
    if ("forbidden" in found) return showForbidden(ctx, req, res, "You may not delete this character.");
    await showPage(ctx, req, res, "character-delete", { character: characterView(found.character) });
  });

  router.post("/:id/delete", ctx.requireLogin, async (req, res) => {
    const account = ctx.account(req)!;
    const outcome = await services.runInUnit(async () => {
      const found = await deletable(req);
      if (!("character" in found)) return found;
      const { character } = found;
      const key = character.key;
      account.removeCharacter(character);
      if (!(await character.delete())) {
        account.addCharacter(character);
        return { refusedBy: key };
      }
      return { deleted: key };
    });
    if ("missing" in outcome) return showNotFound(ctx, req, res, "You have no such character.");
    if ("forbidden" in outcome) return showForbidden(ctx, req, res, "You may not delete this character.");
    if ("refusedBy" in outcome) {
      ctx.flash(req, `Character '${outcome.refusedBy}' could not be deleted.`);
      return res.redirect(303, "/characters/");
    }
    securityLog.info(`Character Deleted: ${outcome.deleted} (Caller: ${account.key}, IP: ${clientAddress(req)}, website).`);
    ctx.audit(req, `${account.key} deleted character ${outcome.deleted}`);
    ctx.flash(req, `Character '${outcome.deleted}' was permanently deleted.`);
    res.redirect(303, "/characters/");
  });

  return router;
}
