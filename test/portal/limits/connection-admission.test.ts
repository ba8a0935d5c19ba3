import { describe, expect, it } from "vitest";
import { ConnectionAdmission, MAX_TRACKED_ADDRESSES } from "../../../evennia-ts/portal/limits/connection-admission.ts";

const limits = (over: Partial<ConstructorParameters<typeof ConnectionAdmission>[0]> = {}) => ({
  connectionsPerIpPerMinute: 3,
  maxConnectionsPerIp: 0,
  connectionLimitExemptIps: [],
  ...over,
});

describe("ConnectionAdmission: new connections per minute", () => {
  it("accepts the limit within a sliding minute, refuses more, and accepts again as the window slides", () => {
    const admission = new ConnectionAdmission(limits());
    expect([admission.admit("10.0.0.1", 0), admission.admit("10.0.0.1", 10_000), admission.admit("10.0.0.1", 20_000)]).toEqual([
      null,
      null,
      null,
    ]);
    expect(admission.admit("10.0.0.1", 30_000)).toMatch(/Too many new connections/);
    expect(admission.admit("10.0.0.1", 59_999)).toMatch(/Too many new connections/);
    // the first connection (t=0) has left the window
    expect(admission.admit("10.0.0.1", 60_001)).toBeNull();
    expect(admission.admit("10.0.0.1", 60_002)).not.toBeNull();
    expect(admission.refusedTotal).toBe(3);
  });

  it("counts each address on its own, and IPv4-mapped IPv6 as the IPv4 address", () => {
    const admission = new ConnectionAdmission(limits({ connectionsPerIpPerMinute: 1 }));
    expect(admission.admit("::ffff:10.0.0.1", 0)).toBeNull();
    expect(admission.admit("10.0.0.1", 1)).not.toBeNull();
    expect(admission.admit("10.0.0.2", 1)).toBeNull();
  });

  it("forgets addresses whose connections are older than a minute", () => {
    const admission = new ConnectionAdmission(limits());
    for (let i = 0; i < 100; i++) admission.admit(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(admission.trackedAddresses).toBe(100);
    admission.admit("10.9.9.9", 61_000);
    expect(admission.trackedAddresses).toBe(1);
  });

  it("remembers at most MAX_TRACKED_ADDRESSES addresses, dropping the oldest", () => {
    const admission = new ConnectionAdmission(limits({ connectionsPerIpPerMinute: 1 }));
    for (let i = 0; i <= MAX_TRACKED_ADDRESSES; i++) admission.admit(`a${i}`, 1);
    expect(admission.trackedAddresses).toBe(MAX_TRACKED_ADDRESSES);
    expect(admission.admit("a0", 2)).toBeNull(); // forgotten, so admitted again
    expect(admission.admit(`a${MAX_TRACKED_ADDRESSES}`, 2)).not.toBeNull();
  });
});

describe("ConnectionAdmission: connections open at once", () => {
  it("refuses while the address has the maximum open, and accepts once one closes", () => {
    const admission = new ConnectionAdmission(limits({ connectionsPerIpPerMinute: 0, maxConnectionsPerIp: 2 }));
    for (let i = 0; i < 2; i++) {
      expect(admission.admit("10.0.0.1")).toBeNull();
      admission.opened("10.0.0.1");
    }
    expect(admission.admit("10.0.0.1")).toMatch(/Too many connections from your address \(at most 2/);
    expect(admission.admit("10.0.0.2")).toBeNull();
    admission.closed("10.0.0.1");
    expect(admission.openFrom("10.0.0.1")).toBe(1);
    expect(admission.admit("10.0.0.1")).toBeNull();
  });

  it("exempts listed addresses from both limits", () => {
    const admission = new ConnectionAdmission(
      limits({ connectionsPerIpPerMinute: 1, maxConnectionsPerIp: 1, connectionLimitExemptIps: ["127.0.0.1"] }),
    );
    for (let i = 0; i < 10; i++) {
      expect(admission.admit("::ffff:127.0.0.1", i)).toBeNull();
      admission.opened("127.0.0.1");
    }
    expect(admission.admit("10.0.0.1", 0)).toBeNull();
    expect(admission.admit("10.0.0.1", 0)).not.toBeNull();
  });

  it("limits nothing with both limits at 0", () => {
    const admission = new ConnectionAdmission(limits({ connectionsPerIpPerMinute: 0, maxConnectionsPerIp: 0 }));
    for (let i = 0; i < 1000; i++) {
      expect(admission.admit("10.0.0.1", 0)).toBeNull();
      admission.opened("10.0.0.1");
    }
    expect(admission.trackedAddresses).toBe(0);
  });
});
