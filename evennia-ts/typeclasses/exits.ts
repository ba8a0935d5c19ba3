/**
 * `DefaultExit`: a link from its location to its destination. Its key and aliases
 * are commands in the room (the exit cmdset, `commands/exit-cmdset.ts`); using one
 * checks the `traverse` lock, then runs `atTraverse` (which moves the traveller
 * with `moveType: "traverse"` and calls `atPostTraverse`) or `atFailedTraverse`.
 */
import { DefaultObject, type ContentType } from "./objects.ts";
import { registerTypeclass } from "./registry.ts";

/** An exit. */
export class DefaultExit extends DefaultObject {
  /** Anyone may traverse; nobody picks up, puppets or teleports an exit (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add("puppet:false();traverse:all();get:false();teleport:false();teleport_here:false()");
  }

  override get contentType(): ContentType {
    return "exit";
  }

  /**
   * Move `traveller` to `target` (the exit's destination). The `traverse` lock has
   * been checked already. Calls `atPostTraverse` when the move went through, and
   * `atFailedTraverse` (or says the `err_traverse` attribute) when a hook vetoed it.
   */
  async atTraverse(traveller: DefaultObject, target: DefaultObject): Promise<void> {
    const source = traveller.location;
    if (await traveller.moveTo(target, { moveType: "traverse", exitObj: this })) {
      await this.atPostTraverse(traveller, source);
    } else {
      const custom = this.db.err_traverse;
      if (typeof custom === "string" && custom) traveller.msg(custom);
      else await this.atFailedTraverse(traveller);
    }
  }

  /** Hook: `traveller` went through this exit from `source`. */
  async atPostTraverse(_traveller: DefaultObject, _source: DefaultObject | null): Promise<void> {}

  /** Hook: `traveller` could not go through (lock or veto). */
  async atFailedTraverse(traveller: DefaultObject): Promise<void> {
    traveller.msg("You cannot go there.");
  }

  /** The exit in the destination that leads back here, if there is one. */
  getReturnExit(): DefaultObject | null {
    const destination = this.destination;
    const location = this.location;
    if (!destination?.contentsLoaded || !location) return null;
    return destination.exits.find((e) => e.destination === location) ?? null;
  }
}

registerTypeclass("evennia.objects.DefaultExit", DefaultExit);
