/**
 * Every launcher command, in the order usage lists them.
 */
import type { CliCommand } from "../command.ts";
import { certCommand } from "./cert.ts";
import { demoCommand } from "./demo.ts";
import { heapdumpCommand } from "./heapdump.ts";
import { initCommand } from "./init.ts";
import { loadtestCommand } from "./loadtest.ts";
import { memoryCommand } from "./memory.ts";
import { migrateCommand } from "./migrate.ts";
import { reloadCommand } from "./reload.ts";
import { resetCommand } from "./reset.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";
import { stopCommand } from "./stop.ts";

/** The registered commands. */
export const cliCommands: readonly CliCommand[] = [
  initCommand,
  startCommand,
  stopCommand,
  reloadCommand,
  resetCommand,
  statusCommand,
  migrateCommand,
  memoryCommand,
  heapdumpCommand,
  loadtestCommand,
  certCommand,
  demoCommand,
];
