/**
 * The workload every benchmark shares: what an object looks like (its key and its
 * five attributes), so the data layer, the raw-driver baselines and the plain-object
 * heap baseline all hold the same values.
 */

/** Objects per unit of work when creating. */
export const CREATE_UNIT_SIZE = 1000;

/** The five attributes of object number `i` (fresh values on every call). */
export function attributesOf(i: number): Record<string, unknown> {
  return {
    hp: 50 + (i % 50),
    desc: `A plain wooden crate, number ${i}, stencilled with a faded mark.`,
    visible: i % 3 !== 0,
    stats: { str: 10 + (i % 7), dex: 12, con: 9 },
    inventory: [`coin-${i % 13}`, "rope"],
  };
}

/** The key of object number `i`. */
export function keyOf(i: number): string {
  return `crate-${i}`;
}

/** The typeclass path the data layer stores for a `DefaultObject`. */
export const OBJECT_TYPECLASS_PATH = "evennia.objects.DefaultObject";
