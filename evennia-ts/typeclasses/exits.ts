/**
 * `DefaultExit`: a link from its location to its destination.
 */
import { DefaultObject, type ContentType } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** An exit. */
export class DefaultExit extends DefaultObject {
  override get contentType(): ContentType {
    return "exit";
  }
}

registerTypeclass("evennia.objects.DefaultExit", DefaultExit);
