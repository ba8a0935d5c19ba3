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
  // Channels made at the first start: Public (everyone joins) and MudInfo (admins; connections, feed news).
  // defaultChannels: [{ key: "Public", aliases: ["pub"], desc: "Public discussion", locks: "control:perm(Admin);listen:all();send:all()" }],
  // Feeds posted to a channel (or in the game: rss2chan public = <url>). See docs/feeds.md.
  // feeds: [{ channel: "Public", url: "https://github.com/evennia/evennia/releases.atom" }],
} satisfies GameSettings;
