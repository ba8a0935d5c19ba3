/**
 * The text a new connection sees. A game replaces it by exporting a default
 * string (or a function returning one) from `server/conf/connection-screen.ts`.
 */

/** The default connection screen. */
export function defaultConnectionScreen(serverName: string): string {
  const rule = "|b" + "=".repeat(62) + "|n";
  return [
    rule,
    ` Welcome to |g${serverName}|n, powered by evennia-ts!`,
    "",
    " If you have an existing account, connect to it by typing:",
    "      |wconnect <username> <password>|n",
    " If you need to create an account, type (without the <>'s):",
    "      |wcreate <username> <password>|n",
    "",
    " If you have spaces in your username, enclose it in quotes.",
    " Enter |whelp|n for more info. |wlook|n will re-show this screen.",
    rule,
  ].join("\n");
}
