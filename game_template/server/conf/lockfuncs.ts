/**
 * Your game's lock functions. Every function exported from this module becomes a
 * lock function under its export name (the `lockFuncModules` setting lists the
 * modules; this one is the default), usable in any lock string next to the
 * built-in ones (see docs/locks.md in evennia-ts):
 *
 *     obj.locks.add("enter:is_member(thieves) OR perm(Admin)");
 *
 * A lock function gets who asks, what is locked, the arguments (strings) and the
 * keyword arguments, and returns true to allow. It must be synchronous and should
 * change nothing. For example:
 *
 *     import type { LockFunc } from "evennia-ts";
 *
 *     export const is_member: LockFunc = (accessor, _accessed, args) =>
 *       (accessor as { db?: Record<string, unknown> }).db?.guild === args[0];
 */
export {};
