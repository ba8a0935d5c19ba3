/**
 * The server's services as the `service` command sees them (Evennia's service
 * collection): each has a name, says whether it runs, and — when stopping it from
 * the game makes sense — can be stopped and started. Essential ones (the portal
 * link, the database, the command handler) are listed but never stopped: the
 * server cannot work without them.
 */
import type { ServiceRow } from "../commands/command.ts";

/** One service the server registers. */
export interface RegisteredService {
  /** The name admins type (case-sensitive, as Evennia). */
  name: string;
  /** What it does. */
  description: string;
  /** The server cannot work without it: never stopped from the game. */
  essential?: boolean;
  /** Is it running now? */
  running(): boolean;
  /** Start it (a service without `start` and `stop` is only listed). */
  start?(): Promise<void> | void;
  /** Stop it. */
  stop?(): Promise<void> | void;
}

/** The registered services, and starting and stopping them by name. */
export class ServiceRegistry {
  private readonly services = new Map<string, RegisteredService>();

  /** Register a service (a later one with the same name replaces it). */
  register(service: RegisteredService): this {
    this.services.set(service.name, service);
    return this;
  }

  /** The services, in registration order. */
  list(): ServiceRow[] {
    return [...this.services.values()].map((s) => ({
      name: s.name,
      description: s.description,
      running: s.running(),
      essential: s.essential === true,
      controllable: !s.essential && typeof s.start === "function" && typeof s.stop === "function",
    }));
  }

  /** Start or stop `name`; resolves with what happened, in words for the admin. */
  async control(name: string, action: "start" | "stop"): Promise<string> {
    const service = this.services.get(name);
    if (!service) {
      return `Invalid service name '${name}'. This command is case-sensitive: see service/list for the exact names.`;
    }
    if (service.essential) return `|rYou cannot ${action} '${name}': it is an essential service the server cannot run without.|n`;
    if (!service.start || !service.stop) return `'${name}' cannot be started or stopped from the game.`;
    if (action === "stop") {
      if (!service.running()) return `That service is not currently running.`;
      await service.stop();
      return service.running() ? `|rService '${name}' did not stop.|n` : `|gStopped service '${name}'.|n`;
    }
    if (service.running()) return "That service is already running.";
    await service.start();
    return service.running() ? `|gService '${name}' started.|n` : `|rService '${name}' could not be started; see the server log.|n`;
  }
}
