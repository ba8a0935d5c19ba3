/**
 * Moving an object from the web admin, as `teleport` moves it: never into itself
 * or into something it holds, the `teleport` lock of the object and the
 * `teleport_here` lock of the place (Admins pass both, as in-game), then `moveTo`
 * with every move hook — a hook saying no is a refusal and nothing moves. An empty
 * location is `tel/tonone` (never for a puppeted object). The place is taken
 * exactly as given (`tel/intoexit`): an exit is not walked through.
 */
import { isAdmin } from "../../commands/default/building/access.ts";
import type { DefaultAccount } from "../../typeclasses/accounts.ts";
import type { DefaultObject } from "../../typeclasses/objects.ts";
import { AdminRequestError } from "./admin-http.ts";
import { isSuperuserTarget } from "./typed-changes.ts";

/** Teleport `obj` to `destination` (null: nowhere); returns the notice, or throws the refusal. */
export async function teleportAs(obj: DefaultObject, actor: DefaultAccount, destination: DefaultObject | null): Promise<string> {
  if (isSuperuserTarget(obj) && !actor.isSuperuser) throw new AdminRequestError(403, `Only a superuser may move ${obj.key}.`);
  const admin = isAdmin(actor);
  if (!admin && !obj.access(actor, "teleport")) throw new AdminRequestError(403, `${obj.key} 'teleport'-lock blocks you from teleporting it anywhere.`);
  const from = obj.location;
  if (!destination) {
    if (obj.hasSessions) throw new AdminRequestError(400, `Cannot teleport a puppeted object (${obj.key}, puppeted by ${obj.account?.key ?? "a session"}) to a None-location.`);
    if (!from) throw new AdminRequestError(400, `${obj.key} has no location already.`);
    from.msgContents(`${actor.key} teleported ${obj.key} into nothingness.`, { exclude: [obj] });
    obj.location = null;
    return `Teleported ${obj.key} -> None-location.`;
  }
  if (obj === destination) throw new AdminRequestError(400, "You can't teleport an object inside of itself!");
  if (obj.isAncestorOf(destination)) throw new AdminRequestError(400, "You can't teleport an object inside something it holds!");
  if (from === destination) throw new AdminRequestError(400, `${obj.key} is already at ${destination.key}.`);
  if (!admin && !destination.access(obj, "teleport_here")) throw new AdminRequestError(403, `${destination.key} 'teleport_here'-lock blocks ${obj.key} from moving there.`);
  if (!from) {
    await destination.loadContents();
    obj.location = destination;
    return `Teleported ${obj.key} None -> ${destination.key}.`;
  }
  if (!(await obj.moveTo(destination, { moveType: "teleport", useDestination: false }))) {
    throw new AdminRequestError(409, `Teleportation failed: a move hook refused to move ${obj.key} to ${destination.key}.`);
  }
  return `Teleported ${obj.key} -> ${(obj.location ?? destination).key}.`;
}
