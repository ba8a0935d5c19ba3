/**
 * The page `examine` shows, block by block, shaped like Evennia's: `Name/key`,
 * `Aliases`, `Typeclass`, `Sessions`, the account, `Location`, `Home`,
 * `Destination`, `Permissions`, `Locks`, the stored and merged cmdsets and the
 * commands they give, `Tags`, persistent and non-persistent attributes, `Exits`,
 * `Characters` and `Content`, between two rules. Every block is a method of
 * {@link ExamineFormatter}, so a game can subclass it to change one.
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { DefaultScript } from "../../../typeclasses/scripts.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { crop, wrap } from "../../../utils/text/format.ts";
import { visibleLength } from "../../../utils/text/markup.ts";
import type { CmdSet } from "../../cmdset.ts";
import { displayValue, valueTypeName } from "./value-display.ts";

/** The header colour of the blocks. */
export const HEADER_COLOR = "|w";
const DETAIL_COLOR = "|c";
const QUELL_COLOR = "|r";
const TYPE_COLOR = "|B";

/** Markup in stored text shown as typed, not as colours (Evennia's `ansi_raw`). */
export function rawMarkup(text: string): string {
  return text.replace(/\|/g, "||");
}

/** What the cmdset part of the page is made from. */
export interface ExamineCmdSets {
  /** The merged set that applies to the object now. */
  current: CmdSet;
  /** Sets that also count (its account's and session's, which the merge on the object leaves out). */
  extra: readonly CmdSet[];
}

/** A script's timer settings (the columns of its row; timers themselves are not running yet). */
function timerOf(script: DefaultScript): { interval: number; repeats: number; startDelay: boolean; persistent: boolean; active: boolean } {
  const row = script._row;
  return { interval: Number(row.interval) || 0, repeats: Number(row.repeats) || 0, startDelay: Boolean(row.start_delay), persistent: Boolean(row.persistent), active: Boolean(row.is_active) };
}

/** One attribute (or non-persistent value) as listed. */
interface ListedAttribute {
  key: string;
  category: string;
  value: unknown;
}

/** Builds the blocks of an examine page for one looker. */
export class ExamineFormatter {
  constructor(
    /** Who examines (whose screen width counts). */
    readonly width: number,
  ) {}

  /** `Key (#12)`. */
  formatKey(obj: TypedObject): string {
    return `${obj.key} (${obj.dbref})`;
  }

  /** The aliases, comma-separated (null: none). */
  formatAliases(obj: TypedObject): string | null {
    const aliases = obj.aliases.get();
    return aliases.length ? aliases.join(", ") : null;
  }

  /** `DefaultObject (evennia.objects.DefaultObject)`: the class name and its path. */
  formatTypeclass(obj: TypedObject): string {
    return `${obj.constructor.name} (${obj.typeclassPath})`;
  }

  /** The ids of the sessions puppeting the object (or logged in to the account). */
  formatSessions(obj: TypedObject): string | null {
    const sessions = obj instanceof DefaultObject ? [...obj.sessions] : obj instanceof DefaultAccount ? obj.sessions : [];
    return sessions.length ? sessions.map((s) => `#${s.sessid}`).join(", ") : null;
  }

  /** An account's last login. */
  formatLastLogin(obj: TypedObject): string | null {
    if (!(obj instanceof DefaultAccount)) return null;
    const last = obj.lastLogin;
    return last ? `${DETAIL_COLOR}${last.toISOString()}|n` : null;
  }

  /** The account of a puppet: `|cName|n (#1)`. */
  formatAccountKey(account: DefaultAccount): string {
    return `${DETAIL_COLOR}${account.key}|n (${account.dbref})`;
  }

  /** The account's permissions (`<Superuser>`, `<None>`), and `(quelled)` when it is. */
  formatAccountPermissions(account: DefaultAccount): string {
    const perms = account.isSuperuser ? ["<Superuser>"] : account.permissions.get();
    let text = perms.length ? perms.join(", ") : "<None>";
    if (account.quelled) text += ` ${QUELL_COLOR}(quelled)|n`;
    return text;
  }

  /** A location, home or destination: `Room (#1)`. */
  formatRelation(target: DefaultObject | null): string | null {
    return target ? `${target.key} (${target.dbref})` : null;
  }

  /** The object's own permissions. */
  formatPermissions(obj: TypedObject): string | null {
    const perms = obj.permissions.get();
    if (!perms.length) return null;
    const superuser = (obj as { isSuperuser?: boolean }).isSuperuser === true;
    return perms.join(", ") + (superuser ? " <Superuser>" : "");
  }

  /** Every lock, `; `-separated and wrapped (`Default` when none). */
  formatLocks(obj: TypedObject): string {
    const locks = obj.locks.all();
    return locks.length ? wrap(rawMarkup(locks.join("; ")), this.width, "  ").trimStart() : "Default";
  }

  /** `path [key] (Union, prio 0, no_exits: T)` (key only, for sets without a path). */
  formatCmdSet(set: CmdSet): string {
    const flags = ([["no_exits", set.noExits], ["no_objs", set.noObjs], ["no_channels", set.noChannels], ["duplicates", set.duplicates]] as const)
      .filter(([, value]) => value !== null)
      .map(([name, value]) => `${name}: ${value ? "T" : "F"}`);
    const options = flags.length ? `, ${flags.join(", ")}` : "";
    return `${set.path || set.key} [${set.key}] (${set.mergeType}, prio ${set.priority}${options})`;
  }

  /** The cmdsets on the object's handler, highest priority first. */
  formatStoredCmdSets(obj: TypedObject): string | null {
    const sets = [...obj.cmdset.all()].filter((s) => s.key !== "_EMPTY_CMDSET").sort((a, b) => b.priority - a.priority);
    return sets.length ? "\n  " + sets.map((s) => this.formatCmdSet(s)).join("\n  ") : null;
  }

  /** The sets the current cmdset was merged from (and the account's and session's), highest priority first. */
  formatMergedCmdSets(cmdsets: ExamineCmdSets): string | null {
    const byKey = new Map<string, CmdSet>();
    for (const set of [...cmdsets.current.mergedFrom, ...cmdsets.extra]) byKey.set(set.key, set);
    const sets = [...byKey.values()].filter((s) => s.key !== "_EMPTY_CMDSET").sort((a, b) => b.priority - a.priority);
    return sets.length ? "\n  " + sets.map((s) => this.formatCmdSet(s)).join("\n  ") : null;
  }

  /** The keys of the merged cmdset's commands the object may use, sorted and wrapped. */
  formatCurrentCommands(obj: TypedObject, cmdsets: ExamineCmdSets): string {
    const names = [...new Set([...cmdsets.current].filter((c) => c.access(obj as never, "cmd")).map((c) => c.key))].sort();
    return "\n" + wrap(names.join(", "), this.width, "  ");
  }

  /** The scripts on the object: ` 'key' (seconds to next/interval, repeats left): description` (`-` when not running). */
  formatScripts(scripts: readonly DefaultScript[]): string | null {
    if (scripts.length === 0) return null;
    const lines = scripts.map((script) => {
      const { interval, repeats } = timerOf(script);
      const timed = interval > 0;
      const next = script.timeUntilNextRepeat();
      const left = script.remainingRepeats();
      return ` '${script.key}' (${timed ? (next ?? "-") : "inf"}/${timed ? interval : "inf"}, ${timed && repeats ? (left ?? repeats) : "inf"} repeats): ${script.description}`;
    });
    return "\n" + lines.join("\n");
  }

  /** A script's description, cropped. */
  formatScriptDescription(script: DefaultScript): string | null {
    return script.description ? crop(script.description, 20) : null;
  }

  /** A script's timer: `running - interval: 60s (next: 42s - 3/5 remain, start_delay: F)` (null without one). */
  formatScriptRepeat(script: DefaultScript): string | null {
    const { interval, repeats, startDelay, active } = timerOf(script);
    if (interval <= 0) return null;
    const state = active ? "|grunning|n" : "|rinactive|n";
    const next = script.timeUntilNextRepeat();
    const left = script.remainingRepeats();
    return `${state} - interval: ${interval}s (next: ${next === null ? "N/A" : `${next}s`}${repeats ? ` - ${left ?? repeats}/${repeats} remain` : ""}, start_delay: ${startDelay ? "T" : "F"})`;
  }

  /** Tags as `key` or `key[category]`, sorted. */
  formatTags(obj: TypedObject): string | null {
    const tags = obj.tags.all().map((t) => (t.category ? `${t.key}[${t.category}]` : t.key)).sort();
    return tags.length ? wrap(tags.join(", "), this.width, "  ").trimStart() : null;
  }

  /** One attribute line: `key=value` or `key[category]=value`, then its type when it is not a string. */
  formatAttribute(attr: ListedAttribute): string {
    const type = typeof attr.value === "string" ? "" : ` ${TYPE_COLOR}[type: ${valueTypeName(attr.value)}]|n`;
    const value = crop(rawMarkup(displayValue(attr.value)), this.width);
    return attr.category ? `${HEADER_COLOR}${attr.key}|n[${attr.category}]=${value}${type}` : `${HEADER_COLOR}${attr.key}|n=${value}${type}`;
  }

  /** `Attribute Obj/key [category=None] [type:int]:` and the whole value (for `examine obj/attr`). */
  formatAttributeDetail(obj: TypedObject, attr: ListedAttribute): string {
    const type = typeof attr.value === "string" ? "" : ` ${TYPE_COLOR}[type:${valueTypeName(attr.value)}]|n`;
    return `Attribute ${obj.key}/${HEADER_COLOR}${attr.key}|n [category=${attr.category || "None"}]${type}:\n\n${rawMarkup(displayValue(attr.value))}`;
  }

  /** Every persistent attribute, one a line, sorted. */
  formatAttributes(obj: TypedObject): string | null {
    const lines = obj.attributes.all().map((a) => this.formatAttribute(a)).sort();
    return lines.length ? "\n  " + lines.join("\n  ") : null;
  }

  /** Every `ndb` value, one a line, sorted. */
  formatNonPersistent(obj: TypedObject): string | null {
    const ndb = obj.ndb;
    const lines = Object.keys(ndb).map((key) => this.formatAttribute({ key, category: "", value: ndb[key] })).sort();
    return lines.length ? "\n  " + lines.join("\n  ") : null;
  }

  /** The exits inside the object: `out(#3)`. */
  formatExits(obj: DefaultObject): string | null {
    const exits = obj.exits.map((e) => `${e.key}(${e.dbref})`);
    return exits.length ? exits.join(", ") : null;
  }

  /** What inside has an account: `Char(#6)`. */
  formatCharacters(obj: DefaultObject): string | null {
    const chars = obj.contents.filter((o) => o.account).map((o) => `${o.key}(${o.dbref})`);
    return chars.length ? chars.join(", ") : null;
  }

  /** Everything else inside (no account, no destination). */
  formatThings(obj: DefaultObject): string | null {
    const things = obj.contents.filter((o) => !o.account && !o.destination).map((o) => `${o.key}(${o.dbref})`);
    return things.length ? things.join(", ") : null;
  }

  /** Every block, by header, in Evennia's order (null blocks are left out); `scripts` are those on the object. */
  blocks(obj: TypedObject, cmdsets: ExamineCmdSets | null, scripts: readonly DefaultScript[] = []): [string, string | null][] {
    const out: [string, string | null][] = [
      ["Name/key", this.formatKey(obj)],
      ["Aliases", this.formatAliases(obj)],
      ["Typeclass", this.formatTypeclass(obj)],
      ["Sessions", this.formatSessions(obj)],
      ["Last Login", this.formatLastLogin(obj)],
    ];
    if (obj instanceof DefaultObject) {
      const account = obj.hasSessions ? obj.account : null;
      if (account) {
        out.push(["Account", this.formatAccountKey(account)]);
        out.push(["  Account Typeclass", this.formatTypeclass(account)]);
        out.push(["  Account Permissions", this.formatAccountPermissions(account)]);
      }
      out.push(["Location", this.formatRelation(obj.location)], ["Home", this.formatRelation(obj.home)], ["Destination", this.formatRelation(obj.destination)]);
    }
    out.push(["Permissions", this.formatPermissions(obj)], ["Locks", this.formatLocks(obj)]);
    if (cmdsets && obj.cmdset.all().length > 0) {
      out.push(["Stored Cmdset(s)", this.formatStoredCmdSets(obj)]);
      out.push(["Merged Cmdset(s)", this.formatMergedCmdSets(cmdsets)]);
      out.push([`Commands available to ${obj.key} (result of Merged Cmdset(s))`, this.formatCurrentCommands(obj, cmdsets)]);
    }
    if (obj instanceof DefaultScript) {
      out.push(["Description", this.formatScriptDescription(obj)], ["Persistent", timerOf(obj).persistent ? "T" : "F"], ["Script Repeat", this.formatScriptRepeat(obj)]);
    }
    out.push(["Scripts", this.formatScripts(scripts)]);
    out.push(["Tags", this.formatTags(obj)], ["Persistent Attributes", this.formatAttributes(obj)], ["Non-Persistent Attributes", this.formatNonPersistent(obj)]);
    if (obj instanceof DefaultObject) {
      out.push(["Exits", this.formatExits(obj)], ["Characters", this.formatCharacters(obj)], ["Content", this.formatThings(obj)]);
    }
    return out;
  }

  /** The whole page: the blocks between two rules as wide as the widest line (at most the screen). */
  page(obj: TypedObject, cmdsets: ExamineCmdSets | null, scripts: readonly DefaultScript[] = []): string {
    const blocks = this.blocks(obj, cmdsets, scripts)
      .filter(([, block]) => block !== null)
      .map(([header, block]) => `${HEADER_COLOR}${header}|n:${block!.startsWith("\n") ? "" : " "}${block}`);
    const text = blocks.join("\n");
    return framed(text, this.width);
  }
}

/** `text` between two rules of `-` as wide as its widest line, at most `width`. */
export function framed(text: string, width: number, top = true): string {
  const widest = Math.max(0, ...text.split("\n").map((line) => visibleLength(line)));
  const rule = "-".repeat(Math.max(0, Math.min(width, widest)));
  return top ? `${rule}\n${text}\n${rule}` : `${rule}\n${text}`;
}
