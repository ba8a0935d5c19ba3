/**
 * Inline functions in strings (Evennia's FuncParser): the parser, the standard and
 * actor-stance functions, and {@link inlineFunctions}, the shared parser that
 * `DefaultObject.msgContents` runs. A game adds its own functions to it:
 *
 * ```ts
 * inlineFunctions.register("weather", () => currentWeather());
 * ```
 */
import { ACTOR_STANCE_FUNCTIONS } from "./actor-stance.ts";
import { FuncParser } from "./parser.ts";
import { STANDARD_FUNCTIONS } from "./standard-functions.ts";

export { FuncParser, type FuncContext, type FuncParserOptions, type InlineFunction, type ParseOptions } from "./parser.ts";
export { STANDARD_FUNCTIONS } from "./standard-functions.ts";
export { ACTOR_STANCE_FUNCTIONS, genderOf } from "./actor-stance.ts";
export { verbActorStance } from "./conjugate.ts";
export { pronounViewpoints, normalizeGender, type PronounGender, type PronounPerson, type PronounType } from "./pronouns.ts";

/**
 * The shared parser: the standard functions and the actor-stance ones. Messages sent
 * with `msgContents` go through it; register a game's own functions here.
 */
export const inlineFunctions = new FuncParser({ ...STANDARD_FUNCTIONS, ...ACTOR_STANCE_FUNCTIONS });
