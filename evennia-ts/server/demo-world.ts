/**
 * The demo world `npm start` opens with: Limbo and five rooms around a courtyard,
 * joined by exits both ways, with things to look at and pick up, a tower door
 * that only opens for whoever carries the brass key, and an archive only Builders
 * may enter, and Pip the gardener, who wanders and answers when spoken to (his
 * walks and dawn and dusk are started by demo-life.ts). Built once, at the first
 * start, when the `demoWorld` setting is on.
 */
import type { Settings } from "../conf/settings.ts";
import { createObject } from "../typeclasses/create.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import { findTypeclass } from "../typeclasses/registry.ts";
import { DEMO_TAG_CATEGORY, DemoGardener, GARDENER_TAG, OUTDOOR_TAG } from "./demo-life.ts";

/** The typeclass to use: the game's when it registered one, else the framework's. */
function typeclassOr(path: string, fallback: string): string {
  return findTypeclass(path) ? path : fallback;
}

/** What the demo world is made of, for tests and docs. */
export interface DemoWorld {
  rooms: Record<"limbo" | "courtyard" | "garden" | "library" | "tower" | "archive", DefaultObject>;
  key: DefaultObject;
  /** Pip, who wanders and answers (see demo-life.ts). */
  gardener: DefaultObject;
}

/** Build the demo world around `limbo` (inside the caller's unit of work). */
export async function buildDemoWorld(limbo: DefaultObject, settings: Pick<Settings, "baseRoomTypeclass" | "baseExitTypeclass" | "baseObjectTypeclass">): Promise<DemoWorld> {
  const roomClass = typeclassOr(settings.baseRoomTypeclass, "evennia.objects.DefaultRoom");
  const exitClass = typeclassOr(settings.baseExitTypeclass, "evennia.objects.DefaultExit");
  const thingClass = typeclassOr(settings.baseObjectTypeclass, "evennia.objects.DefaultObject");

  const room = async (key: string, desc: string) => createObject(roomClass, { key, attributes: { desc } });
  const link = async (
    from: DefaultObject,
    to: DefaultObject,
    key: string,
    aliases: string[],
    extra: { locks?: string; attributes?: Record<string, unknown> } = {},
  ) => createObject(exitClass, { key, aliases, location: from, destination: to, home: from, ...extra });
  const thing = async (key: string, location: DefaultObject, desc: string, extra: { aliases?: string[]; locks?: string; attributes?: Record<string, unknown> } = {}) =>
    createObject(thingClass, { key, location, home: location, aliases: extra.aliases, locks: extra.locks, attributes: { desc, ...extra.attributes } });

  const courtyard = await room(
    "Courtyard",
    "A cobbled courtyard open to the sky. An oak door leads north into a tower; the garden lies west, the library east, and Limbo is back south.",
  );
  const garden = await room("Garden", "Rows of herbs and an old apple tree. Bees drift between the flowers.");
  const library = await room("Library", "Shelves climb to the ceiling. A trapdoor in the floor is marked |wArchive - Builders only|n.");
  const tower = await room("Tower Top", "Wind whistles through the arrow slits. You can see the whole demo world from up here.");
  const archive = await room("Archive", "Dusty crates of old designs. Builders come here to plan new rooms.");

  await link(limbo, courtyard, "north", ["n"]);
  await link(courtyard, limbo, "south", ["s"]);
  await link(courtyard, garden, "west", ["w"]);
  await link(garden, courtyard, "east", ["e"]);
  await link(courtyard, library, "east", ["e"]);
  await link(library, courtyard, "west", ["w"]);
  await link(courtyard, tower, "north", ["n", "oak door", "door"], {
    locks: "traverse:holds(brass key)",
    attributes: { err_traverse: "The oak door is locked. Perhaps a key lies somewhere nearby.", desc: "A heavy oak door with a brass lock." },
  });
  await link(tower, courtyard, "down", ["d"]);
  await link(library, archive, "down", ["d", "trapdoor"], {
    locks: "traverse:perm(Builder)",
    attributes: { err_traverse: "The trapdoor will not budge: only Builders may enter the archive.", desc: "A trapdoor with a sign: Builders only." },
  });
  await link(archive, library, "up", ["u"]);

  const key = await thing("brass key", garden, "A small brass key with a tag: 'Tower'.", { aliases: ["key"] });
  for (let i = 0; i < 3; i++) await thing("apple", garden, "A crisp red apple.");
  await thing("stone bench", garden, "A mossy stone bench.", {
    aliases: ["bench"],
    locks: "get:false()",
    attributes: { get_err_msg: "The bench is far too heavy to lift." },
  });
  await thing("dusty book", library, "'A Guide to evennia-ts', its pages full of hook names.", { aliases: ["book"] });
  await thing("candle", library, "A stub of a candle.");
  await thing("telescope", tower, "A brass telescope on a tripod, pointed at the horizon.", { locks: "get:false()" });
  await thing("blueprint", archive, "Plans for a seventh room, not built yet.");
  await thing("welcome sign", limbo, "It reads: 'Walk north to explore. Try look, get, drop and inventory.'", {
    aliases: ["sign"],
    locks: "get:false()",
    attributes: { get_err_msg: "The sign is firmly planted." },
  });

  for (const open of [courtyard, garden]) open.tags.add(OUTDOOR_TAG, DEMO_TAG_CATEGORY);
  const gardener = await createObject(DemoGardener, {
    key: "Pip",
    aliases: ["gardener", "pip"],
    location: garden,
    home: garden,
    attributes: { desc: "A cheerful gardener with muddy boots and a straw hat. Say hello; he likes to talk." },
  });
  gardener.tags.add(GARDENER_TAG, DEMO_TAG_CATEGORY);

  return { rooms: { limbo, courtyard, garden, library, tower, archive }, key, gardener };
}
