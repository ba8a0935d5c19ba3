/**
 * Menus and editors are resumed where players left them: after a reload, each
 * restored session's puppet and account get back a persistent EvMenu (its last
 * node shown again) or EvEditor (its buffer shown again); at login, an account
 * with no character is offered the character-creation menu when the setting
 * `charcreateMenu` is on, else anything it left open is resumed.
 */
import { runningEditor } from "../commands/eveditor/editor-cmdset.ts";
import { restoreSavedEditor } from "../commands/eveditor/editor.ts";
import { EvMenu, restoreSavedMenu } from "../commands/evmenu/evmenu.ts";
import { runningMenu } from "../commands/evmenu/menu-cmdset.ts";
import { startCharCreateMenu } from "../commands/default/charcreate-menu.ts";
import type { Settings } from "../conf/settings.ts";
import type { DefaultAccount } from "../typeclasses/accounts.ts";
import type { DefaultObject } from "../typeclasses/objects.ts";
import type { ServerSession } from "./server-session.ts";

/**
 * Bring back the persistent menus and editors of the session's puppet and
 * account (in a unit of work). A menu or editor still in memory (its player left
 * and came back) is shown again on this session.
 */
export async function resumeInteractive(session: ServerSession): Promise<void> {
  const callers: (DefaultObject | DefaultAccount)[] = [];
  if (session.puppet) callers.push(session.puppet);
  if (session.account) callers.push(session.account);
  for (const caller of callers) {
    const menu = runningMenu(caller);
    if (menu instanceof EvMenu) {
      menu.session = session;
      menu.displayNodetext();
    } else if (!menu && caller.attributes.has("_menutree_saved")) await restoreSavedMenu(caller, session);
    const editor = runningEditor(caller);
    if (editor) {
      editor.session = session;
      editor.displayBuffer();
    } else if (caller.attributes.has("_eveditor_saved")) await restoreSavedEditor(caller, session, true);
  }
}

/** After `session` logged in (in the login's unit of work). */
export async function afterLogin(session: ServerSession, settings: Pick<Settings, "charcreateMenu">): Promise<void> {
  const account = session.account;
  if (!account) return;
  if (settings.charcreateMenu && account.characters.length === 0 && !session.puppet && !runningMenu(account) && !account.attributes.has("_menutree_saved")) {
    if (!account.checkAvailableSlots()) await startCharCreateMenu(account, session);
    return;
  }
  await resumeInteractive(session);
}
