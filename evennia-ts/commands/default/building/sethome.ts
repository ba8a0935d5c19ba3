/**
 * `sethome`: see or change an object's home, where it goes when its location is
 * destroyed (and where `home` takes it).
 */
import { ObjManipCommand } from "./obj-manip-command.ts";

/** `sethome <obj> [= <home_location>]`. */
export class CmdSetHome extends ObjManipCommand {
  override key = "sethome";
  override locks = "cmd:perm(sethome) or perm(Builder)";
  override help = `Set an object's home location.

Usage:
  sethome <obj> [= <home_location>]
  sethome <obj>

An object's home is its safe place: it is moved there when its location is
destroyed, and the "home" command takes characters there. Every object
should have one. Without "=", shows the object's home. Both names are looked
for anywhere in the game (by exact name or #dbref). An object cannot be
its own home, nor have a home inside itself.

Examples:
  sethome Anna = Tavern
  sethome #33 = #2
  sethome sword`;

  override async func(): Promise<void> {
    const caller = this.builder();
    if (!caller) return;
    if (!this.args.trim() || !this.lhs) {
      this.msg("Usage: sethome <obj> [= <home_location>]");
      return;
    }
    const obj = await caller.search(this.lhs, { global: true });
    if (!obj) return;
    if (!this.rhs) {
      const home = obj.home;
      this.msg(home ? `${obj.key}'s current home is ${home.key}(${home.dbref}).` : "This object has no home location set!");
      return;
    }
    const newHome = await caller.search(this.rhs, { global: true });
    if (!newHome) return;
    // going home there would be a move into itself, which is refused
    if (obj.isAncestorOf(newHome)) {
      this.msg(newHome === obj ? `${obj.key} cannot be its own home.` : `${obj.key} cannot have a home inside itself (${newHome.key} is inside it).`);
      return;
    }
    const oldHome = obj.home;
    obj.home = newHome;
    this.msg(
      oldHome
        ? `Home location of ${obj.key} was changed from ${oldHome.key}(${oldHome.dbref}) to ${newHome.key}(${newHome.dbref}).`
        : `Home location of ${obj.key} was set to ${newHome.key}(${newHome.dbref}).`,
    );
  }
}
