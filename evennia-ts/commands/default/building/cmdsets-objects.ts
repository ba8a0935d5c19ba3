/**
 * `cmdsets` (the cmdsets stored on an object and what they merge to) and
 * `objects` (database statistics and the latest objects created), as Evennia's
 * `CmdListCmdSets` and `CmdObjects`.
 */
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { findTypeclass } from "../../../typeclasses/registry.ts";
import { getStore } from "../../../typeclasses/store-context.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { EvTable } from "../../../utils/text/evtable.ts";
import { mergeStack } from "../../cmdset-merge.ts";
import { evmore } from "../../evmore.ts";
import { MuxCommand } from "../../mux-command.ts";
import { baseTypeclassOf, findObject, type WorldObjectType } from "./target-search.ts";

/** `cmdsets`: list the cmdsets on an object. */
export class CmdListCmdSets extends MuxCommand {
  override key = "cmdsets";
  override aliases = ["listcmsets"];
  override locks = "cmd:perm(listcmdsets) or perm(Builder)";
  override helpCategory = "building";
  override help = `List the cmdsets defined on an object.

Usage:
  cmdsets [<obj>]

Shows the cmdset stack of the object (yourself by default), bottom first, and
the set they merge to, with its commands.

Examples:
  cmdsets
  cmdsets box`;

  override async func(): Promise<void> {
    let obj: TypedObject | null = this.caller as TypedObject;
    if (this.arglist.length) {
      obj = await findObject(this, this.arglist[0]!);
      if (!obj) return;
    }
    const stack = obj.cmdset.all();
    const lines = ["<CmdSetHandler> stack:"];
    if (stack.length > 1) {
      stack.forEach((set, i) => lines.push(` ${i + 1}: ${set.toString()}`));
      lines.push(` <Merged ${stack.map((_, i) => i + 1).join("+")}>: ${mergeStack(stack).toString()}`);
    } else if (stack.length === 1) {
      lines.push(` ${stack[0]!.toString()}`);
    } else {
      lines.push(" <CmdSet _EMPTY_CMDSET, Union, non-perm, prio -101>: ");
    }
    this.msg(lines.join("\n").trimEnd());
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Evennia's `datetime_format`: the time today, the day this year, else the day and year. */
export function datetimeFormat(date: Date, now = new Date()): string {
  const month = MONTHS[date.getUTCMonth()]!;
  const two = (n: number) => String(n).padStart(2, "0");
  if (date.getUTCFullYear() < now.getUTCFullYear()) return `${month} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
  const sameDay = date.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  if (!sameDay) return `${month} ${two(date.getUTCDate())}`;
  if (date.getUTCHours() < now.getUTCHours() - 1) return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
  return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function percent(count: number, total: number): string {
  return ((count / total) * 100).toFixed(2);
}

/** `objects`: database statistics. */
export class CmdObjects extends MuxCommand {
  override key = "objects";
  override aliases = ["listobjects", "listobjs", "stats", "db"];
  override locks = "cmd:perm(listobjects) or perm(Builder)";
  override helpCategory = "system";
  override help = `Statistics on the objects in the database.

Usage:
  objects [<nr>]

Counts the objects by kind (characters, rooms, exits, the rest) and by
typeclass, and lists the <nr> objects created last (10 by default).

Examples:
  objects
  objects 25`;

  override async func(): Promise<void> {
    const arg = this.args.trim();
    const limit = /^\d+$/.test(arg) ? Math.min(Number(arg), 10_000) : 10;
    const db = getStore().db;
    const rows = await db.query<{ typeclass_path: string; n: number | string }>("SELECT typeclass_path, COUNT(*) AS n FROM objects GROUP BY typeclass_path");
    const byPath = rows.map((r) => ({ path: r.typeclass_path, count: Number(r.n) }));
    const total = byPath.reduce((sum, r) => sum + r.count, 0);
    const divisor = total || 1;
    const familyCount = (type: WorldObjectType) => {
      const base = baseTypeclassOf(type) as unknown as { prototype: object };
      return byPath.filter((r) => {
        const cls = findTypeclass(r.path) as unknown as { prototype: object } | undefined;
        return cls !== undefined && (cls === base || Object.prototype.isPrototypeOf.call(base.prototype, cls.prototype));
      }).reduce((sum, r) => sum + r.count, 0);
    };
    const chars = familyCount("character");
    const rooms = familyCount("room");
    const exits = familyCount("exit");
    const other = total - chars - rooms - exits;

    const width = this.clientWidth();
    const totals = new EvTable(["|wtype|n", "|wcomment|n", "|wcount|n", "|w%|n"], { border: "table", align: "l", maxwidth: width });
    totals.addRow("Characters", "(BASE_CHARACTER_TYPECLASS + children)", chars, percent(chars, divisor));
    totals.addRow("Rooms", "(BASE_ROOM_TYPECLASS + children)", rooms, percent(rooms, divisor));
    totals.addRow("Exits", "(BASE_EXIT_TYPECLASS + children)", exits, percent(exits, divisor));
    totals.addRow("Other", "", other, percent(other, divisor));

    const types = new EvTable(["|wtypeclass|n", "|wcount|n", "|w%|n"], { border: "table", align: "l", maxwidth: width });
    for (const r of [...byPath].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path))) types.addRow(r.path, r.count, percent(r.count, divisor));

    const latest = limit > 0 ? await getStore().where("object", "1 = 1", [], `ORDER BY date_created DESC, id DESC LIMIT ${limit}`) : [];
    const recent = new EvTable(["|wcreated|n", "|wdbref|n", "|wname|n", "|wtypeclass|n"], { border: "table", align: "l", maxwidth: width });
    const now = new Date();
    for (const obj of [...latest].reverse()) {
      if (obj instanceof DefaultObject) recent.addRow(datetimeFormat(obj.dateCreated, now), obj.dbref, obj.key, obj.typeclassPath);
    }

    let text = `\n|wObject subtype totals (out of ${total} Objects):|n\n${totals.toString()}`;
    text += `\n|wObject typeclass distribution:|n\n${types.toString()}`;
    text += `\n|wLast ${Math.min(total, limit)} Objects created:|n\n${recent.toString()}`;
    evmore(this, text.trim());
  }
}
