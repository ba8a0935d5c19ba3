/**
 * `scripts` (Evennia's CmdScripts): list the scripts in the game, those of one
 * object, or those matching a #dbref, key or typeclass path; start, stop, pause,
 * unpause or delete them; add one to an object.
 *
 *     scripts                          every script
 *     scripts <#dbref|key|path|obj>    the matching scripts (or those on the object)
 *     scripts/stop <#dbref|key|obj>    stop (also start, pause, unpause, delete)
 *     scripts <obj> = <path>           add a script to an object and start it
 */
import { DefaultAccount } from "../../typeclasses/accounts.ts";
import { DefaultObject } from "../../typeclasses/objects.ts";
import { createScript } from "../../typeclasses/create.ts";
import { findTypeclass } from "../../typeclasses/registry.ts";
import { DefaultScript } from "../../typeclasses/scripts.ts";
import { getStore } from "../../typeclasses/store-context.ts";
import { describeError } from "../../utils/errors.ts";
import { getLogger } from "../../utils/logger.ts";
import { crop } from "../../utils/text/format.ts";
import { EvTable } from "../../utils/text/evtable.ts";
import { evmore } from "../evmore.ts";
import { getInput } from "../input-prompt.ts";
import { MuxCommand } from "../mux-command.ts";

const log = getLogger("commands");

/** The switches that act on the scripts found, and the word each reports. */
const ACTIONS = {
  start: "|gStarted|n",
  stop: "|rStopped|n",
  pause: "|yPaused|n",
  unpause: "|gUnpaused|n",
  delete: "|rDeleted|n",
} as const;

type Action = keyof typeof ACTIONS;

const USAGE = "Usage: scripts[/start||stop||pause||unpause||delete] [#dbref, key, script.path or <obj>]";

/** `key:path` → both; a lone `path` → no key. */
function splitKeyPath(text: string): { key: string | undefined; path: string } {
  const colon = text.indexOf(":");
  if (colon <= 0) return { key: undefined, path: text.trim() };
  return { key: text.slice(0, colon).trim(), path: text.slice(colon + 1).trim() };
}

/** The owner column of the listing: `key(#id)` of the object or account, or `<Global>`. */
function ownerLabel(script: DefaultScript): string {
  const owner = script.obj ?? script.account;
  if (owner) return `${owner.key}(${owner.dbref})`;
  if (!script.isGlobal) return `(#${script._row.obj_id ?? script._row.account_id})`;
  return "<Global>";
}

/** When the script next runs, as the listing shows it. */
function nextLabel(script: DefaultScript): string {
  const next = script.timeUntilNextRepeat();
  if (next !== null) return `${next}s`;
  const paused = script.pausedTimeLeft();
  return paused !== null ? `PAUSED ${paused}s` : "--";
}

/** `scripts[/switches] [#dbref, key, script.path or <obj>]`. */
export class CmdScripts extends MuxCommand {
  override key = "scripts";
  override aliases = ["script", "listscripts", "globalscript"];
  override switchOptions = ["start", "stop", "pause", "unpause", "delete"];
  override locks = "cmd:perm(listscripts) or perm(Admin)";
  override helpCategory = "system";
  override help = `List and manage the scripts of the game.

Usage:
  scripts[/switches] [#dbref, key, script.path or <obj>]
  scripts [key:]<script.path>
  scripts <obj> = <script.path or key:script.path>

Switches:
  start   - start a stopped script's timer, or unpause a paused one
  stop    - stop a script's timer (the script stays)
  pause   - pause a script's timer, keeping the time it has left
  unpause - continue a paused timer
  delete  - stop a script and delete it

Without arguments every script is listed: its id, the object it sits on (or
<Global>), key, interval, time until it runs next, repeats done out of the
allowed number, whether it is persistent (*), typeclass and description. With
an argument, the scripts with that #dbref, key or typeclass path are listed,
or else those on the object of that name. A switch acts on what was found;
when that is more than one script, you are asked first. A script typeclass
path that names no script yet creates a global script of it (with the key
given as "key:path"). With "<obj> = path" a new script of that typeclass is
added to the object and started.

Examples:
  scripts
  scripts weather
  scripts/pause #12
  scripts/stop here
  scripts/delete #12
  scripts box = world.scripts.Glow
  scripts weather:world.scripts.Weather`;

  override async func(): Promise<void> {
    const switches = this.switches.filter((s): s is Action => s in ACTIONS);
    if (switches.length > 1) {
      this.msg(`Give one switch at a time. ${USAGE}`);
      return;
    }
    const action = switches[0] ?? null;
    if (this.rhs !== null) {
      if (action) this.msg(`Switches act on scripts found by name, not with "=". ${USAGE}`);
      else await this.addToObject();
      return;
    }
    const query = this.args.trim();
    if (!query) {
      if (action) {
        this.msg(`Which script? ${USAGE}`);
        return;
      }
      const all = (await getStore().where("script", "1 = 1", [], "ORDER BY id")) as DefaultScript[];
      if (all.length === 0) this.msg("No scripts found.");
      else this.showTable(all);
      return;
    }
    const scripts = await this.findScripts(query);
    if (scripts.length === 0) {
      if (!action && (await this.createGlobal(query))) return;
      this.msg(`No scripts found with a key '${query}', or on an object named '${query}'.`);
      return;
    }
    if (!action) {
      this.showTable(scripts);
      return;
    }
    if (scripts.length === 1) {
      await this.apply(action, scripts);
      return;
    }
    this.msg(`Multiple scripts found:\n${this.table(scripts)}`);
    getInput(this.session, `Are you sure you want to ${action} all ${scripts.length} of them? [Y]/N?`, async (line) => {
      if (["n", "no"].includes(line.trim().toLowerCase())) {
        this.msg("Aborted.");
        return;
      }
      await this.apply(action, scripts);
    });
  }

  /**
   * The scripts a query names: a #dbref; else the scripts whose key or typeclass
   * path (or its last part) matches; else those on the object of that name.
   */
  private async findScripts(query: string): Promise<DefaultScript[]> {
    const store = getStore();
    const dbref = /^#(\d+)$/.exec(query);
    if (dbref) {
      const script = await store.get("script", Number(dbref[1]));
      if (script instanceof DefaultScript) return [script];
    }
    const { key, path } = splitKeyPath(query.toLowerCase());
    const pathMatches = (p: string) => p === path || p.endsWith(`.${path}`);
    const rows = await store.db.query<{ id: number | string; key: string; typeclass_path: string }>("SELECT id, key, typeclass_path FROM scripts ORDER BY id");
    const ids = rows
      .filter((r) => {
        const rowPath = r.typeclass_path.toLowerCase();
        // "key:path" must match both; a lone word matches a key or a path
        return key !== undefined ? r.key.toLowerCase() === key && pathMatches(rowPath) : r.key.toLowerCase() === path || pathMatches(rowPath);
      })
      .map((r) => Number(r.id));
    if (ids.length > 0) return ((await store.load("script", ids)) as (DefaultScript | null)[]).filter((s): s is DefaultScript => s !== null);
    const caller = this.caller;
    if (!(caller instanceof DefaultObject)) return [];
    const [obj] = await caller.search(query, { quiet: true, global: true });
    return obj ? obj.scripts.all() : [];
  }

  /** `scripts [key:]<path>` naming no script but a script typeclass: create a global script of it. */
  private async createGlobal(query: string): Promise<boolean> {
    const { key, path } = splitKeyPath(query);
    const cls = findTypeclass(path);
    if (!cls || !(cls === DefaultScript || cls.prototype instanceof DefaultScript)) return false;
    try {
      const script = await createScript(path, { key });
      this.msg(`Global Script Created - ${script.key} (${script.typeclassPath})`);
      this.showTable([script]);
    } catch (err) {
      this.msg(`Global Script |rNOT|n Created |r(${describeError(err)})|n - arguments: ${query}`);
    }
    return true;
  }

  /** Run `action` on each script, reporting each. */
  private async apply(action: Action, scripts: DefaultScript[]): Promise<void> {
    const lines: string[] = [];
    const left: DefaultScript[] = [];
    for (const script of scripts) {
      const owner = script.obj ?? script.account;
      const kind = owner ? `Script on ${owner.key}` : "Global Script";
      const what = `${script.key} (${script.typeclassPath})`;
      // (asked about several, the player answered later: one may be gone since)
      if (script.isDeleted) {
        lines.push(`${kind} ${what} was deleted meanwhile.`);
        continue;
      }
      try {
        await script[action]();
        lines.push(`${kind} ${ACTIONS[action]} - ${what}`);
        if (!script.isDeleted) left.push(script);
      } catch (err) {
        log.error(`scripts/${action} on ${script.dbref} failed`, err);
        lines.push(`${kind} |rNOT|n ${ACTIONS[action]} |r(${describeError(err)})|n - ${what}`);
      }
    }
    this.msg(lines.join("\n"));
    if (left.length > 0) this.showTable(left);
  }

  /** `scripts <obj> = [key:]<path>`: add a script to an object and start it. */
  private async addToObject(): Promise<void> {
    const target = this.lhs.trim();
    const spec = (this.rhs ?? "").trim();
    const caller = this.caller;
    if (!target || !spec) {
      this.msg("Usage: scripts <obj> = <script.path or key:script.path>");
      return;
    }
    if (!(caller instanceof DefaultObject) && !(caller instanceof DefaultAccount)) return;
    const obj = caller instanceof DefaultObject ? await caller.search(target, { global: true }) : null;
    if (!obj) {
      if (!(caller instanceof DefaultObject)) this.msg(`Could not find '${target}'.`);
      return;
    }
    const { key, path } = splitKeyPath(spec);
    try {
      const script = await obj.scripts.add(path, { key });
      this.msg(`Script |w${script.key}|n (${script.typeclassPath}) was added to ${obj.getDisplayName(caller as DefaultObject)} and started.`);
      this.showTable([script]);
    } catch (err) {
      this.msg(`Script ${spec} could not be added to ${obj.key}: ${describeError(err)}`);
    }
  }

  /** Show scripts as a table (paged when long). */
  private showTable(scripts: DefaultScript[]): void {
    evmore(this, this.table(scripts));
  }

  private table(scripts: DefaultScript[]): string {
    const headers = ["id", "obj", "key", "intval", "next", "rept", "db", "typeclass", "desc"].map((h) => `|w${h}|n`);
    const table = new EvTable(headers, { border: "tablecols", maxwidth: this.clientWidth() });
    for (const script of scripts) {
      const repeats = script.repeats > 0 ? `${script.repeatsDone}/${script.repeats}` : "-/-";
      table.addRow(
        script.dbref,
        ownerLabel(script),
        script.key,
        script.interval > 0 ? String(script.interval) : "--",
        nextLabel(script),
        repeats,
        script.persistent ? "*" : "-",
        script.typeclassPath.split(".").pop() ?? script.typeclassPath,
        crop(script.description, 20),
      );
    }
    return table.toString();
  }
}
