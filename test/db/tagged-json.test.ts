import { describe, expect, it } from "vitest";
import { DB_REF, type DbRef } from "../../evennia-ts/db/db-ref.ts";
import { collectRefs, decodeValue, encodeValue, MAX_DEPTH } from "../../evennia-ts/db/tagged-json.ts";
import { track } from "../../evennia-ts/db/tracked-value.ts";
import { EvenniaError } from "../../evennia-ts/utils/errors.ts";

/** A stand-in for a typeclassed object. */
class GameObject {
  constructor(
    readonly kind: string,
    readonly id: number,
  ) {}
  [DB_REF](): DbRef {
    return { kind: this.kind, id: this.id };
  }
}

const world = new Map<string, GameObject>();
for (const [kind, id] of [
  ["object", 1],
  ["object", 2],
  ["account", 1],
  ["script", 9],
] as const) {
  world.set(`${kind}#${id}`, new GameObject(kind, id));
}
const live = (kind: string, id: number): GameObject => world.get(`${kind}#${id}`)!;
const resolve = (ref: DbRef): object | null => world.get(`${ref.kind}#${ref.id}`) ?? null;
const noRefs = (): object | null => {
  throw new Error("no reference expected");
};

function roundTrip(value: unknown): unknown {
  const json = encodeValue(value);
  expect(typeof json).toBe("string");
  return decodeValue(json, resolve);
}

/** The EvenniaError thrown by `fn` (fails the test if nothing or something else is thrown). */
function serializeError(fn: () => unknown): EvenniaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EvenniaError);
    expect((err as EvenniaError).code).toBe("EV_ERR_SERIALIZE");
    return err as EvenniaError;
  }
  throw new Error("expected an EV_ERR_SERIALIZE error");
}

describe("tagged JSON: plain JSON values", () => {
  it("writes plain JSON values as themselves", () => {
    expect(encodeValue({ a: 1, b: "x", c: [true, null] })).toBe('{"a":1,"b":"x","c":[true,null]}');
    expect(encodeValue("hello")).toBe('"hello"');
    expect(encodeValue(3.5)).toBe("3.5");
  });

  it.each([
    ["string", "a dark room"],
    ["empty string", ""],
    ["unicode and lone surrogate", "héllo \u{1F600} \uD800 \n\t\"quoted\""],
    ["integer", 42],
    ["negative float", -3.25],
    ["huge number", 1e300],
    ["tiny number", 5e-324],
    ["max safe int", Number.MAX_SAFE_INTEGER],
    ["true", true],
    ["false", false],
    ["null", null],
    ["empty array", []],
    ["empty object", {}],
    ["nested", { stats: { str: 10, dex: [1, 2, { deep: ["x"] }] }, name: "Bob" }],
  ])("round-trips %s", (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it("keeps object key order", () => {
    const back = roundTrip({ z: 1, a: 2, m: 3 }) as object;
    expect(Object.keys(back)).toEqual(["z", "a", "m"]);
  });
});

describe("tagged JSON: numbers JSON cannot say", () => {
  it("round-trips NaN, Infinity and -Infinity", () => {
    expect(roundTrip(NaN)).toBeNaN();
    expect(roundTrip(Infinity)).toBe(Infinity);
    expect(roundTrip(-Infinity)).toBe(-Infinity);
    expect(roundTrip([NaN, Infinity, -Infinity])).toEqual([NaN, Infinity, -Infinity]);
  });

  it("keeps -0 distinct from 0", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is(roundTrip(0), 0)).toBe(true);
    expect(Object.is((roundTrip({ v: -0 }) as { v: number }).v, -0)).toBe(true);
  });

  it("round-trips bigint", () => {
    expect(roundTrip(0n)).toBe(0n);
    expect(roundTrip(-12345678901234567890123n)).toBe(-12345678901234567890123n);
    expect(roundTrip({ gold: 2n ** 80n })).toEqual({ gold: 2n ** 80n });
  });
});

describe("tagged JSON: undefined and arrays", () => {
  it("stores a top-level undefined distinctly from null", () => {
    const json = encodeValue(undefined);
    expect(json).not.toBe(encodeValue(null));
    expect(decodeValue(json, noRefs)).toBeUndefined();
  });

  it("keeps object properties whose value is undefined", () => {
    const back = roundTrip({ a: undefined, b: 1 }) as Record<string, unknown>;
    expect("a" in back).toBe(true);
    expect(back.a).toBeUndefined();
    expect(back.b).toBe(1);
  });

  it("keeps undefined in arrays and turns holes into undefined (dense)", () => {
    const sparse: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
    sparse[5] = 6;
    const back = roundTrip(sparse) as unknown[];
    expect(back).toHaveLength(6);
    expect(back).toEqual([1, undefined, 3, undefined, undefined, 6]);
    expect(1 in back).toBe(true); // dense: no holes left
    expect(roundTrip([undefined, null])).toEqual([undefined, null]);
  });
});

describe("tagged JSON: tag marker collisions", () => {
  it("round-trips plain objects that use the tag key themselves", () => {
    const values = [
      { $t: "ref", kind: "object", id: 1 },
      { $t: "undef" },
      { $t: "obj", v: { $t: "map", v: [] } },
      { $t: "nonsense" },
      { $t: 5, other: [{ $t: "date", v: null }] },
      { nested: { $t: "set", v: [1, 2] } },
    ];
    for (const value of values) expect(roundTrip(value)).toEqual(value);
    expect(roundTrip(new Map([["$t", { $t: "ref" }]]))).toEqual(new Map([["$t", { $t: "ref" }]]));
  });

  it("does not take an escaped object for a reference", () => {
    const json = encodeValue({ $t: "ref", kind: "object", id: 1 });
    expect(collectRefs(json)).toEqual([]);
    expect(decodeValue(json, noRefs)).toEqual({ $t: "ref", kind: "object", id: 1 });
  });

  it("round-trips strings that look like tags", () => {
    const value = ['{"$t":"ref","kind":"object","id":1}', "$t", '"$t"'];
    const json = encodeValue(value);
    expect(collectRefs(json)).toEqual([]);
    expect(decodeValue(json, noRefs)).toEqual(value);
  });

  it("keeps a key named __proto__ as data", () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const back = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("tagged JSON: Map, Set, Date", () => {
  it("round-trips Maps with any keys", () => {
    const objKey = { x: 1 };
    const m = new Map<unknown, unknown>([
      ["str", 1],
      [2, "two"],
      [-0, "neg zero"],
      [NaN, "nan"],
      [true, null],
      [null, undefined],
      [undefined, [1]],
      [10n, "big"],
      [objKey, { y: 2 }],
      [[1, 2], new Set([1])],
    ]);
    const back = roundTrip(m) as Map<unknown, unknown>;
    expect(back).toBeInstanceOf(Map);
    expect(back.size).toBe(m.size);
    expect([...back.keys()].slice(0, 8)).toEqual(["str", 2, 0, NaN, true, null, undefined, 10n]);
    expect(back.get(10n)).toBe("big");
    expect(back.get(NaN)).toBe("nan");
    const entries = [...back.entries()];
    expect(entries[8]).toEqual([{ x: 1 }, { y: 2 }]);
    expect(entries[9]![1]).toEqual(new Set([1]));
  });

  it("round-trips Maps keyed and valued by references, resolving to the live objects", () => {
    const m = new Map<unknown, unknown>([
      [live("object", 1), "first"],
      ["owner", live("account", 1)],
    ]);
    const back = roundTrip(m) as Map<unknown, unknown>;
    expect(back.get(live("object", 1))).toBe("first");
    expect(back.get("owner")).toBe(live("account", 1));
  });

  it("round-trips Sets", () => {
    const s = new Set<unknown>([1, "a", null, undefined, { k: [1] }, live("object", 2), new Date(0)]);
    const back = roundTrip(s) as Set<unknown>;
    expect(back).toBeInstanceOf(Set);
    expect(back.has(live("object", 2))).toBe(true);
    expect(back.has(undefined)).toBe(true);
    expect([...back]).toEqual([1, "a", null, undefined, { k: [1] }, live("object", 2), new Date(0)]);
  });

  it("round-trips Dates, including invalid and extreme ones", () => {
    const d = new Date("2024-02-29T12:34:56.789Z");
    const back = roundTrip(d) as Date;
    expect(back).toBeInstanceOf(Date);
    expect(back).not.toBe(d);
    expect(back.getTime()).toBe(d.getTime());
    const invalid = roundTrip(new Date("not a date")) as Date;
    expect(invalid).toBeInstanceOf(Date);
    expect(invalid.getTime()).toBeNaN();
    for (const t of [8.64e15, -8.64e15, -1, 0]) expect((roundTrip(new Date(t)) as Date).getTime()).toBe(t);
  });
});

describe("tagged JSON: references", () => {
  it("stores references as {kind, id} and resolves them to the live objects", () => {
    const value = { owner: live("account", 1), here: [live("object", 1), live("object", 2)], timer: live("script", 9) };
    const json = encodeValue(value);
    expect(json).toContain('"kind":"account","id":1');
    expect(json).not.toContain("GameObject");
    const back = decodeValue(json, resolve) as typeof value;
    expect(back.owner).toBe(live("account", 1));
    expect(back.here[0]).toBe(live("object", 1));
    expect(back.here[1]).toBe(live("object", 2));
    expect(back.timer).toBe(live("script", 9));
  });

  it("collects the distinct references, including those inside Maps, Sets and escaped objects", () => {
    const value = {
      a: live("object", 1),
      b: [live("object", 1), live("account", 1)],
      c: new Map([[live("script", 9), new Set([live("object", 2)])]]),
      d: { $t: "x", inner: live("object", 2) },
    };
    const refs = collectRefs(encodeValue(value));
    const keys = refs.map((r) => `${r.kind}#${r.id}`).sort();
    expect(keys).toEqual(["account#1", "object#1", "object#2", "script#9"]);
    expect(collectRefs(encodeValue({ plain: [1, 2, "x"] }))).toEqual([]);
  });

  it("reads a reference whose row is gone as null", () => {
    const json = encodeValue({ gone: new GameObject("object", 404), kept: live("object", 1) });
    const asked: DbRef[] = [];
    const back = decodeValue(json, (ref) => {
      asked.push(ref);
      return resolve(ref);
    }) as Record<string, unknown>;
    expect(back.gone).toBeNull();
    expect(back.kept).toBe(live("object", 1));
    expect(asked).toEqual([
      { kind: "object", id: 404 },
      { kind: "object", id: 1 },
    ]);
  });

  it("refuses a reference to an unsaved object", () => {
    const unsaved = { [DB_REF]: () => ({ kind: "object", id: undefined }) };
    expect(serializeError(() => encodeValue({ x: unsaved })).message).toMatch(/^value\.x: .*unsaved/);
  });
});

describe("tagged JSON: copies and tracked values", () => {
  it("stores shared (non-cyclic) sub-objects as copies", () => {
    const shared = { hp: 10 };
    const back = roundTrip({ a: shared, b: shared, list: [shared, shared] }) as Record<string, unknown> & {
      list: unknown[];
    };
    expect(back.a).toEqual({ hp: 10 });
    expect(back.b).toEqual({ hp: 10 });
    expect(back.a).not.toBe(back.b);
    expect(back.list[0]).not.toBe(back.list[1]);
  });

  it("encodes tracked values the same as their plain values", () => {
    const plain = {
      list: [1, { a: 2 }],
      map: new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 2])]]),
      when: new Date(5),
      who: live("object", 1),
    };
    const expected = encodeValue(plain);
    expect(encodeValue(track(plain, () => {}))).toBe(expected);
  });
});

describe("tagged JSON: refusals name the path", () => {
  it("refuses functions", () => {
    const err = serializeError(() => encodeValue({ stats: { fn: () => 1 } }));
    expect(err.message).toBe("value.stats.fn: functions cannot be stored");
  });

  it("uses the caller's path and brackets for odd keys and indices", () => {
    expect(serializeError(() => encodeValue({ "odd key": [0, Symbol("s")] }, "#12.db.x")).message).toBe(
      '#12.db.x["odd key"][1]: symbols cannot be stored',
    );
    expect(serializeError(() => encodeValue(() => 1)).message).toBe("value: functions cannot be stored");
  });

  it("names the class of class instances", () => {
    class Sword {
      damage = 3;
    }
    const err = serializeError(() => encodeValue({ inv: [new Sword()] }));
    expect(err.message).toMatch(/^value\.inv\[0\]: an instance of class Sword cannot be stored/);
    class MyMap extends Map {}
    expect(serializeError(() => encodeValue(new MyMap())).message).toMatch(/class MyMap/);
    expect(serializeError(() => encodeValue(/re/)).message).toMatch(/class RegExp/);
    expect(serializeError(() => encodeValue(new Error("x"))).message).toMatch(/class Error/);
    expect(serializeError(() => encodeValue(new Uint8Array(2))).message).toMatch(/class Uint8Array/);
  });

  it("refuses WeakMap, WeakSet and Promise with a reason", () => {
    expect(serializeError(() => encodeValue({ w: new WeakMap() })).message).toMatch(/^value\.w: a WeakMap cannot/);
    expect(serializeError(() => encodeValue({ w: new WeakSet() })).message).toMatch(/^value\.w: a WeakSet cannot/);
    const p = Promise.resolve(1);
    expect(serializeError(() => encodeValue([p])).message).toMatch(/^value\[0\]: a Promise cannot be stored \(await/);
  });

  it("names the path inside Maps and Sets", () => {
    expect(serializeError(() => encodeValue({ m: new Map([["sword", () => 1]]) })).message).toBe(
      'value.m.get("sword"): functions cannot be stored',
    );
    expect(serializeError(() => encodeValue(new Map([[Symbol("k"), 1]]))).message).toBe(
      "value.keys()[0]: symbols cannot be stored",
    );
    expect(serializeError(() => encodeValue(new Set([1, 2, () => 3]))).message).toBe(
      "value.values()[2]: functions cannot be stored",
    );
  });

  it("refuses cycles, naming where the cycle points back to", () => {
    const a: Record<string, unknown> = { name: "a" };
    const b: Record<string, unknown> = { name: "b", back: a };
    a.child = { list: [b] };
    const err = serializeError(() => encodeValue({ root: a }));
    expect(err.message).toBe("value.root.child.list[0].back: cycle: refers back to value.root");
    const self: unknown[] = [];
    self.push(self);
    expect(serializeError(() => encodeValue(self)).message).toBe("value[0]: cycle: refers back to value");
    const m = new Map<string, unknown>();
    m.set("me", m);
    expect(serializeError(() => encodeValue(m)).message).toBe('value.get("me"): cycle: refers back to value');
  });

  it("refuses nesting deeper than the limit instead of overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
    expect(serializeError(() => encodeValue(deep)).message).toMatch(/nested more than \d+ levels deep/);
  });
});

describe("tagged JSON: decoding bad text", () => {
  it("turns bad text into EV_ERR_SERIALIZE", () => {
    serializeError(() => decodeValue("{not json", noRefs));
    serializeError(() => collectRefs('{"$t":"ref","kind":"object"'));
    expect(serializeError(() => decodeValue('{"$t":"what"}', noRefs)).message).toMatch(/unknown tag "what"/);
    serializeError(() => decodeValue('{"$t":"num","v":"12"}', noRefs));
    serializeError(() => decodeValue('{"$t":"bigint","v":"1.5"}', noRefs));
    serializeError(() => decodeValue('{"$t":"map","v":[[1]]}', noRefs));
    serializeError(() => decodeValue('{"$t":"ref","kind":"object","id":"1"}', noRefs));
  });
});
