/**
 * `DefaultRoom`: a place. Rooms have no location.
 */
import { DefaultObject, type ContentType } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** A room. */
export class DefaultRoom extends DefaultObject {
  override get contentType(): ContentType {
    return "room";
  }
}

registerTypeclass("evennia.objects.DefaultRoom", DefaultRoom);
