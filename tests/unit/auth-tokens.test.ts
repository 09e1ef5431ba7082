/**
 * The pure parts of lib/auth/tokens.ts: the token format (prefix + 256 random bits, base64url),
 * the stored hash (SHA-256, checked against the FIPS 180-2 test vector) and the parsing of the
 * Authorization header (only a well-formed Bearer token is taken).
 */
import { describe, expect, it } from "vitest";
import { API_TOKEN_DISPLAY_LENGTH, bearerToken, generateApiToken, hashApiToken } from "@/lib/auth/tokens";

describe("API tokens", () => {
  it("are mi_live_ + 43 base64url characters (32 bytes), distinct, with their hash and display prefix", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { token, hash, prefix } = generateApiToken();
      expect(token).toMatch(/^mi_live_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(8), "base64url")).toHaveLength(32);
      expect(hash).toBe(hashApiToken(token));
      expect(prefix).toBe(token.slice(0, API_TOKEN_DISPLAY_LENGTH));
      expect(prefix).toHaveLength(16);
      seen.add(token);
    }
    expect(seen.size).toBe(200);
  });

  it("hash with SHA-256, hex (FIPS 180-2 vector for 'abc')", () => {
    expect(hashApiToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("are read from a well-formed Bearer header only", () => {
    const { token } = generateApiToken();
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer  ${token} `)).toBe(token);
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken(token)).toBeNull();
    expect(bearerToken(`Basic ${token}`)).toBeNull();
    expect(bearerToken(`Bearer ${token}x`)).toBeNull();
    expect(bearerToken(`Bearer ${token} extra`)).toBeNull();
    expect(bearerToken("Bearer mi_live_short")).toBeNull();
  });
});
