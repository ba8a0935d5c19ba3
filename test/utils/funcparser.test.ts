/**
 * The FuncParser (utils/funcparser): calls, arguments, escaping, nesting, the
 * standard functions, safety limits against hostile strings, and the actor-stance
 * forms through `msgContents` with real objects.
 */
import { describe, expect, it } from "vitest";
import { CmdPose } from "../../evennia-ts/commands/default/general.ts";
import { callCommand, describeWithWorld } from "../../evennia-ts/testing/index.ts";
import {
  FuncParser,
  inlineFunctions,
  pronounViewpoints,
  STANDARD_FUNCTIONS,
  verbActorStance,
  type InlineFunction,
} from "../../evennia-ts/utils/funcparser/index.ts";
import { isEvenniaError } from "../../evennia-ts/utils/errors.ts";

/** A parser with the standard functions and a fixed "random" sequence. */
function parser(randoms: number[] = [0.5], options = {}): FuncParser {
  let i = 0;
  return new FuncParser({ ...STANDARD_FUNCTIONS }, { random: () => randoms[i++ % randoms.length]!, ...options });
}

/** A function that shows what it got. */
const show: InlineFunction = (args, kwargs) => JSON.stringify({ args, kwargs });

describe("parsing", () => {
  it("runs calls in text and leaves the rest alone", () => {
    const p = parser();
    expect(p.parse("Say $upper(hello) and $lower(WORLD)!")).toBe("Say HELLO and world!");
    expect(p.parse("no functions here")).toBe("no functions here");
    expect(p.parse("costs $5 or $ 6, $")).toBe("costs $5 or $ 6, $");
  });

  it("parses positional and keyword arguments, trimmed, with quotes", () => {
    const p = parser().register("show", show);
    expect(p.parse("$show(a, b ,c)")).toBe('{"args":["a","b","c"],"kwargs":{}}');
    expect(p.parse("$show(x, width=12, align = r)")).toBe('{"args":["x"],"kwargs":{"width":"12","align":"r"}}');
    expect(p.parse(`$show("a, b", ' padded ', "x=y", "(", k="v,w")`)).toBe('{"args":["a, b"," padded ","x=y","("],"kwargs":{"k":"v,w"}}');
    expect(p.parse(`$show(don't, stop)`)).toBe(`{"args":["don't","stop"],"kwargs":{}}`);
    expect(p.parse("$show()")).toBe('{"args":[],"kwargs":{}}');
    expect(p.parse("$show(f(1, 2), [a, b], {c, d})")).toBe('{"args":["f(1, 2)","[a, b]","{c, d}"],"kwargs":{}}');
  });

  it("runs nested calls inside out; a lone nested value keeps its type", () => {
    const p = parser().register("show", show);
    expect(p.parse("$upper($lower(ABC)def)")).toBe("ABCDEF");
    expect(p.parse("$show($add(1, 2), x$upper(y)z)")).toBe('{"args":[3,"xYz"],"kwargs":{}}');
    expect(p.parse("$pad($upper(hi), 6, r, .)")).toBe("....HI");
  });

  it("escapes with backslash and $$", () => {
    const p = parser();
    expect(p.parse("\\$upper(x) costs $$5 and $upper(\\$x\\))")).toBe("$upper(x) costs $5 and $X)");
    expect(p.parse(FuncParser.escape("a $upper(b) \\ c"))).toBe("a $upper(b) \\ c");
  });

  it("leaves unknown, unclosed and failing calls as written (or throws with raiseErrors)", () => {
    const p = parser().register("boom", () => {
      throw new Error("no");
    });
    expect(p.parse("a $nosuch(x) b")).toBe("a $nosuch(x) b");
    expect(p.parse("a $upper(x b")).toBe("a $upper(x b");
    expect(p.parse("$upper(x $lower(Y)")).toBe("$upper(x y");
    expect(p.parse("a $boom(1) b")).toBe("a $boom(1) b");
    for (const bad of ["$nosuch()", "$upper(x", "$boom()"]) {
      let caught: unknown;
      try {
        p.parse(bad, {}, { raiseErrors: true });
      } catch (err) {
        caught = err;
      }
      expect(isEvenniaError(caught, "EV_ERR_BAD_INPUT"), bad).toBe(true);
    }
  });

  it("passes the context to every function, and games register their own", () => {
    const p = new FuncParser().register("greet", (args, _kw, ctx) => `hi ${String(args[0])} from ${String(ctx.caller)}`);
    expect(p.parse("$greet(Bob)", { caller: "Anna" })).toBe("hi Bob from Anna");
    expect(p.names()).toEqual(["greet"]);
    p.unregister("greet");
    expect(p.parse("$greet(Bob)")).toBe("$greet(Bob)");
    expect(() => p.register("bad name", show)).toThrow(/not a valid inline function name/);
  });
});

describe("standard functions", () => {
  it("text", () => {
    const p = parser();
    expect(p.parse("[$pad(ab, 6)][$pad(ab, 6, l)][$pad(ab, width=5, align=r, fillchar=-)]")).toBe("[  ab  ][ab    ][---ab]");
    expect(p.parse("$crop(A long text here, 10)")).toBe("A lon[...]");
    expect(p.parse("$crop(A long text here, width=8, suffix=..)")).toBe("A long..");
    expect(p.parse("[$space(3)]")).toBe("[   ]");
    expect(p.parse("$clr(r, red)|$clr(r, red, b)|$clr(plain)")).toBe("|rred|n||rred|b|plain");
    expect(p.parse("$an(apple) and $an(sword)")).toBe("an apple and a sword");
    expect(p.parse("$pluralize(goose, 3) $pluralize(box, 2) $pluralize(cat, 1) $pluralize(ox, 2, oxes)")).toBe("geese boxes cat oxes");
    expect(p.parse("$int2str(3) $int2str(40)")).toBe("three 40");
  });

  it("numbers", () => {
    const p = parser();
    expect(p.parse("$round(3.14159, 2) $round(2.5) $toint(7.9)")).toBe("3.14 3 7");
    expect(p.parse("$add(1, 2) $sub(5, 7) $mult(3, 4) $div(9, 2) $add(x, 1)")).toBe("3 -2 12 4.5 ");
  });

  it("random, randint and choice (inclusive ranges)", () => {
    expect(parser([0]).parse("$random(1, 6) $randint(1,6)")).toBe("1 1");
    expect(parser([0.9999]).parse("$random(1, 6) $randint(1,6) $random(6)")).toBe("6 6 6");
    expect(parser([0.5]).parse("$random(1.0, 3)")).toBe("2");
    expect(parser([0.5]).parse("$random()")).toBe("0.5");
    expect(parser([0.1, 0.5, 0.99]).parse("$choice(a,b,c) $choice(a,b,c) $choice(a,b,c)")).toBe("a b c");
    const real = new FuncParser(STANDARD_FUNCTIONS);
    for (let i = 0; i < 50; i++) expect(Number(real.parse("$random(1,6)"))).toBeOneOf([1, 2, 3, 4, 5, 6]);
  });

  it("numbers at the edge of a float never print Infinity or NaN", () => {
    const p = parser([0.999]);
    expect(p.parse("$round(1e308, 5)")).toBe("1e+308");
    expect(p.parse("$round(-1.5e308, 2)")).toBe("-1.5e+308");
    for (const call of ["$random(-1e308, 1e308)", "$random(-1.0e308, 1.0e308)", "$randint(-1e308, 1e308)", "$random(1e308)", "$div(1, 0)", "$mult(1e308, 10)", "$add(1e308, 1e308)"]) {
      expect(p.parse(`[${call}]`), call).not.toMatch(/Infinity|NaN/);
    }
    // a wide range that still fits is fine
    expect(Number(p.parse("$random(-1e300, 1e300)"))).toBeLessThanOrEqual(1e300);
  });

  it("time", () => {
    expect(parser().parse("It is $time().")).toMatch(/^It is \d\d:\d\d\.$/);
  });
});

describe("hostile strings", () => {
  it("nesting deeper than maxDepth is left as text", () => {
    const p = parser([0.5], { maxDepth: 3 });
    expect(p.parse("$upper($upper($upper(a)))")).toBe("A");
    expect(p.parse("$upper($upper($upper($upper(a))))")).toBe("$UPPER(A)");
  });

  it("a deeply nested string (100000 levels) neither overflows the stack nor hangs", () => {
    const deep = "$upper(".repeat(100_000) + "x" + ")".repeat(100_000);
    const started = performance.now();
    const out = inlineFunctions.parse(deep);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out.length).toBeLessThanOrEqual(inlineFunctions.maxOutputLength);
    const unclosed = "$upper(".repeat(100_000);
    const t2 = performance.now();
    expect(inlineFunctions.parse(unclosed).length).toBeLessThanOrEqual(inlineFunctions.maxOutputLength);
    expect(performance.now() - t2).toBeLessThan(2000);
  });

  it("limits calls per string and output length", () => {
    const p = parser([0.5], { maxCalls: 5, maxOutputLength: 1000 });
    expect(p.parse("$upper(a)".repeat(8))).toBe("AAAAA$upper(a)$upper(a)$upper(a)");
    expect(p.parse("$space(999999999)")).toHaveLength(1000);
    expect(p.parse("$pad(x, 100000000)")).toHaveLength(1000);
    expect(p.parse(`${"x".repeat(5000)}$upper(a)`)).toHaveLength(1000);
    expect(p.parse("x".repeat(5000))).toHaveLength(5000); // no function: sent as written
    const many = parser([0.5], { maxOutputLength: 50_000 });
    expect(many.parse("$space(40000)$space(40000)")).toHaveLength(50_000);
  });

  it("a huge string costs bounded work", () => {
    const huge = "$upper(a, ".repeat(200_000);
    const started = performance.now();
    const out = inlineFunctions.parse(huge);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(out.length).toBeLessThanOrEqual(inlineFunctions.maxOutputLength);
  });
});

describe("verbs and pronouns", () => {
  it("conjugates for the actor and the others", () => {
    expect(verbActorStance("smile")).toEqual(["smile", "smiles"]);
    expect(verbActorStance("watch")).toEqual(["watch", "watches"]);
    expect(verbActorStance("try")).toEqual(["try", "tries"]);
    expect(verbActorStance("play")).toEqual(["play", "plays"]);
    expect(verbActorStance("be")).toEqual(["are", "is"]);
    expect(verbActorStance("have")).toEqual(["have", "has"]);
    expect(verbActorStance("can")).toEqual(["can", "can"]);
    expect(verbActorStance("look at")).toEqual(["look at", "looks at"]);
  });

  it("maps pronouns to the actor's and the others' view", () => {
    expect(pronounViewpoints("his", [], { gender: "male" })).toEqual(["your", "his"]);
    expect(pronounViewpoints("I", "m")).toEqual(["I", "he"]);
    expect(pronounViewpoints("you", "op f")).toEqual(["you", "her"]);
    expect(pronounViewpoints("yourself", [], { gender: "neutral" })).toEqual(["yourself", "itself"]);
    expect(pronounViewpoints("its")).toEqual(["your", "its"]);
    expect(pronounViewpoints("you", "op, p")).toEqual(["you", "them"]);
    expect(pronounViewpoints("her", "pa")).toEqual(["your", "her"]);
    expect(pronounViewpoints("She", [], { gender: "female" })).toEqual(["You", "She"]);
  });
});

describeWithWorld("actor stance through msgContents", (w) => {
  it("each viewer reads the message from where they stand", async () => {
    const { room1, char1, char2, obj1 } = w.world;
    char1.db.gender = "female";
    await w.world.unit(() => {
      room1.msgContents("$You() $conj(smile) at $you(target) and $you(target) $conj(wave, target) back. $Pron(she) $conj(be) happy with $pron(her, pa) hat.", {
        fromObj: char1,
        mapping: { target: char2 },
      });
    });
    expect(w.world.text(w.world.session1)).toBe("You smile at Char2 and Char2 waves back. You are happy with your hat.");
    expect(w.world.text(w.world.session2)).toBe("Char smiles at you and you wave back. She is happy with her hat.");
    expect(obj1.key).toBe("Obj");
  });

  it("text filled in from the mapping is never run", async () => {
    const { room1, char1 } = w.world;
    await w.world.unit(() => room1.msgContents('$You() $conj(say), "{speech}"', { fromObj: char1, mapping: { speech: "$upper(shout) $You()" } }));
    expect(w.world.text(w.world.session2)).toBe('Char says, "$upper(shout) $You()"');
    expect(w.world.text(w.world.session1)).toBe('You say, "$upper(shout) $You()"');
  });

  it("inlineFunctions: false sends the text as written", async () => {
    const { room1, char1 } = w.world;
    await w.world.unit(() => room1.msgContents("$You() wave.", { fromObj: char1, inlineFunctions: false }));
    expect(w.world.text(w.world.session2)).toBe("$You() wave.");
  });

  it("a pose uses the actor stance, as in Evennia", async () => {
    const out = await callCommand(w.world, CmdPose, "$conj(grin) at $you(). ", "Char", { receivers: [w.world.char1, w.world.char2] });
    expect(out.of(w.world.char1)).toBe("Char grin at you.");
    expect(out.of(w.world.char2)).toBe("Char grins at Char.");
  });

  it("a game's own function is used by msgContents", async () => {
    inlineFunctions.register("weather", () => "raining");
    try {
      await w.world.unit(() => w.world.room1.msgContents("It is $weather().", { fromObj: w.world.char1 }));
      expect(w.world.text(w.world.session2)).toBe("It is raining.");
    } finally {
      inlineFunctions.unregister("weather");
    }
  });
});
