/**
 * Prototypes for the spawner (`spawn <prototype_key>` in the game). Every exported
 * object here is a prototype; the export's name, lower-cased, is its
 * `prototype_key` when it names none. They are read-only in the game: change them
 * here and reload, then `spawn/update <key>` applies the change to objects already
 * spawned. See the framework's docs/prototypes.md.
 */
import type { Prototype } from "evennia-ts";

/** A plain wooden chair. */
export const CHAIR: Prototype = {
  prototype_key: "chair",
  prototype_desc: "A simple wooden chair",
  prototype_tags: ["furniture"],
  typeclass: "typeclasses.objects.Object",
  key: "wooden chair",
  aliases: ["chair"],
  desc: "A sturdy chair of pale wood.",
  attrs: [["weight", 5]],
};

/** A chair with arms: inherits everything from the chair and changes a little. */
export const ARMCHAIR: Prototype = {
  prototype_key: "armchair",
  prototype_parent: "chair",
  prototype_desc: "A comfortable armchair",
  prototype_tags: ["furniture"],
  key: "armchair",
  aliases: ["armchair"],
  desc: "A deep armchair, its cushions worn soft.",
  attrs: [["weight", 12]],
};
