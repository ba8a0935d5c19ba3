/**
 * `tag` (alias `tags`): list, add and remove an object's tags, and find the
 * objects that have a tag, as Evennia's `CmdTag`.
 */
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { getStore } from "../../../typeclasses/store-context.ts";
import { MuxCommand } from "../../mux-command.ts";
import { PROTOTYPE_TAG_CATEGORY } from "../../../prototypes/prototype.ts";
import { mayBuild, type Builder } from "./access.ts";
import { findObject } from "./target-search.ts";

/** `tag` and `tag:category` split (the category is null when not given). */
function splitTag(text: string): { tag: string; category: string | null } {
  const colon = text.indexOf(":");
  if (colon < 0) return { tag: text.trim(), category: null };
  return { tag: text.slice(0, colon).trim(), category: text.slice(colon + 1).trim() || null };
}

function categoryNote(category: string | null): string {
  return category ? ` (category: ${category})` : "";
}

/** `tag`: manage tags on objects. */
export class CmdTag extends MuxCommand {
  override key = "tag";
  override aliases = ["tags"];
  override locks = "cmd:perm(tag) or perm(Builder)";
  override helpCategory = "building";
  override argRegex = "(/\\w+?(\\s|$))|\\s|$";
  override switchOptions = ["search", "del"];
  override help = `Manage the tags of an object.

Usage:
  tag[/del] <obj> [= <tag>[:<category>]]
  tag/search <tag>[:<category>]

Switches:
  search - list the objects that have the tag
  del    - remove the tag; without a tag, remove every tag of the object

With only <obj>, lists its tags. Tags group objects so they can be found
quickly; a category groups tags themselves, but plain tags are usually enough.

Examples:
  tag box
  tag box = heavy
  tag box = red:colour
  tag/del box = heavy
  tag/del box
  tag/search red:colour`;

  override async func(): Promise<void> {
    if (!this.args) {
      this.msg("Usage: tag[/switches] <obj> [= <tag>[:<category>]]");
      return;
    }
    if (this.switches.includes("search")) return this.searchTag();
    if (this.switches.includes("del")) return this.deleteTags();
    const obj = await this.findLocalThenGlobal(this.lhs);
    if (!obj) return;
    if (this.rhs) {
      const { tag, category } = splitTag(this.rhs);
      if (!tag) {
        this.msg("Usage: tag[/switches] <obj> [= <tag>[:<category>]]");
        return;
      }
      // the spawner's own mark: spawn/update rewrites every object carrying it, so putting it on an
      // object is as good as editing it (name, attributes, locks) and needs the same right
      if (category?.toLowerCase() === PROTOTYPE_TAG_CATEGORY && !mayBuild(obj, this.caller as Builder, "edit")) {
        this.msg(`You don't have permission to mark ${obj.key} as made from a prototype (it needs the right to edit it).`);
        return;
      }
      obj.tags.add(tag, category ?? undefined);
      this.msg(`Added tag '${tag}'${categoryNote(category)} to ${obj.key}.`);
      return;
    }
    const tags = obj.tags.all();
    if (tags.length === 0) {
      this.msg(`No tags attached to ${obj.key}.`);
      return;
    }
    const listed = tags.map((t) => `'${t.key}'${categoryNote(t.category || null)}`).sort();
    this.msg(`Tag${tags.length > 1 ? "s" : ""} on ${obj.key}: ${listed.join(", ")}`);
  }

  /** Evennia's order: near the caller first, quietly; then everywhere, with messages. */
  private async findLocalThenGlobal(name: string): Promise<DefaultObject | null> {
    if (!name) {
      this.msg("Usage: tag[/switches] <obj> [= <tag>[:<category>]]");
      return null;
    }
    const caller = this.caller;
    if (caller instanceof DefaultObject) {
      const near = await caller.search(name, { quiet: true });
      if (near.length > 0) return near[0]!;
    }
    return findObject(this, name, { global: true });
  }

  private async searchTag(): Promise<void> {
    const { tag, category } = splitTag(this.args);
    const conditions = ["owner_kind = 'object'", "kind = 'tag'"];
    const params: unknown[] = [];
    if (tag) {
      conditions.push("key = ?");
      params.push(tag.toLowerCase());
    }
    if (category !== null) {
      conditions.push("category = ?");
      params.push(category.toLowerCase());
    }
    const objs = (await getStore().where("object", `id IN (SELECT owner_id FROM tags WHERE ${conditions.join(" AND ")})`, params, "ORDER BY id")).filter(
      (o): o is DefaultObject => o instanceof DefaultObject && !o.isDeleted,
    );
    if (objs.length === 0) {
      this.msg(`No objects found with tag '${tag}${categoryNote(category)}'.`);
      return;
    }
    const looker = this.caller instanceof DefaultObject ? this.caller : null;
    const catText = category ? ` (category: '|w${category}|n')` : objs.length === 1 ? "" : " (may have different tag categories)";
    const names = objs.map((o) => o.getDisplayName(looker)).join(", ");
    this.msg(`Found |w${objs.length}|n object${objs.length > 1 ? "s" : ""} with tag '|w${tag}|n'${catText}:\n ${names}`);
  }

  private async deleteTags(): Promise<void> {
    if (!this.lhs) {
      this.msg("Usage: tag/del <obj> [= <tag>[:<category>]]");
      return;
    }
    const obj = await findObject(this, this.lhs, { global: true });
    if (!obj) return;
    if (this.rhs) {
      const { tag, category } = splitTag(this.rhs);
      const removed = obj.tags.remove(tag, category ?? undefined);
      this.msg(removed ? `Removed tag '${tag}'${categoryNote(category)} from ${obj.key}.` : `No tag '${tag}'${categoryNote(category)} to delete on ${obj.key}.`);
      return;
    }
    const old = obj.tags.all().map((t) => `${t.key}${categoryNote(t.category || null)}`);
    if (old.length === 0) {
      this.msg(`No Tags to clear on ${obj.key}.`);
      return;
    }
    obj.tags.clear();
    this.msg(`Cleared all tags from ${obj.key}: ${old.sort().join(", ")}`);
  }
}
