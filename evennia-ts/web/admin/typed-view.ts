/**
 * What an admin edit page shows of an account, object, script or channel: plain
 * data (templates read own properties only), with each attribute's value written
 * as `set` reads it back, so the edit box round-trips: strings quoted, numbers,
 * lists and dicts as literals, a reference to an object as `$dbref(#12)`.
 */
import { mayEdit } from "../../commands/default/building/target-search.ts";
import { displayValue } from "../../commands/default/building/value-display.ts";
import { findTypeclass, registeredTypeclassPaths } from "../../typeclasses/registry.ts";
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import { NotLoadedError, type AttributeInfo } from "../../typeclasses/attribute-handler.ts";
import { TypedObject } from "../../typeclasses/typed-object.ts";
import { formatLiteral } from "../../utils/literal-parse.ts";
import { isSuperuserTarget, outranksOrEquals } from "./typed-changes.ts";

/** The longest value shown in the attribute table (the edit box has all of it). */
const SHOWN_VALUE_LENGTH = 300;

/** One attribute row of an edit page. */
export interface AttributeView {
  key: string;
  category: string;
  /** The value as the edit box holds it. */
  text: string;
  /** The value as `examine` shows it (shortened). */
  shown: string;
  lockstring: string;
  /** False when the value holds references inside a list or dict, which the text form cannot write back. */
  editable: boolean;
}

/** The parts of an edit page every typed thing has. */
export interface TypedView {
  id: number;
  dbref: string;
  key: string;
  kind: string;
  typeclassPath: string;
  /** Registered typeclasses of this kind, for the typeclass form. */
  typeclasses: string[];
  dateCreated: string;
  attributes: AttributeView[];
  tags: { key: string; category: string }[];
  aliases: string[];
  permissions: string[];
  locks: { type: string; definition: string }[];
  /** May the viewing admin change it (control/edit lock; superusers only by superusers)? */
  mayEdit: boolean;
  /** May the viewing admin change its permissions (as `perm`: an account's edit lock, an object's control lock)? */
  mayEditPermissions: boolean;
}

/** The text of `value` for the edit box, and whether that text reads back as the same value. */
export function attributeText(value: unknown): { text: string; editable: boolean } {
  if (value instanceof TypedObject) return { text: `$dbref(${value.dbref})`, editable: true };
  let nestedRef = false;
  const text = formatLiteral(value, {
    other: (inner) => {
      nestedRef = true;
      return inner instanceof TypedObject ? `${inner.key}(${inner.dbref})` : String(inner);
    },
  });
  return { text, editable: !nestedRef };
}

/** Every attribute `actor` may read, waiting for referenced objects still loading. */
async function readableAttributes(target: TypedObject, actor: DefaultAccount): Promise<AttributeInfo[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return target.attributes.all({ accessor: actor });
    } catch (err) {
      if (!(err instanceof NotLoadedError) || attempt >= 3) throw err;
      await err.ready;
    }
  }
}

function shorten(text: string): string {
  return text.length > SHOWN_VALUE_LENGTH ? `${text.slice(0, SHOWN_VALUE_LENGTH)}…` : text;
}

/** The edit-page data of `target` as `actor` sees it. */
export async function typedView(target: TypedObject, actor: DefaultAccount): Promise<TypedView> {
  // a superuser's account (or what one plays), or another account ranked above the actor: shown, not offered for change
  const changeRefused = (isSuperuserTarget(target) && !actor.isSuperuser) || (target instanceof DefaultAccount && target !== actor && !outranksOrEquals(actor, target));
  const attributes = (await readableAttributes(target, actor))
    .map((a): AttributeView => {
      const { text, editable } = attributeText(a.value);
      return { key: a.key, category: a.category, text, shown: shorten(displayValue(a.value)), lockstring: a.lockstring, editable };
    })
    .sort((a, b) => a.category.localeCompare(b.category) || a.key.localeCompare(b.key));
  return {
    id: target.id,
    dbref: target.dbref,
    key: target.key,
    kind: target.kind,
    typeclassPath: target.typeclassPath,
    typeclasses: registeredTypeclassPaths().filter((p) => findTypeclass(p)?.kind === target.kind),
    dateCreated: target.dateCreated.toISOString().slice(0, 19).replace("T", " "),
    attributes,
    tags: target.tags
      .all()
      .map((t) => ({ key: t.key, category: t.category }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    aliases: target.aliases.get().sort(),
    permissions: target.permissions.get().sort(),
    locks: target.locks.all().map((definition) => ({ type: definition.slice(0, definition.indexOf(":")).trim(), definition })),
    mayEdit: !changeRefused && mayEdit(target, actor),
    mayEditPermissions: !changeRefused && target.access(actor, target.kind === "account" ? "edit" : "control"),
  };
}

/** `Key(#12)` of a typed thing, or null — for "location", "home" and such on a page. */
export function refView(obj: TypedObject | null | undefined): { id: number; key: string; kind: string } | null {
  return obj && !obj.isDeleted ? { id: obj.id, key: obj.key, kind: obj.kind } : null;
}
