/**
 * Where text a player or builder types reaches an evaluator or a matcher — the
 * FuncParser behind `pose` and every `msgContents`, the `$dbref()`/`$search()` values
 * of `set` — attacked with strings made to cost the most work, and with names that
 * are keys of every object's prototype (`constructor`, `__proto__`).
 */
import { describe, expect, it } from "vitest";
import "../../evennia-ts/commands/default/cmdsets.ts";
import { CmdSetAttribute } from "../../evennia-ts/commands/default/building/set-wipe.ts";
import { CmdPose } from "../../evennia-ts/commands/default/general.ts";
import { callCommand } from "../../evennia-ts/testing/call-command.ts";
import { describeWithWorld } from "../../evennia-ts/testing/world-fixture.ts";
import { FuncParser, STANDARD_FUNCTIONS, verbActorStance } from "../../evennia-ts/utils/funcparser/index.ts";

/** A parser with the standard functions. */
function parser(options = {}): FuncParser {
  return new FuncParser({ ...STANDARD_FUNCTIONS }, options);
}

/** The steps parsing `text` takes (measured with a budget on a parser without a limit). */
function cost(text: string): number {
  const budget = { steps: 1e12 };
  new FuncParser({ ...STANDARD_FUNCTIONS }, { maxSteps: 1e12 }).parse(text, {}, { budget });
  return 1e12 - budget.steps;
}

describe("the FuncParser's work is bounded by what it counts", () => {
  it("an argument of a long name then many '=' is not tested again at every '=' (it was quadratic, uncounted)", () => {
    // 300000 letters, then 300000 '=': each '=' re-ran a regex over the letters (minutes of work)
    const p = parser({ maxSteps: 1_000_000 });
    const hostile = `$a(${"a".repeat(300_000)} b${"=".repeat(300_000)})`;
    const out = p.parse(hostile);
    // an unknown function: the string as written, cut at the output limit
    expect(out.length).toBe(p.maxOutputLength);
    expect(hostile.startsWith(out)).toBe(true);
    // a keyword still works, and '=' in its value is text
    const show = parser().register("show", (args, kwargs) => JSON.stringify({ args, kwargs }));
    expect(show.parse("$show(x, key = a=b==c, d e=f)")).toBe('{"args":["x","d e=f"],"kwargs":{"key":"a=b==c"}}');
  }, 20_000);

  it("text the functions make counts as work: megabytes cannot be built inside the step budget", () => {
    const p = parser({ maxSteps: 2000 });
    // 1200 characters made, and 1202 more by $upper from them: over a budget of 2000, so
    // given up and the string is shown as written
    const made = "$upper(a$space(600)$space(600)b)";
    expect(p.parse(made)).toBe(made);
    // within the budget it runs
    expect(p.parse("$upper(a$space(300)$space(300)b)")).toBe(`A${" ".repeat(600)}B`);
  });

  it("a shared budget bounds several parses of one text, and is spent by what they did", () => {
    const p = parser();
    const budget = { steps: 30 };
    expect(p.parse("$upper(abc)", {}, { budget })).toBe("ABC");
    expect(budget.steps).toBeGreaterThan(0);
    expect(budget.steps).toBeLessThan(30);
    const long = `$upper(${"x".repeat(100)})`;
    expect(p.parse(long, {}, { budget })).toBe(long); // too little left: as written
    expect(budget.steps).toBe(0);
    expect(p.parse("$upper(y)", {}, { budget })).toBe("$upper(y)");
  });
});

describe("verbs and names that are keys of Object.prototype", () => {
  it("$conj(constructor) conjugates the word (it showed 'undefined')", () => {
    expect(verbActorStance("constructor")).toEqual(["constructor", "constructors"]);
    expect(verbActorStance("Constructor")).toEqual(["Constructor", "Constructors"]);
    expect(verbActorStance("__proto__")).toEqual(["__proto__", "__proto__"]);
  });
});

describeWithWorld("player text through pose and builder text through set", (w) => {
  it("$you(__proto__), $you(constructor), $pron(his, constructor), $pron(he, viewpoint=x) in a pose name no prototype", async () => {
    const { char1, char2 } = w.world;
    const result = await callCommand(w.world, CmdPose, "$conj(constructor) $you(__proto__) $you(constructor) $pron(his, constructor) $pron(he, viewpoint=x).", undefined, {
      receivers: [char1, char2],
    });
    // the mapping of a pose is empty: a key of Object.prototype is no object, the actor is meant
    expect(result.of(char1)).toBe("Char constructor you you your you.");
    expect(result.of(char2)).toBe("Char constructors Char Char his he.");
  });

  it("a pose tuned to cost most of a parse's budget costs it once, not once per receiver", async () => {
    const { char1, char2 } = w.world;
    const hostile = `${"$a(".repeat(300)} $upper(x)`;
    const steps = cost(`Char ${hostile}`);
    // under the limit of one parse: without a shared budget every receiver paid this
    expect(steps).toBeGreaterThan(60_000);
    expect(steps).toBeLessThan(parser().maxSteps);
    const result = await callCommand(w.world, CmdPose, hostile, undefined, { receivers: [char1, char2] });
    const texts = [result.of(char1), result.of(char2)];
    // the room holds an exit and a thing besides the two characters: the budget runs out
    // for at least one character, who is shown the pose as written
    expect(texts.filter((t) => t.endsWith(" X"))).toHaveLength(texts.filter((t) => !t.endsWith("$upper(x)")).length);
    expect(texts.some((t) => t.endsWith(" $upper(x)"))).toBe(true);
    // an ordinary pose still reaches everyone parsed
    const fine = await callCommand(w.world, CmdPose, "$conj(wave) at $upper(you).", undefined, { receivers: [char1, char2] });
    expect(fine.of(char1)).toBe("Char wave at YOU.");
    expect(fine.of(char2)).toBe("Char waves at YOU.");
  });

  it("set's $dbref( with thousands of spaces is read at once (the regex backtracked cubically: minutes)", async () => {
    const value = `$dbref(${" ".repeat(8000)}x`;
    await callCommand(w.world, CmdSetAttribute, `Obj/junk = ${value}`, `Note: name "${value}" was converted to a string.`);
    expect(w.world.obj1.attributes.get("junk")).toBe(value);
    // $dbref with spaces inside the parentheses still finds the object
    await callCommand(w.world, CmdSetAttribute, `Obj/ref = $dbref(  ${w.world.room1.dbref}  )`, "Created attribute Obj/ref");
    expect(w.world.obj1.attributes.get("ref")).toBe(w.world.room1);
    await callCommand(w.world, CmdSetAttribute, "Obj/ref2 = $search( 'Room2' )", "Created attribute Obj/ref2");
    expect(w.world.obj1.attributes.get("ref2")).toBe(w.world.room2);
  }, 20_000);
});

describe("keyword arguments named like prototype keys", () => {
  it("__proto__=<an object a function returned> is a keyword, not the prototype of the keywords", () => {
    const p = parser()
      .register("opts", () => ({ align: "l", fillchar: "*" }))
      .register("show", (_args, kwargs) => JSON.stringify({ own: Object.keys(kwargs), align: "align" in kwargs }));
    // pad reads align and fillchar from kwargs: they must not come from the prototype
    expect(p.parse("[$pad(x, 5, __proto__=$opts())]")).toBe("[  x  ]");
    expect(p.parse("$show(__proto__=$opts())")).toBe('{"own":["__proto__"],"align":false}');
  });
});

describe("$pluralize on hostile words", () => {
  it("a long run of letters that is not the last is read in one pass (the regex was quadratic)", () => {
    const p = parser({ maxSteps: 2_000_000, maxOutputLength: 1_000_000 });
    // 200000 letters then "1b": the old regex tried every split of the letters
    const word = `${"a".repeat(200_000)}1b`;
    expect(p.parse(`$pluralize(${word}, 2)`) === `${word}s`).toBe(true);
    // markup pairs at the end of the word
    expect(p.parse(`$pluralize(${"|a".repeat(50_000)}k, 2)`) === `${"|a".repeat(50_000)}ks`).toBe(true);
    expect(p.parse(`$pluralize(k${"|a".repeat(50_000)}!, 2)`) === `k${"|a".repeat(50_000)}s!`).toBe(true);
    expect(p.parse("$pluralize(|rsword|n, 3) $pluralize(cup of tea, 2) $pluralize(x1y!, 2)")).toBe("|rswords|n cups of tea x1ys!");
  }, 20_000);

  it("$pluralize(constructor) is a word, not Object's constructor", () => {
    expect(parser().parse("$pluralize(constructor, 2) $pluralize(__proto__, 2) $pluralize(toString, 2)")).toBe("constructors __protos__ toStrings");
  });
});
