/**
 * evennia-ts: the public API game code imports (`import { DefaultCharacter } from "evennia-ts"`).
 */
export { EvenniaError, isEvenniaError, type EvenniaErrorCode } from "./utils/errors.ts";
export { getLogger, type Logger } from "./utils/logger.ts";
export type { GameSettings, Settings } from "./conf/settings.ts";
export type { OobMessage, OutputSpec, MessageKwargs } from "./protocol/message.ts";

// the typeclasses, without the store's internals (Store, setStore, getStore): game code reaches the
// store through create...() and search...(); tests use evennia-ts/testing and internal paths
export * from "./typeclasses/registry.ts";
export * from "./typeclasses/typed-object.ts";
export * from "./typeclasses/attribute-handler.ts";
export * from "./typeclasses/attribute-monitor.ts";
export { onFieldChange, hasFieldListeners, type FieldListener } from "./typeclasses/field-monitor.ts";
export * from "./typeclasses/tag-handler.ts";
export * from "./typeclasses/nick-handler.ts";
export * from "./typeclasses/nick-template.ts";
export * from "./typeclasses/objects.ts";
export { canAccess } from "./typeclasses/object-access.ts";
export * from "./typeclasses/characters.ts";
export * from "./typeclasses/rooms.ts";
export * from "./typeclasses/exits.ts";
export * from "./typeclasses/accounts.ts";
export * from "./typeclasses/guests.ts";
export * from "./typeclasses/sessions.ts";
export * from "./typeclasses/object-search.ts";
export * from "./typeclasses/scripts.ts";
export { ScriptHandler, type AddScriptOptions } from "./typeclasses/script-handler.ts";
export type { CreateScriptOptions, ScriptClassRef } from "./typeclasses/script-creation.ts";
export { globalScript, findGlobalScripts } from "./typeclasses/global-scripts.ts";
export * from "./typeclasses/channels.ts";
export { ChannelSubscriptions, type Subscription } from "./typeclasses/channel-subscriptions.ts";
export { allChannels, findChannel, searchChannels, subscribedChannels, channelAnswersTo } from "./typeclasses/channel-search.ts";
export { ensureDefaultChannels, joinDefaultChannels, mudInfoChannel } from "./typeclasses/default-channels.ts";
export { storeMessage, channelHistory, channelMessageCount, messagesOf, takePending, type StoredMessage, type MessageParty, type NewMessage } from "./typeclasses/messages.ts";
export * from "./typeclasses/create.ts";
export * from "./typeclasses/search.ts";
export {
  FuncParser,
  inlineFunctions,
  STANDARD_FUNCTIONS,
  ACTOR_STANCE_FUNCTIONS,
  verbActorStance,
  pronounViewpoints,
  type FuncContext,
  type FuncParserOptions,
  type InlineFunction,
  type ParseOptions,
} from "./utils/funcparser/index.ts";
export { runAsync, runAsyncThen, type BackgroundCallbacks } from "./db/background-work.ts";
export { WorkerPool, type WorkerTask, type WorkerPoolOptions, type RunOptions } from "./utils/worker-pool.ts";
export { trackActivity, beginActivity, endActivity, type Activity } from "./utils/activity.ts";
export { StallWatchdog, describeStall, type StallReport, type StallWatchdogOptions } from "./server/stall-watchdog.ts";
export { signals, Signals, type SignalMap, type SignalName, type SignalListener } from "./typeclasses/signals.ts";

export {
  Command,
  InterruptCommand,
  DEFAULT_ARG_REGEX,
  type CommandSession,
  type CommandServices,
  type BanAdmin,
  type BanEntry,
  type ServerAdmin,
  type ServiceRow,
} from "./commands/command.ts";
export { MuxCommand } from "./commands/mux-command.ts";
export { CmdSet, type MergeType, type CommandClass, type CmdSetOwner } from "./commands/cmdset.ts";
export { mergeCmdSets, mergeAll, mergeStack, MergeCache } from "./commands/cmdset-merge.ts";
export { CmdSetHandler, type CmdSetSpec, type AddCmdSetOptions } from "./commands/cmdset-handler.ts";
export {
  gatherCmdSets,
  mayCallCmdsetsOf,
  registerLocationCmdSets,
  EXIT_CMDSET_KEY,
  CHANNEL_CMDSET_KEY,
  type LocationCmdSetSource,
} from "./commands/cmdset-gather.ts";
export { EvMore, evmore, MoreCmdSet, type EvMoreOptions } from "./commands/evmore.ts";
// menus (EvMenu) and the line editor (EvEditor)
export { EvMenu, EvMenuGotoAbortMessage, registerMenuClass, restoreSavedMenu, MENU_NO_MATCH, type EvMenuOptions, type MenuExitAction } from "./commands/evmenu/evmenu.ts";
export { EvMenuCmdSet, CmdEvMenuInput, CmdEvMenuNoInput, runningMenu, type RunningMenu } from "./commands/evmenu/menu-cmdset.ts";
export { registerMenu, registeredMenu, loadMenuTree } from "./commands/evmenu/menu-registry.ts";
export { formatNodeText, formatOptions, formatNode } from "./commands/evmenu/menu-format.ts";
export type { MenuCaller, MenuKwargs, MenuNode, MenuTree, MenuOption, MenuGoto, GotoCallable, GotoResult, NodeText, NodeHelp, NodeResult } from "./commands/evmenu/menu-types.ts";
export { EvEditor, restoreSavedEditor, type EvEditorOptions } from "./commands/eveditor/editor.ts";
export { escapeMarkup, EDITOR_WIDTH } from "./commands/eveditor/editor-text.ts";
export { EvEditorCmdSet, CmdLineInput, CmdLineNoInput, CmdEditorGroup, runningEditor } from "./commands/eveditor/editor-cmdset.ts";
export {
  registerEditorFunction,
  type EditorCaller,
  type EditorHandle,
  type EditorFunction,
  type EditorLoadFunc,
  type EditorSaveFunc,
  type EditorQuitFunc,
  type EditorCodeFunc,
} from "./commands/eveditor/editor-hooks.ts";
export { parseEditorArgs, type EditorArgs } from "./commands/eveditor/editor-args.ts";
export { EDITOR_ACTIONS, runEditorAction } from "./commands/eveditor/editor-actions.ts";
export { startCharCreateMenu, CHARCREATE_MENU } from "./commands/default/charcreate-menu.ts";
export { createCharacterFor, characterNameProblem } from "./commands/default/character-creation.ts";
export { CmdHelp, CmdSetHelp } from "./commands/default/help.ts";
export { searchHelp, parseSubtopics, parseHelpFile, commandsMissingHelp, type HelpEntry } from "./commands/help/help-entries.ts";
export { allDbHelpEntries, findDbHelpEntry, saveDbHelpEntry, deleteDbHelpEntry, type DbHelpEntry } from "./commands/help/db-help-entries.ts";
export { registerCmdSet, type CmdSetClass } from "./commands/cmdset-registry.ts";
export { parseCommand, splitQuoted, type CommandMatch } from "./commands/command-parser.ts";
export { CMD_NOINPUT, CMD_NOMATCH, CMD_MULTIMATCH, MultiMatchCommand } from "./commands/system-commands.ts";
export { UnloggedinCmdSet, SessionCmdSet, AccountCmdSet, CharacterCmdSet } from "./commands/default/cmdsets.ts";
export { CmdLook, CmdSay, CmdGet, CmdDrop, CmdInventory } from "./commands/default/general.ts";
export { searchNearby, type NearbySearchOptions } from "./commands/default/nearby-search.ts";
export { CmdExit, ExitCmdSet, exitCmdSetFor, directionFallbackFor, DIRECTION_WORDS, EXIT_CMDSET_PRIORITY } from "./commands/exit-cmdset.ts";
export { pluralize, withArticle, numberToWords, numberedName, joinList } from "./utils/inflect.ts";
export { CmdQuit, CmdIC, CmdOOC, CmdCharCreate, CmdOOCLook, CmdCharDelete, CmdPassword } from "./commands/default/account.ts";
export { CmdWho, CmdSessions } from "./commands/default/account-sessions.ts";
export { CmdOption, CmdStyle } from "./commands/default/account-options.ts";
export { CmdColorTest } from "./commands/default/account-color.ts";
export { CLIENT_OPTION_SPECS, type ClientOptionSpec } from "./commands/default/client-option-specs.ts";
export { CmdUnconnectedEncoding, CmdUnconnectedScreenreader } from "./commands/default/unloggedin-client-options.ts";
export { styledTable, styleOption } from "./commands/styled-table.ts";
export { OptionHandler, type OptionInfo, type OptionType } from "./typeclasses/option-handler.ts";
export { getInput, hasPendingInput, type InputCallback, type GetInputOptions } from "./commands/input-prompt.ts";
export { CmdReload, CmdReset, CmdShutdown } from "./commands/default/system.ts";
export { CmdThrottles } from "./commands/default/throttles.ts";
export { CmdBoot, CmdBan, CmdUnban, CmdEmit, CmdPerm, CmdNewPassword, CmdWall, CmdForce } from "./commands/default/admin/index.ts";
export { CmdPy } from "./commands/default/py.ts";
export { CmdAccounts } from "./commands/default/accounts-list.ts";
export { CmdService } from "./commands/default/service.ts";
export { CmdAbout, CmdTime, CmdServerLoad } from "./commands/default/server-info.ts";
export { CmdRSS2Chan } from "./commands/default/comms/rss2chan.ts";
export { FeedEntryFormatter, setFeedEntryFormatter, type FeedEntry, type EntryFields } from "./comms/feeds/feed-entries.ts";
// building: creating and moving things in the world
export { CmdCreate } from "./commands/default/building/create.ts";
export { CmdDig, CmdTunnel, digRoom, tunnelDirection, TUNNEL_DIRECTIONS, type DigPlan, type TunnelDirection } from "./commands/default/building/dig.ts";
export { CmdOpen, CmdLink, CmdUnlink } from "./commands/default/building/exits.ts";
export { CmdDestroy } from "./commands/default/building/destroy.ts";
export { CmdCopy, copyObject, type CopyObjectOptions, type CopyResult } from "./commands/default/building/copy.ts";
export { CmdSetHome } from "./commands/default/building/sethome.ts";
export { CmdTeleport } from "./commands/default/building/teleport.ts";
export { CmdName, CmdDesc } from "./commands/default/building/name-desc.ts";
export { ObjManipCommand } from "./commands/default/building/obj-manip-command.ts";
export {
  parseObjectSpec,
  parseObjectSpecs,
  parseObjectAttrSpec,
  resolveObjectTypeclass,
  type ObjectSpec,
  type ObjectAttrSpec,
  type BuildKind,
  type ResolvedTypeclass,
  type TypeclassLookup,
} from "./commands/default/building/object-spec.ts";
export { mayBuild, type BuildAccessType } from "./commands/default/building/access.ts";
export {
  CmdUnconnectedConnect,
  CmdUnconnectedCreate,
  CmdUnconnectedHelp,
  CmdUnconnectedInfo,
  CmdUnconnectedLook,
  CmdUnconnectedQuit,
} from "./commands/default/unloggedin.ts";

export { parseLockString, parseLockDefinition, type LockDefinition, type LockNode } from "./locks/lock-string.ts";
export { registerLockFunc, unregisterLockFunc, findLockFunc, lockFuncNames, type LockFunc, type LockCallContext } from "./locks/lock-func-registry.ts";
export { LockHandler, checkLock, checkLockString, bypassesLocks, type LockCheckOptions, type LockContext } from "./locks/lock-handler.ts";
export { BUILTIN_LOCK_FUNCS, isQuelled } from "./locks/lock-funcs.ts";
export { hasPermission, PERMISSION_HIERARCHY } from "./locks/permissions.ts";

export { registerInputFunc, type InputFunc } from "./server/inputfuncs.ts";
export type { ServerSession } from "./server/server-session.ts";
export { runInUnitOfWork, runInNewUnitOfWork, currentUnitOfWork, flushImplicitWrites, UnitOfWork } from "./db/unit-of-work.ts";
export { registerGameSchema, type GameSchema } from "./db/game-schema.ts";
export { unregisterInputFunc } from "./server/inputfuncs.ts";
export {
  registerReportableVariable,
  unregisterReportableVariable,
  type ReportableVariableSpec,
  type ReportableAttribute,
} from "./server/oob/reportable-variables.ts";
export { notifyReportableChanged, reportedVariableNames } from "./server/oob/report-tracker.ts";
export { registerMonitorable, unregisterMonitorable, monitorableNames, monitoredBy, type MonitorableSpec } from "./server/oob/monitors.ts";
export { registerRepeatable, unregisterRepeatable, repeatableNames, repeatsOf, type RepeatableFunc } from "./server/oob/repeats.ts";
export { webclientOptionsOf, WEBCLIENT_OPTIONS_ATTRIBUTE } from "./server/oob/webclient-options.ts";
export { enableGmcpLogin } from "./server/oob/char-login.ts";
export { clientSupportsGmcp } from "./server/oob/core-supports.ts";
export { registerGmcpName } from "./protocol/oob-names.ts";
export { CmdMemory } from "./commands/default/memory.ts";
export { CmdQuell } from "./commands/default/quell.ts";
export { CmdSetAttribute, CmdWipe } from "./commands/default/building/set-wipe.ts";
export { CmdExamine } from "./commands/default/building/examine.ts";
export { ExamineFormatter } from "./commands/default/building/examine-format.ts";
export { CmdFind } from "./commands/default/building/find.ts";
export { CmdTag } from "./commands/default/building/tag.ts";
export { CmdLock } from "./commands/default/building/lock.ts";
export { CmdTypeclass } from "./commands/default/building/typeclass.ts";
export { CmdSetObjAlias } from "./commands/default/building/alias.ts";
export { CmdCpAttr, CmdMvAttr } from "./commands/default/building/attr-copy.ts";
export { CmdListCmdSets, CmdObjects } from "./commands/default/building/cmdsets-objects.ts";

export { stripMarkup, visibleLength, padMarkup, cropMarkup, textWidth, type Align } from "./utils/text/markup.ts";
export { crop, pad, wrap, justify, listToString, timeFormat, dedent, formatGrid } from "./utils/text/format.ts";
export { stringSimilarity, stringSuggestions } from "./utils/text/suggestions.ts";
export { EvTable, type EvTableOptions, type EvTableBorder, type ColumnOptions } from "./utils/text/evtable.ts";
export { parseLiteral, tryParseLiteral, formatLiteral, displayLiteral, LiteralSyntaxError, type LiteralValue, type LiteralOptions } from "./utils/literal-parse.ts";
// prototypes and the spawner; batch building
export * from "./prototypes/prototype.ts";
export {
  registerPrototypes,
  searchPrototypes,
  getPrototype,
  savePrototype,
  deletePrototype,
  prototypeAccess,
  type FoundPrototype,
} from "./prototypes/prototype-library.ts";
export {
  spawn,
  spawnPrototypes,
  validatePrototype,
  flattenPrototype,
  batchUpdateObjectsWithPrototype,
  prototypeFromObject,
  type SpawnOptions,
  type UpdateOptions,
} from "./prototypes/spawner.ts";
export { CmdSpawn } from "./commands/default/building/spawn.ts";
export { CmdBatchCommands, CmdBatchCode, BatchInteractiveCmdSet, BatchSafeCmdSet } from "./commands/default/batch/batchprocess.ts";
export { parseBatchCommands, parseBatchCode } from "./commands/default/batch/batch-files.ts";

export { delay, taskHandler, TaskHandler, DelayedTask, type DelayOptions } from "./timers/task-handler.ts";
export { tickerHandler, TickerHandler, type TickerOptions, type TickerInfo } from "./timers/ticker-handler.ts";
export { onDemandHandler, OnDemandHandler, OnDemandTask, type OnDemandKey, type OnDemandOptions } from "./timers/on-demand-handler.ts";
export { gametime, GameTime, ScheduledEvent, type GameTimeSettings, type ScheduleOptions } from "./timers/gametime.ts";
export { GregorianCalendar, CustomCalendar, calendarFromSetting, type GameCalendar, type GameMoment } from "./timers/calendar.ts";
export { systemClock, type TimerClock, type TimerHandle } from "./timers/timer-clock.ts";
export { timerContext, type TimerContext } from "./timers/timer-context.ts";
export { startTimerServices, stopTimerServices, type TimerServicesOptions } from "./timers/timer-services.ts";
export type { TimerCallback, ObjectMethod } from "./timers/timer-callback.ts";

// the web app (docs/web.md): what a game's web/urls.ts exports and the context its routes get
export type { GameWebModule, WebContext, WebServices, WebThrottles, CurrentAccount, WebSessionRow, ServerStatusFigures } from "./web/web-context.ts";
export type { AccountView } from "./web/web-app.ts";
