/**
 * `ContentsList` on its own: empty until the first member (no Set made for the objects
 * that never hold anything), then in id order, with a version that grows on each change.
 */
import { describe, expect, it } from "vitest";
import { ContentsList } from "../../evennia-ts/typeclasses/contents-list.ts";

const member = (id: number) => ({ id });

describe("ContentsList", () => {
  it("answers empty before anything was added, and removing from it changes nothing", () => {
    const list = new ContentsList<{ id: number }>();
    const a = member(1);
    expect(list.size).toBe(0);
    expect(list.has(a)).toBe(false);
    expect(list.list()).toEqual([]);
    list.delete(a);
    expect(list.version).toBe(0);
    expect(() => (list.list() as { id: number }[]).push(a)).toThrow(TypeError);
  });

  it("keeps members in id order, once each, and counts changes", () => {
    const list = new ContentsList<{ id: number }>();
    const [a, b, c] = [member(3), member(1), member(2)];
    list.add(a);
    list.add(b);
    list.add(a);
    list.add(c);
    expect(list.list().map((m) => m.id)).toEqual([1, 2, 3]);
    expect(list.size).toBe(3);
    expect(list.version).toBe(3);
    list.delete(b);
    expect(list.has(b)).toBe(false);
    expect(list.list().map((m) => m.id)).toEqual([2, 3]);
    expect(list.version).toBe(4);
    list.delete(a);
    list.delete(c);
    expect(list.list()).toEqual([]);
  });
});
