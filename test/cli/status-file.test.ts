import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStatusFile } from "../../evennia-ts/cli/status-file.ts";
import { makeTempDir, removeTempDirs } from "./temp-dirs.ts";

afterAll(removeTempDirs);

const valid = {
  portalPid: 10,
  serverPid: 11,
  serverState: "running",
  telnetPorts: [4000],
  webPort: null,
  linkPort: 4006,
  updatedAt: "2024-01-01T00:00:00.000Z",
};

describe("readStatusFile", () => {
  it("reads a valid status and rejects missing, partial or malformed ones", () => {
    const file = path.join(makeTempDir(), "status.json");
    expect(readStatusFile(file)).toBeNull();
    writeFileSync(file, JSON.stringify(valid));
    expect(readStatusFile(file)).toEqual(valid);
    writeFileSync(file, JSON.stringify(valid).slice(0, 30));
    expect(readStatusFile(file)).toBeNull();
    writeFileSync(file, JSON.stringify({ ...valid, serverState: "dancing" }));
    expect(readStatusFile(file)).toBeNull();
    writeFileSync(file, JSON.stringify({ ...valid, telnetPorts: ["4000"] }));
    expect(readStatusFile(file)).toBeNull();
  });
});
