/**
 * The first thing a new connection sees. Colour markup: |g green, |w white, |n normal.
 */
export default [
  "|b==============================================================|n",
  " Welcome to |gMy evennia-ts game|n!",
  "",
  " If you have an existing account, connect to it by typing:",
  "      |wconnect <username> <password>|n",
  " If you need to create an account, type (without the <>'s):",
  "      |wcreate <username> <password>|n",
  "",
  " If you have spaces in your username, enclose it in quotes.",
  " Enter |whelp|n for more info. |wlook|n will re-show this screen.",
  "|b==============================================================|n",
].join("\n");
