/**
 * `DefaultRoom`: a place. Rooms have no location.
 */
import { DefaultObject } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** A room. */
export class DefaultRoom extends DefaultObject {}

registerTypeclass("evennia.objects.DefaultRoom", DefaultRoom);
