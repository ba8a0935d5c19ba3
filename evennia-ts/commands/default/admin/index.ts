/**
 * The default admin commands (Evennia's `admin.py`): `boot`, `ban`, `unban`,
 * `emit`, `perm`, `userpassword`, `wall` and `force`.
 */
export { CmdBan, CmdUnban, formatBanList } from "./ban.ts";
export { CmdBoot } from "./boot.ts";
export { CmdEmit } from "./emit.ts";
export { CmdForce } from "./force.ts";
export { CmdPerm } from "./perm.ts";
export { CmdNewPassword } from "./userpassword.ts";
export { CmdWall } from "./wall.ts";
