/**
 * A self-signed certificate and key for telnet over TLS during development, made with
 * the `openssl` command-line tool.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EvenniaError } from "../../utils/errors.ts";

/** A PEM certificate and its private key. */
export interface SelfSignedCertificate {
  cert: string;
  key: string;
}

/**
 * Generate a self-signed certificate (RSA 2048, ten years) for `commonName`.
 * Throws EvenniaError `EV_ERR_CONFIG` when openssl is not installed or fails.
 */
export function generateSelfSignedCertificate(commonName = "localhost", opensslPath = "openssl"): SelfSignedCertificate {
  if (!/^[\w.-]+$/.test(commonName)) {
    throw new EvenniaError("EV_ERR_CONFIG", `invalid certificate common name "${commonName}"`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "evennia-ts-cert-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    const result = spawnSync(
      opensslPath,
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", `/CN=${commonName}`, "-keyout", keyFile, "-out", certFile],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 },
    );
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        throw new EvenniaError(
          "EV_ERR_CONFIG",
          "cannot create a self-signed certificate: the 'openssl' command was not found on PATH. " +
            "Install OpenSSL, or set sslCertificate and sslKey to an existing certificate and key.",
        );
      }
      throw new EvenniaError("EV_ERR_CONFIG", `cannot run openssl: ${result.error.message}`, { cause: result.error });
    }
    if (result.status !== 0) {
      throw new EvenniaError("EV_ERR_CONFIG", `openssl failed (exit ${result.status}): ${result.stderr.trim()}`);
    }
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
