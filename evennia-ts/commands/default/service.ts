/**
 * `service` (Developer): list the running server's services, and stop or start
 * those it makes sense to (the heap watcher, the control channel). Essential ones
 * (the portal link, the database, the command handler) are never stopped.
 */
import { EvTable } from "../../utils/text/evtable.ts";
import { MuxCommand } from "../mux-command.ts";

/** `service[/list|/start|/stop] [service]`. */
export class CmdService extends MuxCommand {
  override key = "service";
  override aliases = ["services"];
  override switchOptions = ["list", "start", "stop"];
  override locks = "cmd:perm(service) or perm(Developer)";
  override helpCategory = "system";
  override help = `List, start and stop the server's services.

Usage:
  service[/switch] [service]

Switches:
  list  - list the services and whether they run (the default)
  start - start a stopped service
  stop  - stop a running service

The name must be given exactly as the list shows it (it is case-sensitive).
Essential services cannot be stopped, and some services are only listed: their
settings decide whether they run (change them and reload).

Examples:
  service
  service/stop HeapWatcher
  service/start HeapWatcher`;

  override async func(): Promise<void> {
    const server = this.services.server;
    const action = this.switches.find((s) => s === "start" || s === "stop") as "start" | "stop" | undefined;
    if (!action) {
      if (this.args.trim()) {
        this.msg("Usage: service/<list|start|stop> [servicename]");
        return;
      }
      const table = new EvTable(["|wService|n (use services/start||stop)", "|wstatus", "|wwhat it does"], { maxwidth: this.clientWidth() });
      for (const service of server.listServices()) {
        const note = service.essential ? " (essential)" : service.controllable ? "" : " (settings only)";
        table.addRow(`${service.name}${note}`, service.running ? "|gRunning" : "|rNot Running", service.description);
      }
      this.msg(table.toString());
      return;
    }
    const name = this.args.trim();
    if (!name) {
      this.msg(`Usage: service/${action} <servicename> (see service/list)`);
      return;
    }
    this.msg(await server.controlService(name, action));
  }
}
