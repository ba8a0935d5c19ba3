/**
 * Nicks (`obj.nicks`): the wildcard templates (matching, arguments, hostile
 * patterns), and the handler on both databases — stored as attributes in
 * `nick_<category>` with Evennia's 4-tuple, persistent across a reload, rolled
 * back with their unit of work, account nicks lent to the puppet, extensible
 * categories.
 */
import { describe, expect, it } from "vitest";
import { describeEachDatabase } from "../../evennia-ts/testing/database-fixture.ts";
import {
  DefaultObject,
  compileNickPattern,
  createAccount,
  createObject,
  getById,
  inputNickCategories,
  matchNickPattern,
  nickCategories,
  NICK_LIMITS,
  NickTemplateInvalid,
  registerNickCategory,
  type DefaultAccount,
  type NickMatchBudget,
} from "../../evennia-ts/typeclasses/index.ts";
import { fillNickTemplate, initializeNickTemplates } from "../../evennia-ts/typeclasses/nick-template.ts";
import { forget, storedAttribute, uniqueName } from "./store-helpers.ts";

/** Apply one nick to a line, as `nickreplace` does: the result, or null when it does not match. */
function apply(pattern: string, replacement: string, line: string): string | null {
  const { compiled, template } = initializeNickTemplates(pattern, replacement);
  const caught = matchNickPattern(compiled, line);
  return caught ? fillNickTemplate(template, caught) : null;
}

describe("nick templates", () => {
  it("replace a whole line, ignoring case", () => {
    expect(apply("hi", "say Hello!", "hi")).toBe("say Hello!");
    expect(apply("hi", "say Hello!", "HI")).toBe("say Hello!");
    expect(apply("hi", "say Hello!", "hi there")).toBeNull();
    expect(apply("hi", "say Hello!", "ahi")).toBeNull();
    // a line break from the wire does not matter
    expect(apply("hi", "say Hello!", "hi\r\n")).toBe("say Hello!");
  });

  it("catch $N arguments: as little as possible, the last one the rest", () => {
    expect(apply("tell $1 $2", "page $1=$2", "tell bob hi there")).toBe("page bob=hi there");
    expect(apply("tell $1 $2", "page $1=$2", "tell   bob   hi")).toBe("page bob=hi");
    expect(apply("build $1 $2", "create/drop $1;$2", "build box crate")).toBe("create/drop box;crate");
    expect(apply("tm?$1", "page tallman=$1", "tm:hello")).toBe("page tallman=hello");
    expect(apply("gr $2 at $1", "emote grins at $1 with $2", "gr glee at Anna")).toBe("emote grins at Anna with glee");
    // an argument needs at least one character
    expect(apply("tell $1 $2", "page $1=$2", "tell bob")).toBeNull();
  });

  it("understand fnmatch wildcards", () => {
    expect(apply("gr*", "emote grins.", "grrrrin")).toBe("emote grins.");
    expect(apply("gr*", "emote grins.", "gr")).toBe("emote grins.");
    expect(apply("h?", "say hey", "ho")).toBe("say hey");
    expect(apply("h?", "say hey", "h")).toBeNull();
    expect(apply("[abc]x", "ok", "Bx")).toBe("ok");
    expect(apply("[abc]x", "ok", "dx")).toBeNull();
    expect(apply("[!abc]x", "ok", "dx")).toBe("ok");
    expect(apply("[a-c]1", "ok", "b1")).toBe("ok");
    expect(apply("[!a-c]1", "ok", "b1")).toBeNull();
    // an unclosed bracket is itself
    expect(apply("[ab", "ok", "[ab")).toBe("ok");
  });

  it("take regular-expression syntax literally", () => {
    expect(apply("(a+)+$1", "say $1", "(a+)+x")).toBe("say x");
    expect(apply("(a+)+$1", "say $1", "aaax")).toBeNull();
    expect(apply(".*", "say dot", "anything")).toBeNull();
    expect(apply(".*", "say dot", ".anything")).toBe("say dot");
    expect(apply("a\\d", "ok", "a\\d")).toBe("ok");
    expect(apply("a\\d", "ok", "a1")).toBeNull();
    expect(apply("^x$", "ok", "^x$")).toBe("ok");
  });

  it("keep braces and {argN} typed in a replacement as they are", () => {
    expect(apply("x $1", "say {arg1} {} {{ $1 }}", "x yes")).toBe("say {arg1} {} {{ yes }}");
  });

  it("refuse mismatched, repeated, empty and oversized templates", () => {
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(NickTemplateInvalid);
        return (err as NickTemplateInvalid).reason;
      }
      return null;
    };
    expect(reason(() => initializeNickTemplates("tell $1 $2", "page $1"))).toBe("markers");
    expect(reason(() => initializeNickTemplates("hi", "say $1"))).toBe("markers");
    expect(reason(() => initializeNickTemplates("$1 and $1", "say $1"))).toBe("repeated");
    expect(reason(() => initializeNickTemplates("   ", "say"))).toBe("empty");
    expect(reason(() => initializeNickTemplates("a".repeat(NICK_LIMITS.patternLength + 1), "say"))).toBe("length");
    expect(reason(() => initializeNickTemplates("a", "b".repeat(NICK_LIMITS.replacementLength + 1)))).toBe("length");
  });

  it("stay fast on patterns built to make a backtracking matcher explode", () => {
    const hostile = ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "$1a$2a$3a$4a$5a$6a$7a$8a$9b", "*".repeat(50) + "b", "[!b]*[!b]*[!b]*[!b]*[!b]*[!b]*c"];
    const line = "a".repeat(6000);
    const started = performance.now();
    for (const pattern of hostile) expect(matchNickPattern(compileNickPattern(pattern), line)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
    // and still find the match when there is one
    const matched = matchNickPattern(compileNickPattern("$1a$2b"), `${"a".repeat(5000)}b`);
    expect(matched?.get(1)).toBe("a");
    expect(matched?.get(2)).toBe("a".repeat(4998));
  });

  it("agree with the regular expression Evennia would build, on random small patterns", () => {
    // the test (not the code) builds Evennia's expression for patterns made of safe pieces
    const pieces: [string, string][] = [
      ["a", "a"],
      ["b", "b"],
      ["*", ".*"],
      ["?", "."],
      ["[ab]", "[ab]"],
      ["[!a]", "[^a]"],
      [" ", "\\s+"],
    ];
    // mulberry32: a small seeded generator, so that a failure can be replayed
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let round = 0; round < 600; round++) {
      let pattern = "";
      let source = "";
      let args = 0;
      let lastWasSpace = true;
      for (let i = 0, len = 1 + random(6); i < len; i++) {
        if (random(5) === 0 && args < 2) {
          args++;
          pattern += `$${args}`;
          source += `(?<arg${args}>.+?)`;
          lastWasSpace = false;
          continue;
        }
        const [text, re] = pieces[random(pieces.length)]!;
        if (text === " " && lastWasSpace) continue;
        pattern += text;
        source += re;
        lastWasSpace = text === " ";
      }
      if (!pattern.trim() || pattern !== pattern.trim()) continue;
      const regex = new RegExp(`^(?:${source})(?:[\\n\\r]*?)$`, "is");
      const compiled = compileNickPattern(pattern);
      for (let k = 0; k < 6; k++) {
        let line = "";
        for (let j = 0, len = random(8); j < len; j++) line += "abB "[random(4)];
        const expected = regex.exec(line);
        const got = matchNickPattern(compiled, line);
        expect(got === null, `${pattern} on "${line}"`).toBe(expected === null);
        for (let n = 1; n <= args; n++) expect(got?.get(n), `$${n} of ${pattern} on "${line}"`).toBe(expected?.groups?.[`arg${n}`]);
      }
    }
  });

  it("spend no more than a budget", () => {
    const compiled = compileNickPattern("*a*b");
    const budget: NickMatchBudget = { cells: 100 };
    expect(matchNickPattern(compiled, "xxab", budget)).not.toBeNull();
    expect(budget.cells).toBe(100 - 5 * 5);
    expect(matchNickPattern(compiled, "x".repeat(100) + "ab", budget)).toBeNull();
    expect(budget.exhausted).toBe(true);
  });

  it("never try lines over the input limit, nor build results over the output limit", () => {
    const long = "x".repeat(NICK_LIMITS.inputLength + 1);
    expect(matchNickPattern(compileNickPattern("*"), long)).toBeNull();
    const { template } = initializeNickTemplates("e $1", `say ${"$1".repeat(100)}`);
    expect(fillNickTemplate(template, new Map([[1, "y".repeat(1000)]]))).toBeNull();
  });
});

describeEachDatabase("nick handler", (ctx) => {
  it("adds, gets, lists and removes nicks by category", async () => {
    await ctx.unit(async () => {
      const obj = await createObject(undefined, { key: uniqueName("nicker") });
      obj.nicks.add("hi", "say Hello!");
      obj.nicks.add("tom", "the tall man", { category: "object" });
      expect(obj.nicks.get("hi")).toBe("say Hello!");
      expect(obj.nicks.get("HI")).toBe("say Hello!");
      expect(obj.nicks.has("hi")).toBe(true);
      expect(obj.nicks.has("hi", { category: "object" })).toBe(false);
      expect(obj.nicks.get("tom", { category: "object" })).toBe("the tall man");
      expect(obj.nicks.all().map((n) => [n.category, n.pattern, n.replacement])).toEqual([
        ["inputline", "hi", "say Hello!"],
        ["object", "tom", "the tall man"],
      ]);
      expect(obj.nicks.all({ category: "object" })).toHaveLength(1);
      // nicks are not plain attributes
      expect(obj.db.hi).toBeUndefined();
      obj.nicks.add("hi", "say Hi all!");
      expect(obj.nicks.get("hi")).toBe("say Hi all!");
      expect(obj.nicks.remove("hi")).toBe(true);
      expect(obj.nicks.remove("hi")).toBe(false);
      expect(obj.nicks.get("hi")).toBeUndefined();
      obj.nicks.clear();
      expect(obj.nicks.all()).toEqual([]);
    });
  });

  it("replaces lines and search queries by category", async () => {
    await ctx.unit(async () => {
      const obj = await createObject(undefined, { key: uniqueName("nicker") });
      obj.nicks.add("tell $1 $2", "page $1=$2");
      obj.nicks.add("tom", "the tall man", { category: "object" });
      expect(obj.nicks.nickreplace("tell anna see you")).toBe("page anna=see you");
      expect(obj.nicks.nickreplace("tom")).toBe("tom");
      expect(obj.nicks.nickreplace("tom", ["object"])).toBe("the tall man");
      expect(obj.nicks.nickreplace("look", ["inputline", "object"])).toBe("look");
      expect(obj.getSearchQueryReplacement("TOM", {})).toBe("the tall man");
    });
  });

  it("stores each nick as an attribute of category nick_<type> holding [matcher, template, pattern, replacement]", async () => {
    const obj = await ctx.unit(async () => {
      const o = await createObject(undefined, { key: uniqueName("nicker") });
      o.nicks.add("Tell  $1 $2", "page $1={$2}");
      return o;
    });
    expect(await storedAttribute(ctx.db, obj.id, "tell  $1 $2", "nick_inputline")).toEqual(["Tell $1 $2", "page {arg1}={{{arg2}}}", "Tell  $1 $2", "page $1={$2}"]);
  });

  it("persist across a reload from the database", async () => {
    const make = async (): Promise<[number, WeakRef<object>]> => {
      const obj = await ctx.unit(async () => {
        const o = await createObject(undefined, { key: uniqueName("nicker") });
        o.nicks.add("gr $1", "emote grins at $1");
        o.nicks.add("tom", "the tall man", { category: "object" });
        return o;
      });
      return [obj.id, new WeakRef(obj)];
    };
    const [id, weak] = await make();
    await forget(ctx.store, weak);
    const again = (await ctx.unit(() => getById<DefaultObject>(id)))!;
    expect(again.nicks.get("gr $1")).toBe("emote grins at $1");
    expect(again.nicks.nickreplace("gr Anna")).toBe("emote grins at Anna");
    expect(again.nicks.get("tom", { category: "object" })).toBe("the tall man");
  });

  it("roll back with a failed unit of work", async () => {
    const obj = await ctx.unit(() => createObject(undefined, { key: uniqueName("nicker") }));
    await expect(
      ctx.unit(async () => {
        obj.nicks.add("hi", "say Hello!");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(obj.nicks.has("hi")).toBe(false);
    expect(await storedAttribute(ctx.db, obj.id, "hi", "nick_inputline")).toBeUndefined();
  });

  it("lend an account's nicks to its puppet, which win over the puppet's own", async () => {
    await ctx.unit(async () => {
      const account = await createAccount<DefaultAccount>(undefined, { username: uniqueName("Nicky"), password: "testpassword" });
      const char = await account.createCharacter({ key: uniqueName("Nickchar") });
      // as while puppeted
      char.account = account;
      account.nicks.add("hi", "say from the account");
      char.nicks.add("hi", "say from the character");
      char.nicks.add("bye", "say bye");
      expect(char.nicks.nickreplace("hi")).toBe("say from the account");
      expect(char.nicks.nickreplace("hi", ["inputline"], false)).toBe("say from the character");
      expect(char.nicks.nickreplace("bye")).toBe("say bye");
      expect(account.nicks.nickreplace("bye")).toBe("bye");
    });
  });

  it("skip stored values that are not nicks instead of failing", async () => {
    await ctx.unit(async () => {
      const obj = await createObject(undefined, { key: uniqueName("nicker") });
      obj.attributes.add("broken", "not a tuple", { category: "nick_inputline" });
      obj.attributes.add("bad", ["", "x", "bad", "x"], { category: "nick_inputline" });
      obj.nicks.add("hi", "say Hello!");
      expect(obj.nicks.all().map((n) => n.pattern)).toEqual(["bad", "hi"]);
      expect(obj.nicks.nickreplace("hi")).toBe("say Hello!");
    });
  });

  it("bound the work of many hostile nicks on one long line", async () => {
    await ctx.unit(async () => {
      const obj = await createObject(undefined, { key: uniqueName("nicker") });
      for (let i = 0; i < NICK_LIMITS.perCategory - 1; i++) obj.nicks.add(`${"*a".repeat(30)}*${i}`, "look");
      obj.nicks.add("*z", "say last");
      const line = "a".repeat(6000) + "z";
      const started = performance.now();
      // the work budget runs out before the last nick (which would match) is tried
      expect(obj.nicks.nickreplace(line)).toBe(line);
      expect(performance.now() - started).toBeLessThan(1500);
      expect(obj.nicks.nickreplace("az")).toBe("say last");
    });
  });

  it("refuse unknown categories, bad templates, and more than the limit per category", async () => {
    await ctx.unit(async () => {
      const obj = await createObject(undefined, { key: uniqueName("nicker") });
      expect(() => obj.nicks.add("hi", "x", { category: "nosuch" })).toThrow(/not a nick category/);
      expect(() => obj.nicks.add("tell $1", "page")).toThrow(NickTemplateInvalid);
      for (let i = 0; i < NICK_LIMITS.perCategory; i++) obj.nicks.add(`n${i}`, "look");
      expect(() => obj.nicks.add("one more", "look")).toThrow(expect.objectContaining({ code: "EV_ERR_LIMIT" }));
      // replacing an existing one is still allowed
      obj.nicks.add("n0", "inventory");
      expect(obj.nicks.get("n0")).toBe("inventory");
    });
  });

  it("take new categories, some applied to input (channels)", async () => {
    registerNickCategory("testchannel", { appliesToInput: true });
    expect(nickCategories()).toContain("testchannel");
    expect(inputNickCategories()).toEqual(["inputline", "testchannel"]);
    expect(() => registerNickCategory("Not A Word!")).toThrow(/lower-case word/);
    await ctx.unit(async () => {
      const obj = await createObject(undefined, { key: uniqueName("nicker") });
      obj.nicks.add("pub $1", "channel public = $1", { category: "testchannel" });
      expect(obj.nicks.nickreplace("pub hello all")).toBe("channel public = hello all");
      expect(obj.nicks.nickreplace("pub hello all", ["inputline"])).toBe("pub hello all");
    });
  });
});
