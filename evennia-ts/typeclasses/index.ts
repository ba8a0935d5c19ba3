/**
 * The typeclasses module: importing it registers every default typeclass.
 */
export * from "./registry.ts";
export * from "./typed-object.ts";
export * from "./attribute-handler.ts";
export * from "./attribute-monitor.ts";
export * from "./tag-handler.ts";
export * from "./nick-handler.ts";
export * from "./nick-template.ts";
export * from "./store.ts";
export * from "./store-context.ts";
export * from "./objects.ts";
export { canAccess } from "./object-access.ts";
export * from "./characters.ts";
export * from "./rooms.ts";
export * from "./exits.ts";
export * from "./accounts.ts";
export * from "./guests.ts";
export * from "./sessions.ts";
export * from "./scripts.ts";
export * from "./script-handler.ts";
export * from "./script-creation.ts";
export * from "./script-scheduler.ts";
export { scriptClockNow, activeScriptScheduler } from "./script-scheduler-context.ts";
export * from "./global-scripts.ts";
export * from "./channels.ts";
export * from "./channel-subscriptions.ts";
export * from "./channel-search.ts";
export * from "./default-channels.ts";
export * from "./messages.ts";
export * from "./pages.ts";
export * from "./create.ts";
export * from "./search.ts";
export * from "./object-search.ts";
export * from "./signals.ts";
