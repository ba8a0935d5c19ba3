/**
 * The game's cmdsets. Add your commands to them; they replace the framework's
 * defaults because the settings name these paths.
 */
import {
  AccountCmdSet as BaseAccountCmdSet,
  CharacterCmdSet as BaseCharacterCmdSet,
  SessionCmdSet as BaseSessionCmdSet,
  UnloggedinCmdSet as BaseUnloggedinCmdSet,
  registerCmdSet,
} from "evennia-ts";

/** Commands of a puppeted character. */
export class CharacterCmdSet extends BaseCharacterCmdSet {
  override atCmdsetCreation(): void {
    super.atCmdsetCreation();
    // this.add(CmdMyCommand);
  }
}

/** Commands of a logged-in account. */
export class AccountCmdSet extends BaseAccountCmdSet {
  override atCmdsetCreation(): void {
    super.atCmdsetCreation();
  }
}

/** Commands of every logged-in session. */
export class SessionCmdSet extends BaseSessionCmdSet {
  override atCmdsetCreation(): void {
    super.atCmdsetCreation();
  }
}

/** Commands before login. */
export class UnloggedinCmdSet extends BaseUnloggedinCmdSet {
  override atCmdsetCreation(): void {
    super.atCmdsetCreation();
  }
}

registerCmdSet("commands.default_cmdsets.CharacterCmdSet", CharacterCmdSet);
registerCmdSet("commands.default_cmdsets.AccountCmdSet", AccountCmdSet);
registerCmdSet("commands.default_cmdsets.UnloggedinCmdSet", UnloggedinCmdSet);
registerCmdSet("commands.default_cmdsets.SessionCmdSet", SessionCmdSet);
