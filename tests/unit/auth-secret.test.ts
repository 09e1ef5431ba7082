import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generatedSecret, resolveAuthSecret } from "@/lib/auth/secret";
import { unsubscribeSecret } from "@/lib/mail/unsubscribe";

const dirs: string[] = [];
function tempFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "auth-secret-"));
  dirs.push(dir);
  return path.join(dir, ".data", "auth-secret");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("resolveAuthSecret", () => {
  it("prefers AUTH_SECRET and writes no file", () => {
    const file = tempFile();
    const secret = "s".repeat(40);
    expect(resolveAuthSecret({ AUTH_SECRET: secret }, file)).toBe(secret);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("refuses a short AUTH_SECRET", () => {
    expect(() => resolveAuthSecret({ AUTH_SECRET: "short" }, tempFile())).toThrow(/at least 32 characters/);
  });

  it("creates .data/auth-secret once (64 hex chars, mode 0600) and reuses it", () => {
    const file = tempFile();
    const first = resolveAuthSecret({}, file);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveAuthSecret({ AUTH_SECRET: "" }, file)).toBe(first);
  });

  it("refuses a file without a usable secret", () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "tiny\n");
    expect(() => resolveAuthSecret({}, file)).toThrow(/delete it/);
  });
});

describe("generatedSecret (the demo's UNSUBSCRIBE_SECRET, scripts/demo.ts)", () => {
  it("is a key production accepts for unsubscribe links, and stays the same across restarts", () => {
    const file = tempFile();
    const key = generatedSecret(file);
    expect(unsubscribeSecret({ NODE_ENV: "production", UNSUBSCRIBE_SECRET: key } as NodeJS.ProcessEnv)).toBe(key);
    expect(generatedSecret(file)).toBe(key);
    expect(generatedSecret(tempFile())).not.toBe(key);
  });
});
