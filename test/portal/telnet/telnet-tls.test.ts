import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEvenniaError } from "../../../evennia-ts/utils/errors.ts";
import { generateSelfSignedCertificate, type SelfSignedCertificate } from "../../../evennia-ts/portal/telnet/self-signed-cert.ts";
import { RawClient, startServer, waitUntil, type TestServer } from "./telnet-test-client.ts";

let cert: SelfSignedCertificate;
let ts: TestServer;

beforeAll(async () => {
  cert = generateSelfSignedCertificate("localhost");
  ts = await startServer({ tls: cert, telnetOptions: { all: false } });
});
afterAll(() => ts.server.close());

describe("telnet over TLS", () => {
  it("generates a PEM certificate and key", () => {
    expect(cert.cert).toContain("-----BEGIN CERTIFICATE-----");
    expect(cert.key).toMatch(/-----BEGIN (RSA )?PRIVATE KEY-----/);
  });

  it("serves telnet/ssl: lines in, text out, over an encrypted connection", async () => {
    const client = await RawClient.connectTls(ts.port);
    const rec = await ts.registry.session();
    expect(rec.transport.protocolKey).toBe("telnet/ssl");
    client.send("look\r\n");
    await waitUntil(() => rec.inputs.length > 0, "line");
    expect(rec.inputs[0]).toEqual(["text", ["look"], {}]);
    rec.transport.send([["text", ["You see a TLS room."], {}]]);
    await client.waitFor("You see a TLS room.\r\n");
    await client.close();
    await waitUntil(() => rec.disconnects.length > 0, "disconnect");
  });

  it("does not register a client that fails the handshake", async () => {
    const before = ts.registry.sessions.length;
    const plain = await RawClient.connect(ts.port);
    plain.send("hello\r\n");
    await waitUntil(() => plain.closed, "server dropped the plain client");
    expect(ts.registry.sessions.length).toBe(before);
  });

  it("gives a clear EvenniaError when openssl is missing", () => {
    let err: unknown;
    try {
      generateSelfSignedCertificate("localhost", "/nonexistent/openssl");
    } catch (e) {
      err = e;
    }
    expect(isEvenniaError(err, "EV_ERR_CONFIG")).toBe(true);
    expect((err as Error).message).toMatch(/openssl.*not found/);
  });
});
