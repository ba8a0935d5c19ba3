/**
 * Default settings. A game overrides any of them in `server/conf/settings.ts`
 * (`export default { serverName: "My MUD", telnetPorts: [4000] } satisfies GameSettings`).
 * Ports set to 0 pick a free port (tests do this).
 */
/** A channel the server makes if missing (`defaultChannels`, `channelMudInfo`). */
export interface ChannelSpec {
  key: string;
  aliases?: string[];
  desc?: string;
  /** Lock string (`listen`, `send`, `control`, `admin`). */
  locks?: string;
  /** Typeclass path (default: `baseChannelTypeclass`). */
  typeclass?: string;
  /** Subscribe new accounts (default true for `defaultChannels`). */
  autoJoin?: boolean;
}

export interface Settings {
  /** The game's name, shown on the connection screen and in MSSP. */
  serverName: string;
  /** The game folder (absolute); filled in by the loader. */
  gameDir: string;

  /** Telnet ports the portal listens on (Evennia: TELNET_PORTS). */
  telnetPorts: number[];
  /** Interface telnet (and TLS telnet) bind to. */
  telnetInterface: string;
  /** Offer MXP (MUD eXtension Protocol) to telnet clients; off by default, as most games do not use it. */
  telnetMxp: boolean;
  /** Seconds between telnet IAC NOP keep-alives on idle connections (0 = none). */
  telnetKeepAlive: number;
  /** Telnet-over-TLS ports (empty disables TLS telnet). */
  sslPorts: number[];
  /** PEM certificate file for TLS telnet (relative to the game folder). */
  sslCertificate: string;
  /** PEM private key file for TLS telnet (relative to the game folder). */
  sslKey: string;

  /** Port of the portal's web front (webclient, websocket, comet, proxied website). */
  webPort: number;
  /** Interface the portal's web front binds to. */
  webInterface: string;
  /** Port of the server's internal web app (loopback; 0 picks a free one and tells the portal). */
  serverWebPort: number;
  /**
   * Name of the website's session cookie. The portal passes its value on with each
   * webclient connection, so a logged-in website user is logged into the webclient.
   */
  webSessionCookie: string;
  /**
   * Mark the website's session cookie `Secure` (sent over HTTPS only). Turn it on when
   * players reach the website through HTTPS (a TLS-terminating proxy in front of the
   * portal); with plain HTTP a Secure cookie is never sent back and nobody stays logged in.
   */
  webSecureCookies: boolean;
  /** Seconds a website login lasts without a visit (the session cookie's max age; each visit renews it). */
  webSessionMaxAge: number;
  /** Largest request body (form or JSON) the server's web app accepts, in bytes (413 above). */
  webMaxBodyBytes: number;

  /** Port of the portal ⇄ server link. */
  linkPort: number;
  /** Interface the link binds to; loopback unless several hosts share one server. */
  linkInterface: string;
  /**
   * Also offer the link on a local socket (a Unix socket in the temporary folder, a named
   * pipe on Windows), which the server the portal starts uses: the same messages and
   * token, less kernel work per message than loopback TCP. False: the link port only.
   */
  linkLocalSocket: boolean;
  /** Shared secret the server presents on the link; required when the link is not on loopback. */
  linkToken: string;
  /** Largest link frame accepted, in bytes; a larger one closes the link. */
  linkMaxFrameBytes: number;
  /**
   * Bytes allowed to wait on the link for the other process to read them; past this the
   * other side is taken as stuck: logged and disconnected (the portal then restarts the server).
   */
  linkMaxBufferedBytes: number;

  /** Database URL: `sqlite:server/evennia.db3` (relative to the game folder) or `postgres://...`. */
  databaseUrl: string;
  /**
   * SQLite: commits after which a worker thread copies the WAL back into the database
   * file (a checkpoint), off the game loop; 0 leaves checkpoints to SQLite, which runs
   * them inside a commit, on the game loop (7–25 ms each on a virtual disk).
   */
  walCheckpointCommits: number;

  /** Lines typed while the server is away are held, up to this many per session. */
  heldInputLimit: number;
  /** Longest input line accepted, in characters; longer lines are cut with a notice. */
  maxLineLength: number;
  /**
   * Seconds a connection may take to log in before it is closed with a message
   * (0 = never). The clock restarts when a session is logged out without
   * disconnecting (a reset).
   */
  loginTimeout: number;
  /**
   * Seconds without input before a connection is closed with a message (0 = never).
   * Applies to every session, logged in or not; any input counts (a command or an
   * out-of-band message such as GMCP `Core.Ping`), telnet NOPs do not.
   */
  idleTimeout: number;
  /** Bytes of unsent output a session may queue before it is dropped (a client that does not read). */
  maxOutputBuffer: number;
  /**
   * Milliseconds a connection's broadcast output (what reaches many sessions at once: a
   * room's `say`, a channel message) may wait after a write to that connection, to leave
   * in one write with whatever follows (0: it leaves at the end of the event-loop turn,
   * like everything else). Replies to a session's own commands never wait. Writes are
   * most of the portal's work in a crowded room and on a busy channel: with 1,000 players
   * on one channel, 50 ms took the portal from 60% to 41% of a core, and 100 ms took
   * another 7-8 points off it with the median answer 5 times shorter on a full core
   * (docs/perf.md). Old MUD servers flushed output every 100-250 ms. A connection that
   * was quiet for that long gets broadcast output at once.
   */
  broadcastBatchMs: number;
  /** Commands (lines of text) a session may send per second, sustained; excess is refused with a notice (0 = unlimited). */
  commandRatePerSecond: number;
  /** Burst of commands allowed above the sustained rate. */
  commandBurst: number;
  /** Out-of-band messages (GMCP, MSDP, webclient OOB) a session may send per second; excess is dropped (0 = unlimited). */
  oobRatePerSecond: number;
  /** Burst of out-of-band messages allowed (clients send a handful at connect: hello, supports, reports). */
  oobBurst: number;
  /** New connections accepted per IP in any sliding minute; more are refused with a one-line reason (0 = unlimited). */
  connectionsPerIpPerMinute: number;
  /** Simultaneous connections per IP; more are refused with a one-line reason (0 = unlimited). */
  maxConnectionsPerIp: number;
  /**
   * Client addresses exempt from the two per-IP connection limits (exact match,
   * e.g. `["127.0.0.1", "::1"]`). Empty by default: loopback is limited too.
   * List a trusted proxy or a load-test host here.
   */
  connectionLimitExemptIps: string[];
  /**
   * Most connections open at once on the portal, all ports and protocols together
   * (plain HTTP included). `"auto"`: the process's open-file limit less a reserve
   * for the link, log files and the database. Past it, a new connection gets a
   * one-line (or HTTP 503) refusal, and an error is logged at most once a minute.
   */
  maxConnections: number | "auto";
  /** Telnet replies the portal sends unasked-for per connection per second (AYT, refusals, ...); excess is not answered (0 = unlimited). */
  replyRatePerSecond: number;
  /** Burst of such replies allowed. Websocket error frames draw from the same budget. */
  replyBurst: number;
  /** Telnet option state changes (DO/DONT, WILL/WONT, MCCP3 starts) a client may cause per second, sustained (0 = unlimited). */
  telnetOptionChangeRate: number;
  /** Burst of option changes allowed; a client past it is disconnected and logged. */
  telnetOptionChangeBurst: number;
  /** Seconds an idle HTTP keep-alive connection on the web port stays open. */
  webKeepAliveTimeout: number;
  /** Seconds a client has to finish sending a request's headers on the web port (408 after). */
  webHeadersTimeout: number;
  /** Largest request header block on the web port, in bytes (431 above). */
  webMaxHeaderBytes: number;
  /**
   * Seconds the portal waits on the server's web app (connect, response headers, or
   * silence mid-response) for a proxied request before it answers 504 itself.
   */
  webProxyTimeout: number;
  /** Seconds a comet (`/webclientdata`) long poll stays open without output before it answers empty. */
  cometPollSeconds: number;
  /** Seconds a comet session lives without any request from its browser; then it is closed. */
  cometSessionTimeout: number;
  /**
   * Seconds between the portal's heartbeat pings to each websocket (0 = none). A
   * websocket that sent nothing between two pings (not even the pong a browser sends
   * by itself) is dropped as gone, giving its session and its place back.
   */
  websocketPingInterval: number;
  /**
   * Webclient options an account starts with (Evennia's `WEBCLIENT_OPTIONS`): what the
   * `webclient_options` inputfunc sends before the player saved any of their own.
   */
  webclientOptions: Record<string, unknown>;
  /** Serve the REST API under `/api` (see docs/web.md#rest-api); false answers every API path with 404. */
  restApiEnabled: boolean;
  /** Items per page of an API list when the request gives no `limit`. */
  restApiPageSize: number;
  /** Largest `limit` an API list accepts (larger ones are cut to it). */
  restApiMaxPageSize: number;
  /** Commands one server session may have waiting; more are answered with a notice and dropped. */
  commandQueueLimit: number;
  /** Accounts that may be created from one IP within {@link Settings.accountCreationWindow} (0 = unlimited). */
  accountCreationsPerIp: number;
  /** Window of the account-creation throttle, in seconds. */
  accountCreationWindow: number;
  /** Failed logins allowed per IP within {@link Settings.loginThrottleWindow}; more from that IP are refused until the window passes. */
  loginAttemptsPerIp: number;
  /**
   * Failed logins for one account from one IP within the window; more for that account
   * from that IP are refused until the window passes (other addresses are not affected).
   */
  loginAttemptsPerAccount: number;
  /** Window of the login throttle, in seconds. */
  loginThrottleWindow: number;
  /**
   * Failed logins for one account from all addresses together, within the window, after
   * which every attempt for it is delayed (growing, see {@link Settings.loginDelayMax}).
   * The right password is never refused for this: it only waits.
   */
  loginAccountDelayAfter: number;
  /** Longest delay, in seconds, before a login attempt for a much-attacked account is answered. */
  loginDelayMax: number;

  /**
   * Seconds the portal waits before restarting a crashed server the first time (doubles
   * with each crash in a row; the count starts again once a restarted server has synced).
   */
  serverRestartBackoff: number;
  /** Upper bound of the restart back-off, in seconds. */
  serverRestartBackoffMax: number;

  /** Minimum password length for new accounts. */
  passwordMinLength: number;
  /**
   * scrypt's cost (N, a power of two from 1024 to 1048576) for new password hashes:
   * each doubling doubles the time and memory a guess costs an attacker, and a login
   * costs the server. A hash keeps the cost it was made with, so raising it later
   * applies to passwords set from then on. The test fixtures use 1024 (fast), as
   * Evennia's tests use a fast hasher.
   */
  passwordHashCost: number;
  /** Let visitors create accounts (in game with `create`, on the website's register page). */
  newAccountRegistrationEnabled: boolean;

  /**
   * How accounts, sessions and characters relate (Evennia's MULTISESSION_MODE):
   * - 0: one session per account; logging in again disconnects the older session;
   *   the account plays one character at a time.
   * - 1: many sessions per account, all of them playing the same character and
   *   seeing the same output.
   * - 2: many sessions per account, each playing its own character; puppeting a
   *   character another session of the account plays takes it over.
   * - 3: like 2, but sessions may share a character (and its output).
   */
  multisessionMode: 0 | 1 | 2 | 3;
  /** Characters an account may own (`charcreate`); null for no limit. Superusers and Developers are not limited. */
  maxNrCharacters: number | null;
  /** Different characters an account may puppet at once (only matters in modes 2 and 3); null for no limit. */
  maxNrSimultaneousPuppets: number | null;
  /** Create a character named as the account when an account is created (a classic MUD login). */
  autoCreateCharacterWithAccount: boolean;
  /** Puppet the character played last when logging in; off, the player lands out of character (`ic <name>`). */
  autoPuppetOnLogin: boolean;
  /** Permission new accounts get. */
  permissionAccountDefault: string;
  /**
   * The display style options each account may set with `style` (Evennia's
   * `OPTIONS_ACCOUNT_DEFAULT`): name → [description, type (`Color`, `Text`, `Timezone`), default].
   */
  optionsAccountDefault: Record<string, [description: string, type: "Color" | "Text" | "Timezone", defaultValue: string]>;

  /** Allow `connect guest`: a throw-away account and character, deleted when the guest logs out. */
  guestEnabled: boolean;
  /** Names of guest accounts; its length is how many guests may be on at once. */
  guestList: string[];
  /** Typeclass path of guest accounts. */
  baseGuestTypeclass: string;
  /** Permission guests get. */
  permissionGuestDefault: string;
  /**
   * Permissions (with those above them in the hierarchy) whose holders' channel
   * messages keep line breaks, tabs and HTML tags; everyone else's are stripped of
   * them, so that nobody fakes a second line from someone else (Evennia's
   * `INPUT_CLEANUP_BYPASS_PERMISSIONS`).
   */
  inputCleanupBypassPermissions: string[];
  /** Home of guest characters as `#dbref` (empty: the default home). */
  guestHome: string;
  /** Where guest characters start, as `#dbref` (empty: the start location). */
  guestStartLocation: string;
  /** Typeclass path of new accounts' characters. */
  baseCharacterTypeclass: string;
  /** Typeclass path of new rooms. */
  baseRoomTypeclass: string;
  /** Typeclass path of new exits. */
  baseExitTypeclass: string;
  /** Typeclass path of new objects. */
  baseObjectTypeclass: string;
  /** Typeclass path of accounts. */
  baseAccountTypeclass: string;
  /** Typeclass path of scripts. */
  baseScriptTypeclass: string;
  /** Typeclass path of channels. */
  baseChannelTypeclass: string;
  /**
   * Channels made at the first start (and at any later start where one is missing),
   * as Evennia's `DEFAULT_CHANNELS`. New accounts subscribe to each whose
   * `autoJoin` is not false (and whose `listen` lock lets them).
   */
  defaultChannels: ChannelSpec[];
  /**
   * The admins' channel (Evennia's `CHANNEL_MUDINFO`) that hears connects,
   * disconnects, reloads, errors and feed news; null for none. The first account
   * (the superuser) subscribes to it.
   */
  channelMudInfo: ChannelSpec | null;
  /**
   * Build the demo world (six rooms, exits, things to pick up, a locked door, a
   * Builders-only room) at the first start, next to Limbo. `npm start` turns it on
   * for the package's demo game.
   */
  demoWorld: boolean;
  /**
   * `charcreate` without a name (and a first login without any character) opens
   * a small menu: name, short description, confirm. The demo game turns it on.
   */
  charcreateMenu: boolean;

  /** Cmdset of sessions that are not logged in. */
  cmdsetUnloggedin: string;
  /** Cmdset of logged-in accounts. */
  cmdsetAccount: string;
  /** Cmdset of puppeted characters. */
  cmdsetCharacter: string;
  /** Cmdset of every logged-in session (Evennia's `CMDSET_SESSION`). */
  cmdsetSession: string;
  /** Characters ignored at the start of a command name (`@reload` is `reload`); "" turns it off. */
  cmdIgnorePrefixes: string;
  /** Merged cmdsets remembered for unchanged situations (0 turns the cache off). */
  cmdsetMergeCacheSize: number;
  /** Longest line a player may enter, in characters (Evennia's `MAX_CHAR_LIMIT`); 0 = no limit. */
  maxCharLimit: number;

  /** Strong references the identity map keeps warm (LRU). */
  identityMapLruSize: number;
  /** Heap used (MB) above which the identity map flushes by itself (0 = never). */
  identityMapFlushHeapMb: number;
  /**
   * Objects one load brings in by following attribute references; references beyond it load
   * in the background and on access (see docs/architecture.md, "Store and identity map").
   */
  loadClosureLimit: number;

  /** Extra game modules (relative to the game folder) the server imports at start. */
  gameModules: string[];
  /**
   * Modules (relative to the game folder) whose exported functions become lock
   * functions under their export names (Evennia: LOCK_FUNC_MODULES).
   */
  lockFuncModules: string[];
  /**
   * What joins a name and a number to pick one of several matches: `sword-2`
   * (Evennia's form) and `2-sword` both pick the second sword; multi-match lists
   * show `sword-1`, `sword-2`. Evennia: SEARCH_MULTIMATCH_REGEX.
   */
  searchMultimatchSeparator: string;

  /** Seconds between heap checks for {@link Settings.identityMapFlushHeapMb} (fractions allowed). */
  identityMapFlushCheckInterval: number;
  /**
   * Whether the server listens on its local control socket (`server/logs/server.sock`,
   * owner-only) that `evennia-ts memory` and `evennia-ts heapdump` talk to.
   */
  controlSocket: boolean;
  /**
   * Allow the in-game `py` command, which runs JavaScript/TypeScript code in the
   * server with full access to it (Developers only, even then). Off by default:
   * turn it on only on a development server, never on a public game.
   */
  pyCommandEnabled: boolean;
  /**
   * Modules (relative to the game folder) whose exported objects are prototypes for
   * the spawner (Evennia: PROTOTYPE_MODULES); a missing file is skipped.
   */
  prototypeModules: string[];
  /**
   * Folders (relative to the game folder) `batchcommand` and `batchcode` read their
   * files from (Evennia: BASE_BATCHPROCESS_PATHS): `batchcommand build` reads
   * `world/build.ev`. A path cannot leave these folders.
   */
  batchProcessPaths: string[];
  /**
   * Allow `batchcode`, which runs TypeScript files from the game folder inside the
   * server (Developers only, even then). Off by default, like `pyCommandEnabled`.
   */
  batchCodeEnabled: boolean;

  /** Run the feed bot (`rss2chan`; Evennia: RSS_ENABLED). Off, the command is locked and no feed is fetched. */
  feedsEnabled: boolean;
  /** Seconds between checks of a feed (Evennia: RSS_UPDATE_INTERVAL); each check is moved by up to a tenth of it at random. */
  feedPollInterval: number;
  /** Seconds one feed request may take, body included; a slower one is cut off and counts as a strike. */
  feedRequestTimeout: number;
  /** Largest feed body read, in bytes (after decompression); a larger one is cut off and counts as a strike. */
  feedMaxBytes: number;
  /** Feed requests in flight at once, over all feeds. */
  feedMaxConcurrentFetches: number;

  /** How much faster game time runs than real time (Evennia: TIME_FACTOR); 2 = two game seconds a real second. */
  timeFactor: number;
  /**
   * The game time (seconds, on the calendar of {@link Settings.timeCalendar}) the game's clock starts
   * from (Evennia: TIME_GAME_EPOCH); null = the real time of the game's first start.
   */
  timeGameEpoch: number | null;
  /** Let game time run on while the server is down (Evennia: TIME_IGNORE_DOWNTIMES). */
  timeIgnoreDowntimes: boolean;
  /**
   * A custom calendar (Evennia's custom_gametime TIME_UNITS): each unit's length in game seconds,
   * smallest first, and optional names for its values (`names.month`: the months in order).
   * null = the real-world (Gregorian, UTC) calendar.
   */
  timeCalendar: { units: Record<string, number>; names?: Record<string, string[]> } | null;
  /**
   * The line posted for each feed entry; `{feed}`, `{title}`, `{link}`, `{summary}` and
   * `{published}` are replaced with the entry's sanitised text. See docs/feeds.md.
   */
  feedEntryTemplate: string;
  /** The game's web address (or any contact URL), named in the feed bot's User-Agent; "" for none. */
  feedContactUrl: string;
  /**
   * Feeds attached at every start when missing (each also attachable in the game
   * with `rss2chan <channel> = <url>`). A feed removed with `rss2chan/delete` comes
   * back at the next start while it is listed here: remove it here too.
   */
  feeds: { channel: string; url: string }[];

  /** Worker threads for `runAsync` background tasks (docs/background-work.md). */
  workerPoolSize: number;
  /** Seconds a worker thread may sit idle before it is stopped (each holds 10+ MiB; the next task starts one again). 0: keep them. */
  workerIdleTimeout: number;
  /**
   * Options for node when the portal starts the server process (default none: node's
   * own). `["--max-semi-space-size=2"]` caps V8's young generation: it saved 30 MiB of an
   * idle server's memory when the server loaded its modules through tsx, nothing now
   * that it runs compiled code, and costs a fifth of the crowded room's throughput under
   * load (docs/perf.md, "The young generation under load").
   */
  serverNodeArgs: string[];
  /** Time limit of a `runAsync` task in seconds, after which its worker is stopped (0: none). */
  backgroundTaskTimeout: number;
  /** Log when the event loop is blocked longer than this many ms, naming the command (0: off; docs/background-work.md). */
  stallWarningMs: number;
  /**
   * Scripts that exist exactly once, without an object (Evennia: GLOBAL_SCRIPTS):
   * key → how to make it. Created and started at boot if missing; see docs/scripts.md.
   */
  globalScripts: Record<string, GlobalScriptSpec>;
}

/** One entry of {@link Settings.globalScripts}. */
export interface GlobalScriptSpec {
  /** Registered script typeclass path (default: the base DefaultScript). */
  typeclass?: string;
  /** Seconds between `atRepeat` calls (0: no timer). */
  interval?: number;
  /** How many times to repeat before stopping (0: forever). */
  repeats?: number;
  /** Wait one interval before the first `atRepeat` (default true). */
  startDelay?: boolean;
  /** Survive reloads and restarts (default true). */
  persistent?: boolean;
  /** Description shown by the `scripts` command. */
  desc?: string;
}

/** The defaults, as Evennia's where Evennia has one. */
export const defaultSettings: Settings = {
  serverName: "Evennia-TS",
  gameDir: process.cwd(),
  telnetPorts: [4000],
  telnetInterface: "0.0.0.0",
  telnetMxp: false,
  telnetKeepAlive: 0,
  sslPorts: [],
  sslCertificate: "server/ssl.cert",
  sslKey: "server/ssl.key",
  webPort: 4001,
  webInterface: "0.0.0.0",
  serverWebPort: 4005,
  webSessionCookie: "evennia_ts.sid",
  webSecureCookies: false,
  webSessionMaxAge: 14 * 24 * 3600,
  webMaxBodyBytes: 1024 * 1024,
  linkPort: 4006,
  linkInterface: "127.0.0.1",
  linkLocalSocket: true,
  linkToken: "",
  linkMaxFrameBytes: 16 * 1024 * 1024,
  linkMaxBufferedBytes: 64 * 1024 * 1024,
  databaseUrl: "sqlite:server/evennia.db3",
  walCheckpointCommits: 100,
  heldInputLimit: 50,
  maxLineLength: 8192,
  loginTimeout: 300,
  idleTimeout: 0,
  maxOutputBuffer: 4 * 1024 * 1024,
  broadcastBatchMs: 100,
  commandRatePerSecond: 10,
  commandBurst: 30,
  oobRatePerSecond: 20,
  oobBurst: 100,
  connectionsPerIpPerMinute: 30,
  maxConnectionsPerIp: 20,
  connectionLimitExemptIps: [],
  maxConnections: "auto",
  replyRatePerSecond: 10,
  replyBurst: 30,
  telnetOptionChangeRate: 1,
  telnetOptionChangeBurst: 50,
  webKeepAliveTimeout: 5,
  webHeadersTimeout: 10,
  webMaxHeaderBytes: 8192,
  webProxyTimeout: 30,
  cometPollSeconds: 25,
  cometSessionTimeout: 60,
  websocketPingInterval: 30,
  webclientOptions: { gagprompt: true, helppopup: false, notification_popup: false, notification_sound: false },
  restApiEnabled: true,
  restApiPageSize: 25,
  restApiMaxPageSize: 100,
  commandQueueLimit: 20,
  accountCreationsPerIp: 5,
  accountCreationWindow: 600,
  loginAttemptsPerIp: 15,
  loginAttemptsPerAccount: 5,
  loginThrottleWindow: 300,
  loginAccountDelayAfter: 10,
  loginDelayMax: 30,
  serverRestartBackoff: 1,
  serverRestartBackoffMax: 30,
  passwordMinLength: 6,
  passwordHashCost: 16384,
  newAccountRegistrationEnabled: true,
  multisessionMode: 0,
  maxNrCharacters: 1,
  maxNrSimultaneousPuppets: 1,
  autoCreateCharacterWithAccount: true,
  autoPuppetOnLogin: true,
  permissionAccountDefault: "Player",
  optionsAccountDefault: {
    border_color: ["Borders of tables, headers and footers.", "Color", "n"],
    header_star_color: ["The * marks in header lines.", "Color", "n"],
    header_text_color: ["Text of header lines.", "Color", "w"],
    header_fill: ["Character filling header lines.", "Text", "="],
    separator_star_color: ["The * marks in separator lines.", "Color", "n"],
    separator_text_color: ["Text of separator lines.", "Color", "w"],
    separator_fill: ["Character filling separator lines.", "Text", "-"],
    footer_star_color: ["The * marks in footer lines.", "Color", "n"],
    footer_text_color: ["Text of footer lines.", "Color", "n"],
    footer_fill: ["Character filling footer lines.", "Text", "="],
    column_names_color: ["Column names of tables.", "Color", "w"],
    timezone: ["Time zone dates are shown in.", "Timezone", "UTC"],
  },
  guestEnabled: false,
  guestList: Array.from({ length: 9 }, (_, i) => `Guest${i + 1}`),
  baseGuestTypeclass: "typeclasses.accounts.Guest",
  permissionGuestDefault: "Guests",
  inputCleanupBypassPermissions: ["Builder"],
  guestHome: "",
  guestStartLocation: "",
  baseCharacterTypeclass: "typeclasses.characters.Character",
  baseRoomTypeclass: "typeclasses.rooms.Room",
  baseExitTypeclass: "typeclasses.exits.Exit",
  baseObjectTypeclass: "typeclasses.objects.Object",
  baseAccountTypeclass: "typeclasses.accounts.Account",
  baseScriptTypeclass: "typeclasses.scripts.Script",
  baseChannelTypeclass: "typeclasses.channels.Channel",
  defaultChannels: [
    { key: "Public", aliases: ["pub"], desc: "Public discussion", locks: "control:perm(Admin);listen:all();send:all()" },
  ],
  channelMudInfo: { key: "MudInfo", aliases: [], desc: "Connection log", locks: "control:perm(Developer);listen:perm(Admin);send:false()", autoJoin: false },
  demoWorld: false,
  charcreateMenu: false,
  cmdsetUnloggedin: "commands.default_cmdsets.UnloggedinCmdSet",
  cmdsetAccount: "commands.default_cmdsets.AccountCmdSet",
  cmdsetCharacter: "commands.default_cmdsets.CharacterCmdSet",
  cmdsetSession: "commands.default_cmdsets.SessionCmdSet",
  cmdIgnorePrefixes: "@&/+",
  cmdsetMergeCacheSize: 1000,
  maxCharLimit: 6000,
  identityMapLruSize: 10_000,
  identityMapFlushHeapMb: 0,
  loadClosureLimit: 2000,
  gameModules: [],
  lockFuncModules: ["server/conf/lockfuncs.ts"],
  searchMultimatchSeparator: "-",
  identityMapFlushCheckInterval: 5,
  controlSocket: true,
  pyCommandEnabled: false,
  prototypeModules: ["world/prototypes.ts"],
  batchProcessPaths: ["world"],
  batchCodeEnabled: false,
  feedsEnabled: true,
  feedPollInterval: 600,
  feedRequestTimeout: 30,
  feedMaxBytes: 5 * 1024 * 1024,
  feedMaxConcurrentFetches: 4,
  timeFactor: 2,
  timeGameEpoch: null,
  timeIgnoreDowntimes: false,
  timeCalendar: null,
  feedEntryTemplate: "[RSS] {title}: {link}",
  feedContactUrl: "",
  feeds: [],
  globalScripts: {},
  workerPoolSize: 2,
  workerIdleTimeout: 60,
  serverNodeArgs: [],
  backgroundTaskTimeout: 0,
  stallWarningMs: 500,
};

/** What a game's settings file may set. */
export type GameSettings = Partial<Omit<Settings, "gameDir">>;
