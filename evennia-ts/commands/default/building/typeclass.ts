/**
 * `typeclass` (aliases `type`, `parent`, `swap`, `update`, `typeclasses`): show,
 * list and change the typeclass of an object or account, as Evennia's
 * `CmdTypeclass`. Changing it swaps the class of the live object in place
 * (`swapTypeclass`) and runs the creation hooks as the switches say.
 */
import { DefaultAccount } from "../../../typeclasses/accounts.ts";
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { findTypeclass, registeredTypeclassPaths } from "../../../typeclasses/registry.ts";
import type { TypedObject } from "../../../typeclasses/typed-object.ts";
import { isEvenniaError } from "../../../utils/errors.ts";
import { getInput } from "../../input-prompt.ts";
import { evmore } from "../../evmore.ts";
import { MuxCommand } from "../../mux-command.ts";
import { findAccountFor, findObject, mayEdit } from "./target-search.ts";
import { swapObjectTypeclass, typeclassProblem, type SwapMode } from "./typeclass-swap.ts";
import { getPrototype } from "../../../prototypes/prototype-library.ts";
import { PROTOTYPE_TAG_CATEGORY } from "../../../prototypes/prototype.ts";
import { batchUpdateObjectsWithPrototype } from "../../../prototypes/spawner.ts";

/** `typeclass`: view or change typeclasses. */
export class CmdTypeclass extends MuxCommand {
  override key = "typeclass";
  override aliases = ["type", "parent", "swap", "update", "typeclasses"];
  override locks = "cmd:perm(typeclass) or perm(Builder)";
  override helpCategory = "building";
  override switchOptions = ["show", "examine", "update", "reset", "force", "list", "prototype"];
  override help = `Show or change the typeclass of an object.

Usage:
  typeclass[/switch] <object> [= typeclass.path]
  typeclasses                 (the same as typeclass/list)
  swap <object> = <path>      (the same as typeclass/force/reset)
  update <object>             (the same as typeclass/force/update)

Switches:
  show, examine - show the object's typeclass; given a typeclass path (or the
                  end of one) instead, tell about that typeclass
  update - only run the new class's atObjectCreation hook; the attributes,
           locks and other data the object has stay (the default)
  reset  - clear the attributes, locks and cmdsets first, then run every
           creation hook, as for a new object (asks to confirm)
  force  - change even when the object already has that typeclass
  list   - list the registered typeclasses
  prototype - apply a prototype (typeclass/prototype <object> =
              <prototype_key>): the typeclass, key, attributes, tags, locks...
              the prototype names are set, attributes it does not have are
              removed (as spawn/update does), its location and other unnamed
              fields stay, and later spawn/update reaches the object

Without a path, the object's own typeclass is used (with /force, to run its
hooks again). Paths are the names classes are registered under
(registerTypeclass). An unknown path leaves the object as it was. You need
control or edit access to the object.

Examples:
  typeclass box
  typeclass box = typeclasses.objects.Chest
  type/reset box = typeclasses.objects.Chest
  update box
  typeclasses
  typeclass/show Chest`;

  override async func(): Promise<void> {
    const calledAs = (this.cmdname || this.cmdstring || this.key).toLowerCase();
    if (this.switches.includes("list") || calledAs === "typeclasses") {
      this.listTypeclasses();
      return;
    }
    if (!this.args || !this.lhs) {
      this.msg(`Usage: ${calledAs} <object> [= typeclass]`);
      return;
    }
    if (this.switches.includes("prototype")) {
      await this.fromPrototype();
      return;
    }
    if (this.switches.includes("show") || this.switches.includes("examine")) {
      await this.show(this.lhs);
      return;
    }
    const obj = await this.findTarget(this.lhs, this.rhs);
    if (!obj) return;
    const newPath = this.rhs || obj.typeclassPath;
    const switches = new Set(this.switches);
    if (calledAs === "swap") switches.add("force").add("reset");
    else if (calledAs === "update") switches.add("force").add("update");
    if (!mayEdit(obj, this.caller)) {
      this.msg("You are not allowed to do that.");
      return;
    }
    const isSame = obj.typeclassPath === newPath;
    if (isSame && !switches.has("force")) {
      this.msg(`${obj.key} already has the typeclass '${newPath}'. Use /force to override.`);
      return;
    }
    const problem = typeclassProblem(obj, newPath);
    if (problem) {
      this.msg(problem);
      return;
    }
    const reset = switches.has("reset");
    const mode: SwapMode = { reset, update: switches.has("update") || !reset };
    if (!reset) {
      this.msg(await swapObjectTypeclass(obj, newPath, mode));
      return;
    }
    getInput(
      this.session,
      "|yNote that this will reset the object back to its typeclass' default state, removing any custom locks/attributes etc that may have been added. Use `update` or type/force instead in order to keep such data. Continue [Y]/N?|n",
      async (answer) => {
        if (/^(n|no)$/i.test(answer.trim())) {
          this.msg("Aborted.");
          return;
        }
        if (obj.isDeleted) {
          this.msg(`${obj.key} no longer exists.`);
          return;
        }
        this.msg(await swapObjectTypeclass(obj, newPath, mode));
      },
    );
  }

  /** The object (or, for an account typeclass, the account) to change. */
  /**
   * `typeclass/prototype <obj> = <prototype_key>`: what the prototype names is set on
   * the object as `spawn/update` sets it on spawned objects (attributes the prototype
   * lacks go; unnamed fields such as the location stay), and it is tagged as spawned from it.
   */
  private async fromPrototype(): Promise<void> {
    const key = (this.rhs ?? "").trim();
    if (!key) {
      this.msg("Usage: typeclass/prototype <object> = <prototype_key>");
      return;
    }
    const obj = await this.findTarget(this.lhs, null);
    if (!obj) return;
    if (!(obj instanceof DefaultObject)) {
      this.msg("Only objects (not accounts) can be made from a prototype.");
      return;
    }
    if (!mayEdit(obj, this.caller)) {
      this.msg("You are not allowed to do that.");
      return;
    }
    const found = await getPrototype(key);
    if (!found) {
      this.msg(`No prototype named '${key}' was found (see spawn/list).`);
      return;
    }
    const protKey = found.prototype.prototype_key ?? key;
    try {
      await batchUpdateObjectsWithPrototype(found.prototype, { objects: [obj] });
    } catch (err) {
      if (!isEvenniaError(err, "EV_ERR_BAD_INPUT")) throw err;
      this.msg(`|r${err.message}|n`);
      return;
    }
    // spawn/update reaches it from now on, as an object spawned from the prototype
    obj.tags.add(protKey, PROTOTYPE_TAG_CATEGORY);
    this.msg(`${obj.key} now follows the prototype '${protKey}' (typeclass ${obj.typeclassPath}).`);
  }

  private async findTarget(name: string, path: string | null): Promise<TypedObject | null> {
    const cls = path ? findTypeclass(path) : undefined;
    if (name.startsWith("*") || cls?.kind === "account" || (this.caller instanceof DefaultAccount && !path)) {
      if (cls && cls.kind === "account") this.msg(`Trying to search ${path} with query '${name}'.`);
      return findAccountFor(this, name);
    }
    return findObject(this, name, this.caller instanceof DefaultObject ? {} : { global: true });
  }

  private async show(query: string): Promise<void> {
    const caller = this.caller;
    const near = caller instanceof DefaultObject ? await caller.search(query, { quiet: true }) : [];
    if (near.length > 0) {
      const obj = await findObject(this, query);
      if (obj) this.msg(`${obj.key}'s current typeclass is '${obj.typeclassPath}'`);
      return;
    }
    const matches = registeredTypeclassPaths().filter((p) => p.endsWith(query));
    if (matches.length > 1) this.msg(`Multiple typeclasses found matching ${query}:\n  ${matches.join("\n  ")}`);
    else if (matches.length === 0) this.msg(`No object or typeclass path found to match '${query}'`);
    else {
      const cls = findTypeclass(matches[0]!)!;
      const parent = Object.getPrototypeOf(cls) as { name?: string };
      this.msg(`Typeclass '${matches[0]}': class ${cls.name} (a ${cls.kind} typeclass${parent?.name ? `, extends ${parent.name}` : ""}).`);
    }
  }

  private listTypeclasses(): void {
    const paths = registeredTypeclassPaths();
    const contrib = paths.filter((p) => p.startsWith("evennia.contrib"));
    const core = paths.filter((p) => p.startsWith("evennia") && !contrib.includes(p));
    const game = paths.filter((p) => !p.startsWith("evennia"));
    const block = (list: string[]) => (list.length ? list : ["<None loaded>"]).join("\n    ");
    const text = `|wCore typeclasses|n\n    ${block(core)}\n|wLoaded Contrib typeclasses|n\n    ${block(contrib)}\n|wGame-dir typeclasses|n\n    ${block(game)}`;
    evmore(this, text, { exitOnLastPage: true });
  }
}
