/**
 * `destroy` (`delete`, `del`): delete objects for good, after asking. Refuses what
 * the builder may not delete (`control` or `delete` lock), characters of accounts
 * (unless /override), and the game's default home and start room.
 */
import type { DefaultObject } from "../../../typeclasses/objects.ts";
import { sessionRegistry } from "../../../typeclasses/sessions.ts";
import { getInput } from "../../input-prompt.ts";
import { mayBuild, noPermission } from "./access.ts";
import { ObjManipCommand } from "./obj-manip-command.ts";

/** Parse a dbref with or without `#` (`12`, `#12`); null when it is not one (or too big to be an id). */
function parseDbref(text: string): number | null {
  const match = /^#?(\d+)$/.exec(text.trim());
  const id = match ? Number(match[1]) : NaN;
  // beyond 2^53 numbers lose their last digits (and `id++` stops counting)
  return Number.isSafeInteger(id) ? id : null;
}

/** The most objects one dbref range may name (a typo like 1-999999 should not hang the server). */
export const MAX_DESTROY_RANGE = 1000;

/**
 * The rooms nobody may destroy — the default home and the start location — each
 * with the reason, as `destroy` (and the web admin) refuse them.
 */
export async function roomsNeverDestroyed(): Promise<Map<DefaultObject, string>> {
  const registry = sessionRegistry();
  const rooms = new Map<DefaultObject, string>();
  const start = (await registry?.startLocation()) ?? null;
  const home = (await registry?.defaultHome()) ?? null;
  if (home) rooms.set(home, "the default home (server setting default_home)");
  if (start && !rooms.has(start)) rooms.set(start, "the start location (server setting start_location)");
  return rooms;
}

/** `destroy[/switches] [obj, obj2, obj3, [dbref-dbref], ...]`. */
export class CmdDestroy extends ObjManipCommand {
  override key = "destroy";
  override aliases = ["delete", "del"];
  override switchOptions = ["override", "force", "exact"];
  override locks = "cmd:perm(destroy) or perm(Builder)";
  override help = `Delete objects permanently.

Usage:
  destroy[/switches] [obj, obj2, obj3, [dbref-dbref], ...]

Switches:
  override - also destroy objects that belong to an account (characters),
             which is otherwise refused.
  force    - destroy without asking for confirmation.
  exact    - match only exact names (and aliases), not the start of names.

Destroys one or more objects, named as usual or by #dbref. A range of dbrefs
such as 4-10 names every object from #4 to #10 (both ends included). You are
asked to confirm first (just press return for yes) unless you give /force.
Exits to and from a destroyed object go with it, and what was inside it is
sent home. You need an object's "control" or "delete" lock to destroy it; the
default home and the start room can never be destroyed.

Examples:
  destroy house, roof, door, 44-78
  destroy 5-10, flower, 45
  destroy/force north
  del/exact sword`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || !this.lhs) {
      this.msg("Usage: destroy[/switches] [obj, obj2, obj3, [dbref-dbref],...]");
      return;
    }
    const objs = await this.findTargets(caller);
    if (objs.length === 0) return;
    if (this.switches.includes("force")) {
      await this.destroyAll(caller, objs);
      return;
    }
    const names = objs.length >= 5 ? objs.map((o) => o.dbref) : objs.map((o) => o.getDisplayName(caller));
    getInput(this.session, `Are you sure you want to destroy ${names.join(", ")} [yes]/no?`, async (line) => {
      const answer = line.trim().toLowerCase() || "yes";
      if (!["yes", "y", "no", "n"].includes(answer)) {
        this.msg("Canceled: Either accept the default by pressing return or specify yes/no.");
      } else if (answer.startsWith("n")) {
        this.msg("Canceled: No object was destroyed.");
      } else {
        await this.destroyAll(caller, objs);
      }
    });
  }

  /** Every object the arguments name, each once (the search reports what it could not find). */
  private async findTargets(caller: DefaultObject): Promise<DefaultObject[]> {
    const objs: DefaultObject[] = [];
    const exact = this.switches.includes("exact");
    for (const name of this.lhslist) {
      if (!name) continue;
      const dash = name.indexOf("-");
      const first = dash > 0 ? parseDbref(name.slice(0, dash)) : null;
      const last = dash > 0 ? parseDbref(name.slice(dash + 1)) : null;
      if (first !== null && last !== null) {
        // 10-4 means 4-10
        const [low, high] = first <= last ? [first, last] : [last, first];
        if (high - low >= MAX_DESTROY_RANGE) {
          this.msg(`A dbref range may name at most ${MAX_DESTROY_RANGE} objects; ${name} names ${high - low + 1}.`);
          continue;
        }
        for (let id = low; id <= high; id++) {
          const [found] = await caller.search(`#${id}`, { quiet: true, useDbref: true });
          if (found && !objs.includes(found)) objs.push(found);
        }
        continue;
      }
      const obj = await caller.search(name, { exact });
      if (!obj) this.msg(" (Objects to destroy must either be local or specified with a unique #dbref.)");
      else if (!objs.includes(obj)) objs.push(obj);
    }
    return objs;
  }

  /** Destroy each of `objs` that may be destroyed, and report on all in one message. */
  private async destroyAll(caller: DefaultObject, objs: DefaultObject[]): Promise<void> {
    const protectedRooms = await roomsNeverDestroyed();
    const results: string[] = [];
    for (const obj of objs) results.push(await this.destroyOne(caller, obj, protectedRooms));
    if (results.length) this.msg(results.join("\n"));
  }

  private async destroyOne(caller: DefaultObject, obj: DefaultObject, protectedRooms: Map<DefaultObject, string>): Promise<string> {
    const name = obj.key;
    if (obj.isDeleted) return `Object ${name} was already deleted.`;
    if (!mayBuild(obj, caller, "delete")) return noPermission("delete", obj);
    if (obj.account && !this.switches.includes("override")) {
      return `Object ${name} is controlled by an active account. Use /override to delete anyway.`;
    }
    const role = protectedRooms.get(obj);
    if (role) return `You are trying to delete |c${name}|n, which is set as ${role}. Point that setting to another object before continuing.`;
    const contents = await obj.loadContents();
    const hadExits = obj.exits.length > 0;
    const hadObjects = contents.some((o) => o.destination === null);
    if (!(await obj.delete())) return `ERROR: ${name} not deleted, probably because delete() returned False.`;
    let text = `${name} was destroyed.`;
    if (hadExits) text += ` Exits to and from ${name} were destroyed as well.`;
    if (hadObjects) text += ` Objects inside ${name} were moved to their homes.`;
    return text;
  }
}
