/**
 * `examine`: everything a builder may want to know about an object, account,
 * script or channel, shaped like Evennia's `CmdExamine` (the blocks are built in
 * `examine-format.ts`). Long pages go through EvMore; output is sent with the
 * `examine` type, as Evennia tags it.
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { DefaultScript } from "../../../typeclasses/scripts.ts";
import { getStore } from "../../../typeclasses/store-context.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { visibleLength } from "../../../utils/text/markup.ts";
import { gatherCmdSets, gatherObjectCmdSets } from "../../cmdset-gather.ts";
import { mergeStack } from "../../cmdset-merge.ts";
import type { CmdSet } from "../../cmdset.ts";
import type { CommandSession } from "../../command.ts";
import { evmore } from "../../evmore.ts";
import { MuxCommand } from "../../mux-command.ts";
import { parseObjectAttrSpec } from "./object-spec.ts";
import { ExamineFormatter, framed, type ExamineCmdSets } from "./examine-format.ts";
import { findAccountFor, findObject, findTypedByKey } from "./target-search.ts";

/** What one name in the arguments is searched as. */
type ExamineType = "object" | "account" | "script" | "channel";

/** The first session of `owner` that the command system knows (with its cmdsets), if any. */
function commandSessionOf(owner: DefaultObject | DefaultAccount): CommandSession | null {
  const sessions: unknown[] = owner instanceof DefaultObject ? [...owner.sessions] : owner.sessions;
  const found = sessions.find((s) => typeof s === "object" && s !== null && "cmdset" in s);
  return (found as CommandSession | undefined) ?? null;
}

/** `examine`: show an object's data. */
export class CmdExamine extends MuxCommand {
  override key = "examine";
  override aliases = ["ex", "exam"];
  override locks = "cmd:perm(examine) or perm(Builder)";
  override helpCategory = "building";
  override argRegex = "(/\\w+?(\\s|$))|\\s|$";
  override switchOptions = ["account", "object", "script", "channel"];
  override help = `Show detailed information about an object.

Usage:
  examine [<object>[/attrname]]
  examine [*<account>[/attrname]]

Switches:
  account - examine an account (same as starting the name with *)
  object  - examine an object (useful out of character)
  script  - examine a script
  channel - examine a channel

Shows the game data of an object: its typeclass, location, permissions, locks,
cmdsets, the commands it has, tags and attributes, and what it holds. With
/attrname, only those attributes are shown, in full. Without an argument, your
location is examined. Without examine access to the object you just look at it.

Examples:
  examine
  examine box
  examine box/weight
  ex *anna
  examine/script weather`;

  override async func(): Promise<void> {
    const caller = this.caller;
    const formatter = new ExamineFormatter(this.clientWidth());
    if (!this.args) {
      const location = caller instanceof DefaultObject ? caller.location : null;
      if (!location) {
        this.send("You need to supply a target to examine.");
        return;
      }
      await this.examineOne(formatter, location, [], "object");
      return;
    }
    for (const spec of this.lhslist.filter((p) => p.trim() !== "").map(parseObjectAttrSpec)) {
      const type = this.typeFor(spec.name);
      const target = await this.find(spec.name, type);
      if (!target) continue;
      await this.examineOne(formatter, target, spec.attrs, type);
    }
  }

  /** Send with the `examine` type, as Evennia does. */
  private send(text: string): void {
    this.msg({ text: [text, { type: "examine" }] });
  }

  private typeFor(name: string): ExamineType {
    if (this.switches.includes("script")) return "script";
    if (this.switches.includes("channel")) return "channel";
    if (this.switches.includes("account") || name.startsWith("*")) return "account";
    if (this.caller instanceof DefaultAccount && !this.switches.includes("object")) return "account";
    return "object";
  }

  private async find(name: string, type: ExamineType): Promise<TypedObject | null> {
    if (type === "account") return findAccountFor(this, name);
    if (type === "script" || type === "channel") return findTypedByKey(this, type, name);
    return findObject(this, name, this.caller instanceof DefaultObject ? {} : { global: true });
  }

  private async examineOne(formatter: ExamineFormatter, obj: TypedObject, attrs: string[], type: ExamineType): Promise<void> {
    const caller = this.caller;
    if (!obj.access(caller, "examine")) {
      if (caller instanceof DefaultObject && obj instanceof DefaultObject) this.send(obj.returnAppearance(caller));
      else this.send(`You are not allowed to examine ${obj.key}.`);
      return;
    }
    if (obj instanceof DefaultObject) await obj.loadContents();
    if (attrs.length) {
      const wanted = new Set(attrs);
      const found = obj.attributes.all().filter((a) => wanted.has(a.key));
      if (found.length === 0) {
        this.send(`No attributes found on ${obj.key}.`);
        return;
      }
      const parts = found.map((a) => formatter.formatAttributeDetail(obj, a));
      const widest = Math.max(...parts.flatMap((p) => p.split("\n")).map((line) => visibleLength(line)));
      this.send(framed(parts.join("\n"), Math.min(widest, formatter.width), false));
      return;
    }
    const cmdsets = type === "object" || type === "account" ? await this.cmdsetsOf(obj as DefaultObject | DefaultAccount) : null;
    evmore(this, formatter.page(obj, cmdsets, await this.scriptsOn(obj)), { textKwargs: { type: "examine" } });
  }

  /** The scripts attached to an object or account. */
  private async scriptsOn(obj: TypedObject): Promise<DefaultScript[]> {
    if (!(obj instanceof DefaultObject) && !(obj instanceof DefaultAccount)) return [];
    const column = obj instanceof DefaultAccount ? "account_id" : "obj_id";
    const found = await getStore().where("script", `${column} = ?`, [obj.id], "ORDER BY id");
    return found.filter((s): s is DefaultScript => s instanceof DefaultScript && !s.isDeleted);
  }

  /** The merged cmdset of `obj` now (as its session would have it, else on its own), and the sets that also count. */
  private async cmdsetsOf(obj: DefaultObject | DefaultAccount): Promise<ExamineCmdSets> {
    const session = commandSessionOf(obj);
    const extra: CmdSet[] = [];
    if (obj instanceof DefaultObject) {
      const gathered = session && session.puppet === obj ? await gatherCmdSets(session, obj) : await gatherObjectCmdSets(obj);
      const account = obj.account;
      if (account && obj.hasSessions) {
        extra.push(...account.cmdset.all());
        if (session) extra.push(...session.cmdset.all());
      }
      return { current: mergeStack(gathered.entries), extra };
    }
    const sets = [...(session ? session.cmdset.all() : []), ...obj.cmdset.all()];
    return { current: mergeStack(sets), extra };
  }
}
