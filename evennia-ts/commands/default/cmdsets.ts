/**
 * The default cmdsets. A game extends them in its own `commands/default-cmdsets.ts`
 * and registers its versions under the paths its settings name.
 */
import { CmdSet } from "../cmdset.ts";
import { registerCmdSet } from "../cmdset-registry.ts";
import { CmdCharCreate, CmdCharDelete, CmdIC, CmdOOC, CmdOOCLook, CmdPassword, CmdQuit } from "./account.ts";
import { CmdColorTest } from "./account-color.ts";
import { CmdOption, CmdStyle } from "./account-options.ts";
import { CmdSessions, CmdWho } from "./account-sessions.ts";
import { CmdAccounts } from "./accounts-list.ts";
import { CmdBan, CmdBoot, CmdEmit, CmdForce, CmdNewPassword, CmdPerm, CmdUnban, CmdWall } from "./admin/index.ts";
import { CmdSetObjAlias } from "./building/alias.ts";
import { CmdCpAttr, CmdMvAttr } from "./building/attr-copy.ts";
import { CmdListCmdSets, CmdObjects } from "./building/cmdsets-objects.ts";
import { CmdBatchCode, CmdBatchCommands } from "./batch/batchprocess.ts";
import { CmdCopy } from "./building/copy.ts";
import { CmdCreate } from "./building/create.ts";
import { CmdDestroy } from "./building/destroy.ts";
import { CmdDig, CmdTunnel } from "./building/dig.ts";
import { CmdExamine } from "./building/examine.ts";
import { CmdLink, CmdOpen, CmdUnlink } from "./building/exits.ts";
import { CmdFind } from "./building/find.ts";
import { CmdLock } from "./building/lock.ts";
import { CmdDesc, CmdName } from "./building/name-desc.ts";
import { CmdSetAttribute, CmdWipe } from "./building/set-wipe.ts";
import { CmdSetHome } from "./building/sethome.ts";
import { CmdTag } from "./building/tag.ts";
import { CmdSpawn } from "./building/spawn.ts";
import { CmdTeleport } from "./building/teleport.ts";
import { CmdTypeclass } from "./building/typeclass.ts";
import { CmdAccess, CmdDrop, CmdGet, CmdGive, CmdHome, CmdInventory, CmdLook, CmdPose, CmdSay, CmdSetDesc, CmdWhisper } from "./general.ts";
import { CmdNick } from "./nick.ts";
import { CmdHelp, CmdSetHelp } from "./help.ts";
import "../channel-cmdset.ts";
import { CmdChannel } from "./comms/channel.ts";
import { CmdPage } from "./comms/page.ts";
import { CmdRSS2Chan } from "./comms/rss2chan.ts";
import { CmdMemory } from "./memory.ts";
import { CmdPy } from "./py.ts";
import { CmdQuell } from "./quell.ts";
import { CmdAbout, CmdServerLoad, CmdTime } from "./server-info.ts";
import { CmdScripts } from "./scripts.ts";
import { CmdService } from "./service.ts";
import { CmdReload, CmdReset, CmdShutdown } from "./system.ts";
import { CmdThrottles } from "./throttles.ts";
import { CmdTasks, CmdTickers } from "./timers.ts";
import {
  CmdUnconnectedConnect,
  CmdUnconnectedCreate,
  CmdUnconnectedHelp,
  CmdUnconnectedInfo,
  CmdUnconnectedLook,
  CmdUnconnectedQuit,
} from "./unloggedin.ts";
import { CmdUnconnectedEncoding, CmdUnconnectedScreenreader } from "./unloggedin-client-options.ts";

/** Commands before login. */
export class UnloggedinCmdSet extends CmdSet {
  override key = "DefaultUnloggedin";
  override priority = 0;

  override atCmdsetCreation(): void {
    this.add(CmdUnconnectedConnect).add(CmdUnconnectedCreate).add(CmdUnconnectedQuit).add(CmdUnconnectedLook).add(CmdUnconnectedHelp);
    this.add(CmdUnconnectedEncoding).add(CmdUnconnectedScreenreader).add(CmdUnconnectedInfo);
  }
}

/** Commands of a logged-in account. */
export class AccountCmdSet extends CmdSet {
  override key = "DefaultAccount";
  override priority = -10;

  override atCmdsetCreation(): void {
    this.add(CmdQuit).add(CmdIC).add(CmdOOC).add(CmdCharCreate).add(CmdReload).add(CmdReset).add(CmdShutdown).add(CmdMemory);
    this.add(CmdQuell).add(CmdHelp).add(CmdThrottles);
    this.add(CmdOOCLook).add(CmdCharDelete).add(CmdPassword).add(CmdWho).add(CmdOption).add(CmdStyle).add(CmdColorTest);
    this.add(CmdPy).add(CmdNewPassword);
    // building: Evennia's account cmdset has examine (out of character it examines accounts, or objects with /object)
    this.add(CmdExamine);
    // comms
    this.add(CmdChannel).add(CmdPage).add(CmdRSS2Chan);
  }
}

/** Commands of every logged-in session (Evennia's `SessionCmdSet`): `sessions`. */
export class SessionCmdSet extends CmdSet {
  override key = "DefaultSession";
  override priority = -20;

  override atCmdsetCreation(): void {
    this.add(CmdSessions);
  }
}

/** Commands of a puppeted character. */
export class CharacterCmdSet extends CmdSet {
  override key = "DefaultCharacter";
  override priority = 0;

  override atCmdsetCreation(): void {
    this.add(CmdLook).add(CmdSay).add(CmdGet).add(CmdDrop).add(CmdInventory).add(CmdSetHelp);
    this.add(CmdHome).add(CmdNick).add(CmdSetDesc).add(CmdGive).add(CmdWhisper).add(CmdPose).add(CmdAccess);
    // system and admin commands (Evennia puts them in the character's set)
    this.add(CmdPy).add(CmdAccounts).add(CmdService).add(CmdAbout).add(CmdTime).add(CmdServerLoad);
    this.add(CmdTickers).add(CmdTasks);
    this.add(CmdBoot).add(CmdBan).add(CmdUnban).add(CmdEmit).add(CmdPerm).add(CmdWall).add(CmdForce);
    this.add(CmdScripts);
    // building: creating and moving things in the world
    this.add(CmdCreate).add(CmdDig).add(CmdTunnel).add(CmdOpen).add(CmdLink).add(CmdUnlink).add(CmdDestroy);
    this.add(CmdCopy).add(CmdSetHome).add(CmdTeleport).add(CmdName).add(CmdDesc);
    // building: properties and inspection
    this.add(CmdSetObjAlias).add(CmdListCmdSets).add(CmdWipe).add(CmdSetAttribute).add(CmdCpAttr).add(CmdMvAttr).add(CmdFind);
    this.add(CmdExamine).add(CmdTypeclass).add(CmdLock).add(CmdTag).add(CmdObjects);
    // prototypes and batch building
    this.add(CmdSpawn).add(CmdBatchCommands).add(CmdBatchCode);
  }
}

registerCmdSet("evennia.commands.default.UnloggedinCmdSet", UnloggedinCmdSet);
registerCmdSet("evennia.commands.default.AccountCmdSet", AccountCmdSet);
registerCmdSet("evennia.commands.default.CharacterCmdSet", CharacterCmdSet);
registerCmdSet("evennia.commands.default.SessionCmdSet", SessionCmdSet);
