/**
 * Bearer tokens: 256 random bits, base64url. Only their sha256 is stored.
 * An allocation's token is `<allocationId>.<secret>` so the master finds the
 * allocation by id and compares hashes, with no token index needed.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newAllocationToken(allocationId: string): { token: string; hash: string } {
  const token = `${allocationId}.${newSecret()}`;
  return { token, hash: hashToken(token) };
}

/** The allocation id inside an allocation token, or null for a user token. */
export function allocationIdOf(token: string): string | null {
  const dot = token.indexOf(".");
  return dot > 0 ? token.slice(0, dot) : null;
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `${salt.toString("hex")}:${key.toString("hex")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [saltHex, keyHex] = stored.split(":");
  if (!saltHex || !keyHex) return false;
  const key = await scryptAsync(password, Buffer.from(saltHex, "hex"));
  return sameHash(key.toString("hex"), keyHex);
}
