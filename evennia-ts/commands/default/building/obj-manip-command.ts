/**
 * `ObjManipCommand`: the base of the building commands that take object specs,
 * as Evennia's. After MUX parsing (`name[/switches] lhs [= rhs]`) each side is
 * also parsed as a comma-separated list of specs:
 *
 *     name;alias;alias:option, name2;alias ...      → lhsObjs / rhsObjs
 *     obj/attr/attr:category, obj2/attr ...         → lhsObjAttrs / rhsObjAttrs
 */
import { DefaultObject } from "../../../typeclasses/objects.ts";
import { MuxCommand } from "../../mux-command.ts";
import { parseObjectAttrSpec, parseObjectSpecs, type ObjectAttrSpec, type ObjectSpec } from "./object-spec.ts";

/** A MUX command whose sides are lists of object specs. */
export class ObjManipCommand extends MuxCommand {
  override helpCategory = "building";

  /** The specs left of `=` (`name;alias:option`), one per comma-separated part. */
  lhsObjs: ObjectSpec[] = [];
  /** The specs right of `=`. */
  rhsObjs: ObjectSpec[] = [];
  /** The left side read as `obj/attr/attr:category` parts. */
  lhsObjAttrs: ObjectAttrSpec[] = [];
  /** The right side read as `obj/attr/attr:category` parts. */
  rhsObjAttrs: ObjectAttrSpec[] = [];

  override parse(): void {
    super.parse();
    const lhs = this.lhs ? this.lhslist : [];
    this.lhsObjs = parseObjectSpecs(lhs);
    this.rhsObjs = parseObjectSpecs(this.rhslist);
    this.lhsObjAttrs = lhs.map(parseObjectAttrSpec);
    this.rhsObjAttrs = this.rhslist.map(parseObjectAttrSpec);
  }

  /**
   * The caller as an in-world object, or null after telling it that building needs
   * a character (the building commands live in the character cmdset).
   */
  protected builder(): DefaultObject | null {
    if (this.caller instanceof DefaultObject) return this.caller;
    this.msg("You need to be in the game (puppeting a character) to build.");
    return null;
  }
}
