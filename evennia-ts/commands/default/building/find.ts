/**
 * `find` (aliases `search`, `locate`): search the whole database for objects by
 * name, alias, `#dbref` or `*account`, within a range of dbrefs, as Evennia's
 * `CmdFind`.
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { MAX_ROW_ID } from "../../../typeclasses/store.ts";
import { getStore } from "../../../typeclasses/store-context.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { evmore } from "../../evmore.ts";
import { MuxCommand } from "../../mux-command.ts";
import { findAccountFor, isOfType, type WorldObjectType } from "./target-search.ts";
import { getById } from "../../../typeclasses/search.ts";

const USAGE = "Usage: find <string> [= low [-high]]";

/** `text` with LIKE's wildcards escaped (the pattern uses `\` as its escape). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `find`: search the database for objects. */
export class CmdFind extends MuxCommand {
  override key = "find";
  override aliases = ["search", "locate"];
  override locks = "cmd:perm(find) or perm(Builder)";
  override helpCategory = "building";
  override switchOptions = ["room", "exit", "char", "exact", "loc", "startswith"];
  override help = `Search the database for objects.

Usage:
  find[/switches] <name or dbref or *account> [= dbrefmin[-dbrefmax]]
  locate - the same as find/loc

Switches:
  room       - only rooms
  exit       - only exits
  char       - only characters
  exact      - only names that match exactly
  loc        - show where the match is (when there is one match)
  startswith - names that start with the text, rather than contain it

Searches every object for a name or alias containing the text, or for an exact
#dbref; *name searches the accounts. The switches limit what kind of object
matches. Give a dbref range after = to search only objects created in it: one
number is the lowest dbref.

Examples:
  find apple
  find/exact Red Apple
  find/room garden
  find #12
  find *anna
  find sword = 100-200
  locate key`;

  override async func(): Promise<void> {
    if (!this.args || (!this.lhs && !this.rhs)) {
      this.msg(USAGE);
      return;
    }
    const switches = new Set(this.switches);
    if ((this.cmdname || this.cmdstring).includes("locate")) switches.add("loc");
    const query = this.lhs;
    const range = await this.dbrefRange();
    if (!range) return;
    const [low, high] = range;
    const restrictions = this.switches.length ? `, ${[...switches].join(", ")}` : "";
    const types = (["room", "exit", "char"] as const).filter((s) => switches.has(s)).map((s): WorldObjectType => (s === "char" ? "character" : s));
    const ofType = (o: TypedObject) => types.length === 0 || types.some((t) => isOfType(o, t));

    const dbref = /^#(\d+)$/.exec(query);
    if (dbref || query.startsWith("*")) {
      let header: string;
      let result: TypedObject | null;
      if (dbref) {
        header = `|wExact dbref match|n(#${low}-#${high}${restrictions}):`;
        result = await getById<DefaultObject>(Number(dbref[1]));
        if (result?.isDeleted) result = null;
      } else {
        header = `|wMatch|n(#${low}-#${high}${restrictions}):`;
        result = await findAccountFor(this, query, { quiet: true });
      }
      if (result && !(result instanceof DefaultAccount) && !ofType(result)) result = null;
      if (types.length && result instanceof DefaultAccount) result = null;
      let text = header;
      if (!result) text += "\n   |RNo match found.|n";
      else if (result.id < low || result.id > high) text += `\n   |RNo match found for '${query.replace(/^\*/, "")}' in #dbref interval.|n`;
      else {
        text += `\n|g   ${this.describe(result)} - ${result.typeclassPath}|n`;
        if (switches.has("loc") && result instanceof DefaultObject && result.location) text += ` (|wlocation|n: |g${this.describe(result.location)}|n)`;
      }
      this.msg(text);
      return;
    }

    const wanted = query.toLowerCase();
    const pattern = switches.has("exact") ? escapeLike(wanted) : switches.has("startswith") ? `${escapeLike(wanted)}%` : `%${escapeLike(wanted)}%`;
    const where =
      "(key_lower LIKE ? ESCAPE '\\' OR id IN (SELECT owner_id FROM tags WHERE owner_kind = 'object' AND kind = 'alias' AND key LIKE ? ESCAPE '\\')) AND id >= ? AND id <= ?";
    const found = (await getStore().where("object", where, [pattern, pattern, low, high], "ORDER BY id")).filter((o) => !o.isDeleted && ofType(o));
    if (found.length === 0) {
      this.msg(`|wNo Matches|n(#${low}-#${high}${restrictions}):\n   |RNo matches found for '${query}'|n`);
      return;
    }
    let text = `|w${found.length > 1 ? `${found.length} Matches` : "One Match"}|n(#${low}-#${high}${restrictions}):`;
    for (const obj of found) text += `\n   |g${this.describe(obj)} - ${obj.typeclassPath}|n`;
    const only = found[0]!;
    if (switches.has("loc") && found.length === 1 && only instanceof DefaultObject && only.location) {
      text += ` (|wlocation|n: |g${this.describe(only.location)}|n)`;
    }
    evmore(this, text);
  }

  /** How the caller sees an object's name (with its dbref, for builders). */
  private describe(obj: TypedObject): string {
    const caller = this.caller instanceof DefaultObject ? this.caller : null;
    // builders always see the dbref (the display hook leaves it out of the caller's own name)
    if (obj instanceof DefaultObject) return `${obj.getDisplayName(caller)}${obj.getExtraDisplayNameInfo(caller) || `(${obj.dbref})`}`;
    return `${obj.key}(${obj.dbref})`;
  }

  /** The dbref range to search: the whole table, or what the right side gives; null after an error message. */
  private async dbrefRange(): Promise<[number, number] | null> {
    const [row] = await getStore().db.query<{ low: number | string | null; high: number | string | null }>("SELECT MIN(id) AS low, MAX(id) AS high FROM objects");
    let low = Number(row?.low ?? 1) || 1;
    let high = Number(row?.high ?? 1) || 1;
    if (this.rhs) {
      const bounds = this.rhs.trim().split(/[-\s]+/).filter(Boolean).map((part) => (/^#?\d+$/.test(part) ? Number(part.replace("#", "")) : NaN));
      if (bounds.length === 0 || bounds.some((b) => !Number.isInteger(b))) {
        this.msg("Invalid dbref range provided (not a number).");
        return null;
      }
      // no row has an id past the integer column (and PostgreSQL refuses to compare with one)
      for (const [i, b] of bounds.entries()) bounds[i] = Math.min(b, MAX_ROW_ID);
      bounds.sort((a, b) => a - b);
      low = bounds[0]!;
      if (bounds.length > 1) high = bounds[bounds.length - 1]!;
    }
    return [Math.min(low, high), Math.max(low, high)];
  }
}
