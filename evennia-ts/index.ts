/**
 * evennia-ts: the public API game code imports (`import { DefaultCharacter } from "evennia-ts"`).
 */
export { EvenniaError, isEvenniaError, type EvenniaErrorCode } from "./utils/errors.ts";
export { getLogger, type Logger } from "./utils/logger.ts";
export type { GameSettings, Settings } from "./conf/settings.ts";
export type { OobMessage, OutputSpec, MessageKwargs } from "./protocol/message.ts";

export * from "./typeclasses/index.ts";

export { Command, type CommandSession, type CommandServices } from "./commands/command.ts";
export { CmdSet, mergeCmdSets, mergeAll, type MergeType, type CommandClass } from "./commands/cmdset.ts";
export { registerCmdSet, type CmdSetClass } from "./commands/cmdset-registry.ts";
export { splitQuoted } from "./commands/parse-input.ts";
export { UnloggedinCmdSet, AccountCmdSet, CharacterCmdSet } from "./commands/default/cmdsets.ts";
export { CmdLook, CmdSay, CmdGet, CmdDrop, CmdInventory } from "./commands/default/general.ts";
export { searchNearby, type NearbySearchOptions } from "./commands/default/nearby-search.ts";
export { CmdExit, ExitCmdSet, exitCmdSetFor, directionFallbackFor, DIRECTION_WORDS, EXIT_CMDSET_PRIORITY } from "./commands/exit-cmdset.ts";
export { pluralize, withArticle, numberToWords, numberedName, joinList } from "./utils/inflect.ts";
export { CmdQuit, CmdIC, CmdOOC, CmdCharCreate } from "./commands/default/account.ts";
export { getInput, hasPendingInput, type InputCallback, type GetInputOptions } from "./commands/input-prompt.ts";
export { CmdReload, CmdReset, CmdShutdown } from "./commands/default/system.ts";
export {
  CmdUnconnectedConnect,
  CmdUnconnectedCreate,
  CmdUnconnectedHelp,
  CmdUnconnectedLook,
  CmdUnconnectedQuit,
} from "./commands/default/unloggedin.ts";

export { checkLock, registerLockFunc, parseLockString, type LockFunc, type LockContext } from "./locks/lock-string.ts";
export { hasPermission, PERMISSION_HIERARCHY } from "./locks/permissions.ts";

export { registerInputFunc, type InputFunc } from "./server/inputfuncs.ts";
export type { ServerSession } from "./server/server-session.ts";
export { runInUnitOfWork, currentUnitOfWork, flushImplicitWrites, UnitOfWork } from "./db/unit-of-work.ts";
export { registerGameSchema, type GameSchema } from "./db/game-schema.ts";
export { unregisterInputFunc } from "./server/inputfuncs.ts";
export {
  registerReportableVariable,
  unregisterReportableVariable,
  type ReportableVariableSpec,
  type ReportableAttribute,
} from "./server/oob/reportable-variables.ts";
export { notifyReportableChanged, reportedVariableNames } from "./server/oob/report-tracker.ts";
export { enableGmcpLogin } from "./server/oob/char-login.ts";
export { clientSupportsGmcp } from "./server/oob/core-supports.ts";
export { registerGmcpName } from "./protocol/oob-names.ts";
export { CmdMemory } from "./commands/default/memory.ts";
