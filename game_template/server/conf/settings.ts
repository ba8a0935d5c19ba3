/**
 * Your game's settings. Anything you leave out keeps its default
 * (see evennia-ts/conf/default-settings.ts for every setting and what it does).
 */
import type { GameSettings } from "evennia-ts";

export default {
  serverName: "My evennia-ts game",
  // telnetPorts: [4000],
  // webPort: 4001,
  // databaseUrl: "sqlite:server/evennia.db3",   // or "postgres://user:password@host/db"
} satisfies GameSettings;
