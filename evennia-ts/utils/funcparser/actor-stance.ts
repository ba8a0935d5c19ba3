/**
 * Actor-stance inline functions (Evennia's `ACTOR_STANCE_CALLABLES`): one message
 * template reads right for everyone. `"$You() $conj(smile) at $you(target)."` is
 * "You smile at Bob." to the actor, "Anna smiles at you." to Bob and "Anna smiles
 * at Bob." to the rest of the room.
 *
 * They need `caller` (the actor) and `receiver` (the reader) in the parse context;
 * `mapping` names other objects (`$you(target)`). `DefaultObject.msgContents` passes
 * all three. Objects are read by shape, so this layer needs no typeclass: a name
 * comes from `getDisplayName(receiver)` (else `key`), a gender from a `gender`
 * property or method, else the `gender` attribute (`obj.db.gender`), else neutral.
 */
import { EvenniaError } from "../errors.ts";
import { verbActorStance } from "./conjugate.ts";
import type { FuncContext, InlineFunction } from "./parser.ts";
import { normalizeGender, pronounViewpoints, type PronounGender, type PronounPerson } from "./pronouns.ts";

/** What an actor-stance function reads of an object. */
interface Actor {
  key?: unknown;
  getDisplayName?: (looker?: unknown) => string;
  gender?: unknown;
  db?: Record<string, unknown>;
}

/** The object `key` names in the mapping, else the caller. Throws when caller or receiver is missing. */
function who(context: FuncContext, key: unknown, fn: string): { obj: unknown; receiver: unknown } {
  // own keys only: `$you(__proto__)` in a pose showed the mapping's prototype, "[object Object]"
  const mapped = typeof key === "string" && context.mapping && Object.hasOwn(context.mapping, key) ? context.mapping[key] : undefined;
  const obj = mapped ?? context.caller;
  if (obj === undefined || obj === null || context.receiver === undefined || context.receiver === null) {
    throw new EvenniaError("EV_ERR_BAD_INPUT", `$${fn}() needs a caller and a receiver`);
  }
  return { obj, receiver: context.receiver };
}

/** How `obj` is shown to `receiver`. */
function displayName(obj: unknown, receiver: unknown): string {
  const actor = obj as Actor;
  if (typeof actor?.getDisplayName === "function") return actor.getDisplayName(receiver);
  if (actor && typeof actor === "object" && "key" in actor) return String(actor.key);
  return String(obj);
}

/** The gender of `obj` (see the module note). */
export function genderOf(obj: unknown): PronounGender {
  const actor = obj as Actor;
  if (!actor || typeof actor !== "object") return "neutral";
  const own = typeof actor.gender === "function" ? (actor.gender as () => unknown).call(actor) : actor.gender;
  let fromDb: unknown;
  if (own === undefined) {
    try {
      fromDb = actor.db?.gender;
    } catch {
      fromDb = undefined; // an object whose attributes are still loading
    }
  }
  return normalizeGender(own ?? fromDb) ?? "neutral";
}

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** `$you()`/`$You()`/`$obj(key)`: "you" to that object, its name to the others. */
function you(capital: boolean, fn: string): InlineFunction {
  return (args, kwargs, context) => {
    const { obj, receiver } = who(context, args[0], fn);
    const name = obj === receiver ? (capital ? "You" : "you") : displayName(obj, receiver);
    const format = kwargs.format;
    if (format === "upper") return name.toUpperCase();
    if (format === "lower") return name.toLowerCase();
    if (format === "capital") return capitalize(name);
    return capital ? capitalize(name) : name;
  };
}

/** `$your()`/`$Your()`: "your" to that object, "Name's" to the others. */
function your(capital: boolean): InlineFunction {
  return (args, _kwargs, context) => {
    const { obj, receiver } = who(context, args[0], capital ? "Your" : "your");
    if (obj === receiver) return capital ? "Your" : "your";
    const name = displayName(obj, receiver);
    const possessive = /s$/i.test(name) ? `${name}'` : `${name}'s`;
    return capital ? capitalize(possessive) : possessive;
  };
}

/** `$conj(verb)` or `$conj(verb, key)`: "smile" to the actor, "smiles" to the others. */
const conj: InlineFunction = (args, _kwargs, context) => {
  if (args.length === 0) return "";
  const { obj, receiver } = who(context, args[1], "conj");
  const [second, third] = verbActorStance(String(args[0]));
  return obj === receiver ? second : third;
};

/** The persons `$pron(..., viewpoint=...)` takes. */
const VIEWPOINTS: ReadonlySet<string> = new Set<PronounPerson>(["1st", "2nd", "3rd"]);

/** `$pron(pronoun, options, key)`: "your" to the actor, "his"/"her"/"their"/"its" to the others. */
function pron(capital: boolean): InlineFunction {
  return (args, kwargs, context) => {
    if (args.length === 0) return "";
    const [word, ...rest] = args.map(String);
    let options = rest;
    let key: string | undefined;
    const last = options[options.length - 1];
    if (last !== undefined && context.mapping && Object.hasOwn(context.mapping, last)) {
      key = last;
      options = options.slice(0, -1);
    }
    const { obj, receiver } = who(context, key, capital ? "Pron" : "pron");
    // only a person the table knows (`viewpoint=x` made the lookup fail and the call show as written)
    const viewpoint = typeof kwargs.viewpoint === "string" && VIEWPOINTS.has(kwargs.viewpoint) ? (kwargs.viewpoint as PronounPerson) : undefined;
    const [actor, others] = pronounViewpoints(word!, options, { gender: genderOf(obj), viewpoint });
    const out = obj === receiver ? actor : others;
    return capital ? capitalize(out) : out;
  };
}

/** The actor-stance functions, by name. */
export const ACTOR_STANCE_FUNCTIONS: Readonly<Record<string, InlineFunction>> = {
  you: you(false, "you"),
  You: you(true, "You"),
  obj: you(false, "obj"),
  Obj: you(true, "Obj"),
  your: your(false),
  Your: your(true),
  conj,
  pron: pron(false),
  Pron: pron(true),
};
