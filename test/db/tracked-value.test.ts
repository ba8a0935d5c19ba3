import { describe, expect, it } from "vitest";
import { types } from "node:util";
import { DB_REF, type DbRef } from "../../evennia-ts/db/db-ref.ts";
import { decodeValue, encodeValue } from "../../evennia-ts/db/tagged-json.ts";
import { isTracked, track, untrack } from "../../evennia-ts/db/tracked-value.ts";

class GameObject {
  hp = 10;
  constructor(readonly id: number) {}
  [DB_REF](): DbRef {
    return { kind: "object", id: this.id };
  }
}

/** Track `value`, counting change notifications. */
function tracked<T>(value: T): { t: T; changes: () => number; reset: () => void } {
  let n = 0;
  const t = track(value, () => {
    n++;
  });
  return {
    t,
    changes: () => n,
    reset: () => {
      n = 0;
    },
  };
}

describe("track: behaves like the value", () => {
  it("passes primitives and Referenceable objects through", () => {
    expect(track(5, () => {})).toBe(5);
    expect(track("s", () => {})).toBe("s");
    expect(track(null, () => {})).toBeNull();
    const obj = new GameObject(1);
    expect(track(obj, () => {})).toBe(obj);
    expect(isTracked(track(obj, () => {}))).toBe(false);
  });

  it("looks like an array", () => {
    const { t } = tracked([1, 2, { a: 3 }]);
    expect(isTracked(t)).toBe(true);
    expect(types.isProxy(t)).toBe(true);
    expect(Array.isArray(t)).toBe(true);
    expect(t.length).toBe(3);
    expect([...t]).toEqual([1, 2, { a: 3 }]);
    expect(JSON.stringify(t)).toBe('[1,2,{"a":3}]');
    expect(t.map((x) => (typeof x === "number" ? x * 2 : x))).toEqual([2, 4, { a: 3 }]);
    expect(t.includes(2)).toBe(true);
    expect(t.indexOf(t[2]!)).toBe(2);
    expect(Object.keys(t)).toEqual(["0", "1", "2"]);
  });

  it("looks like a plain object", () => {
    const { t } = tracked({ a: 1, b: { c: [1, 2] } });
    expect({ ...t }).toEqual({ a: 1, b: { c: [1, 2] } });
    expect(JSON.stringify(t)).toBe('{"a":1,"b":{"c":[1,2]}}');
    expect(Object.entries(t)).toEqual([
      ["a", 1],
      ["b", { c: [1, 2] }],
    ]);
    expect("a" in t).toBe(true);
    expect(t.b).toBe(t.b); // stable identity of nested proxies
  });

  it("looks like a Map", () => {
    const { t } = tracked(new Map<string, unknown>([["a", { n: 1 }], ["b", 2]]));
    expect(t).toBeInstanceOf(Map);
    expect(Object.prototype.toString.call(t)).toBe("[object Map]");
    expect(t.size).toBe(2);
    expect(t.get("b")).toBe(2);
    expect(t.has("a")).toBe(true);
    expect([...t.keys()]).toEqual(["a", "b"]);
    expect([...t]).toEqual([
      ["a", { n: 1 }],
      ["b", 2],
    ]);
    expect(new Map(t)).toEqual(new Map<string, unknown>([["a", { n: 1 }], ["b", 2]]));
    expect(JSON.stringify(t)).toBe("{}");
    expect(t.get === t.get).toBe(true);
    const seen: unknown[] = [];
    t.forEach((v, k, m) => seen.push(k, v, m === t));
    expect(seen).toEqual(["a", { n: 1 }, true, "b", 2, true]);
  });

  it("looks like a Set", () => {
    const { t } = tracked(new Set([1, 2, 3]));
    expect(t).toBeInstanceOf(Set);
    expect(t.size).toBe(3);
    expect(t.has(2)).toBe(true);
    expect([...t]).toEqual([1, 2, 3]);
    expect([...t.entries()]).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it("looks like a Date", () => {
    const d = new Date("2020-01-02T03:04:05.000Z");
    const { t } = tracked(d);
    expect(t).toBeInstanceOf(Date);
    expect(t.getTime()).toBe(d.getTime());
    expect(t.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    expect(JSON.stringify({ t })).toBe('{"t":"2020-01-02T03:04:05.000Z"}');
    expect(+t).toBe(d.getTime());
    expect(`${t}`).toBe(String(d));
    expect(t.constructor).toBe(Date);
  });

  it("does not wrap Referenceable objects inside and keeps their identity", () => {
    const sword = new GameObject(7);
    const { t, changes } = tracked({ arr: [sword], map: new Map([["w", sword]]), set: new Set([sword]) });
    expect(t.arr[0]).toBe(sword);
    expect(isTracked(t.arr[0])).toBe(false);
    expect(t.map.get("w")).toBe(sword);
    expect([...t.set][0]).toBe(sword);
    expect(t.set.has(sword)).toBe(true);
    expect(t.arr.includes(sword)).toBe(true);
    t.arr[0]!.hp = 3; // a live object's own state is not the attribute's business
    expect(changes()).toBe(0);
  });
});

describe("track: reports mutations at any depth", () => {
  it("reports property set, delete and define on nested objects", () => {
    const { t, changes } = tracked({ stats: { str: 10 }, deep: { a: { b: { c: { d: 1 } } } } });
    t.stats.str += 1;
    expect(changes()).toBe(1);
    expect(t.stats.str).toBe(11);
    t.deep.a.b.c.d = 2;
    expect(changes()).toBe(2);
    delete (t.deep.a.b as Record<string, unknown>).c;
    expect(changes()).toBe(3);
    delete (t as Record<string, unknown>).missing; // nothing deleted
    expect(changes()).toBe(3);
    Object.defineProperty(t.stats, "dex", { value: 5, enumerable: true, configurable: true, writable: true });
    expect(changes()).toBe(4);
    expect(untrack(t)).toEqual({ stats: { str: 11, dex: 5 }, deep: { a: { b: {} } } });
  });

  it("does not report reads", () => {
    const { t, changes } = tracked({ a: [1, { b: new Map([[1, new Set([2])]]) }], d: new Date(0) });
    void JSON.stringify(t);
    void [...t.a];
    void (t.a[1] as { b: Map<number, Set<number>> }).b.get(1)!.has(2);
    void t.d.getFullYear();
    void t.a.slice().map((x) => x);
    expect(changes()).toBe(0);
  });

  it.each<[string, (a: number[]) => unknown, number[]]>([
    ["push", (a: number[]) => a.push(4, 5), [1, 2, 3, 4, 5]],
    ["pop", (a: number[]) => a.pop(), [1, 2]],
    ["shift", (a: number[]) => a.shift(), [2, 3]],
    ["unshift", (a: number[]) => a.unshift(0), [0, 1, 2, 3]],
    ["splice", (a: number[]) => a.splice(1, 1, 9, 9), [1, 9, 9, 3]],
    ["sort", (a: number[]) => a.sort((x, y) => y - x), [3, 2, 1]],
    ["reverse", (a: number[]) => a.reverse(), [3, 2, 1]],
    ["fill", (a: number[]) => a.fill(0, 1), [1, 0, 0]],
    ["copyWithin", (a: number[]) => a.copyWithin(0, 1), [2, 3, 3]],
    ["index set", (a: number[]) => (a[1] = 7), [1, 7, 3]],
    ["length set", (a: number[]) => (a.length = 1), [1]],
  ])("reports array %s on a nested array", (_name, mutate, expected) => {
    const { t, changes } = tracked({ inv: { items: [1, 2, 3] } });
    mutate(t.inv.items);
    expect(changes()).toBe(1); // one notification per method call, not one per element moved
    expect(untrack(t).inv.items).toEqual(expected);
  });

  it("returns what the array methods return", () => {
    const { t } = tracked({ list: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    const first = t.list[0]!;
    expect(t.list.shift()).toBe(first); // the same proxy that was read before
    expect(t.list.push({ n: 4 })).toBe(3);
    expect(t.list.sort((a, b) => b.n - a.n)).toBe(t.list);
    expect(t.list.map((x) => x.n)).toEqual([4, 3, 2]);
    const removed = t.list.splice(0, 2);
    expect(removed.map((x) => x.n)).toEqual([4, 3]);
    expect(t.list.reverse()).toBe(t.list);
  });

  it("gives sort comparators tracked elements", () => {
    const { t, changes } = tracked([{ n: 2 }, { n: 1 }]);
    t.sort((a, b) => {
      expect(isTracked(a) && isTracked(b)).toBe(true);
      return a.n - b.n;
    });
    expect(changes()).toBe(1);
    expect(untrack(t)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("reports Map set, delete and clear, and nested mutation of Map values", () => {
    const { t, changes, reset } = tracked({ m: new Map<unknown, { hp: number }>([["a", { hp: 1 }]]) });
    t.m.get("a")!.hp = 5;
    expect(changes()).toBe(1);
    expect(t.m.set("b", { hp: 2 })).toBe(t.m);
    expect(changes()).toBe(2);
    expect(t.m.delete("zzz")).toBe(false);
    expect(changes()).toBe(2);
    expect(t.m.delete("a")).toBe(true);
    expect(changes()).toBe(3);
    for (const [, v] of t.m) v.hp++;
    expect(changes()).toBe(4);
    expect(untrack(t).m).toEqual(new Map([["b", { hp: 3 }]]));
    reset();
    t.m.clear();
    expect(changes()).toBe(1);
    t.m.clear(); // already empty: nothing changes
    expect(changes()).toBe(1);
    expect(untrack(t).m.size).toBe(0);
  });

  it("reports Set add, delete and clear, and nested mutation of Set members", () => {
    const { t, changes } = tracked({ s: new Set<unknown>([1, { tag: "x" }]) });
    t.s.add(2);
    expect(changes()).toBe(1);
    expect(t.s.delete(99)).toBe(false);
    expect(changes()).toBe(1);
    expect(t.s.delete(1)).toBe(true);
    expect(changes()).toBe(2);
    for (const item of t.s) if (typeof item === "object") (item as { tag: string }).tag = "y";
    expect(changes()).toBe(3);
    expect([...untrack(t).s]).toEqual([{ tag: "y" }, 2]);
    t.s.clear();
    expect(changes()).toBe(4);
  });

  it("reports Date setX methods, also for a Date inside a container", () => {
    const { t, changes } = tracked({ born: new Date(0) });
    expect(t.born.setUTCFullYear(2000)).toBe(Date.UTC(2000, 0, 1));
    expect(changes()).toBe(1);
    t.born.setTime(1234);
    expect(changes()).toBe(2);
    expect(untrack(t).born.getTime()).toBe(1234);
    expect(untrack(t).born).toBeInstanceOf(Date);
    const top = tracked(new Date(0));
    top.t.setUTCHours(5);
    expect(top.changes()).toBe(1);
  });
});

describe("track: values written in become tracked", () => {
  it("tracks assigned and pushed containers", () => {
    const { t, changes, reset } = tracked({ a: {} as Record<string, unknown>, list: [] as unknown[] });
    t.a.inner = { x: 1, bag: [] as number[] };
    t.list.push(new Map([["k", { n: 1 }]]));
    reset();
    (t.a.inner as { x: number }).x = 2;
    expect(changes()).toBe(1);
    (t.a.inner as { bag: number[] }).bag.push(1);
    expect(changes()).toBe(2);
    (t.list[0] as Map<string, { n: number }>).get("k")!.n = 9;
    expect(changes()).toBe(3);
    expect(isTracked(t.a.inner)).toBe(true);
  });

  it("stores plain data underneath even when tracked values are written in", () => {
    const { t } = tracked({ a: { n: 1 }, b: null as unknown, list: [] as unknown[], m: new Map<unknown, unknown>() });
    t.b = t.a; // a tracked proxy assigned
    t.list.push({ wrapper: t.a }); // a tracked proxy nested inside a new plain object
    t.m.set(t.a, new Set([t.a]));
    const plain = untrack(t);
    expect(isTracked(plain)).toBe(false);
    expect(isTracked(plain.b)).toBe(false);
    expect(plain.b).toBe(plain.a); // same plain object underneath
    expect(isTracked((plain.list[0] as { wrapper: unknown }).wrapper)).toBe(false);
    const [key, set] = [...plain.m][0]!;
    expect(isTracked(key)).toBe(false);
    expect(isTracked([...(set as Set<unknown>)][0])).toBe(false);
    expect(() => structuredClone(plain)).not.toThrow();
  });

  it("finds Map keys and Set members by their tracked or plain form", () => {
    const key = { id: 1 };
    const { t } = tracked(new Map([[key, "v"]]));
    const trackedKey = [...t.keys()][0]!;
    expect(isTracked(trackedKey)).toBe(true);
    expect(t.get(trackedKey)).toBe("v");
    expect(t.get(key)).toBe("v");
    const s = tracked(new Set([key])).t;
    expect(s.has([...s][0]!)).toBe(true);
  });

  it("round-trips through tagged JSON after mutation", () => {
    const value = decodeValue(encodeValue({ inventory: ["torch"], stats: { str: 10 } }), () => null) as {
      inventory: string[];
      stats: { str: number };
    };
    let dirty = 0;
    const t = track(value, () => dirty++);
    t.inventory.push("rope");
    t.stats.str += 1;
    expect(dirty).toBe(2);
    expect(decodeValue(encodeValue(untrack(t)), () => null)).toEqual({ inventory: ["torch", "rope"], stats: { str: 11 } });
  });

  it("works on frozen nested objects without breaking proxy invariants", () => {
    const frozen = Object.freeze({ inner: { a: 1 } });
    const { t } = tracked({ f: frozen });
    expect(t.f.inner).toBe(frozen.inner);
    expect(t.f.inner.a).toBe(1);
  });

  it("keeps one tracked tree's notifications to itself", () => {
    const shared = { n: 1 };
    let a = 0;
    let b = 0;
    const ta = track({ s: shared }, () => a++);
    const tb = track({ s: shared }, () => b++);
    ta.s.n = 2;
    expect([a, b]).toEqual([1, 0]);
    expect(tb.s.n).toBe(2);
    expect(ta.s).not.toBe(tb.s);
  });
});
