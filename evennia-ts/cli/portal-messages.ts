/**
 * The messages a portal started by the launcher sends over its IPC channel.
 */

/** The portal listens and its server has connected. */
export interface PortalReadyMessage {
  type: "ready";
  telnetPorts: number[];
  /** Telnet-over-TLS ports (absent from older portals). */
  sslPorts?: number[];
  webPort: number | null;
  linkPort: number;
  /** The portal's pid, added by its supervisor (the launcher's child is the supervisor). */
  pid?: number;
}

/** The portal could not start (it exits non-zero after sending this). */
export interface PortalFatalMessage {
  type: "fatal";
  /** An EvenniaError code such as `EV_ERR_PORT_IN_USE`. */
  code: string;
  message: string;
}

/** Any message the portal sends the launcher. */
export type PortalMessage = PortalReadyMessage | PortalFatalMessage;

/** True when `value` is a well-formed {@link PortalMessage}. */
export function isPortalMessage(value: unknown): value is PortalMessage {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.type === "ready") {
    return (
      Array.isArray(v.telnetPorts) &&
      v.telnetPorts.every((p) => typeof p === "number") &&
      (v.sslPorts === undefined || (Array.isArray(v.sslPorts) && v.sslPorts.every((p) => typeof p === "number"))) &&
      (v.webPort === null || typeof v.webPort === "number") &&
      typeof v.linkPort === "number"
    );
  }
  if (v.type === "fatal") return typeof v.code === "string" && typeof v.message === "string";
  return false;
}
