/**
 * `DefaultExit`: a link from its location to its destination.
 */
import { DefaultObject } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** An exit. */
export class DefaultExit extends DefaultObject {
  override appearanceGroup(): "exit" | "character" | "thing" {
    return "exit";
  }
}

registerTypeclass("evennia.objects.DefaultExit", DefaultExit);
