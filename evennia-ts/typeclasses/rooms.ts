/**
 * `DefaultRoom`: a place. Rooms have no location.
 */
import { DefaultObject, type ContentType } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** A room. */
export class DefaultRoom extends DefaultObject {
  /** Rooms cannot be picked up, puppeted or teleported; things may be teleported in (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add("get:false();puppet:false();teleport:false();teleport_here:true()");
  }

  override get contentType(): ContentType {
    return "room";
  }
}

registerTypeclass("evennia.objects.DefaultRoom", DefaultRoom);
