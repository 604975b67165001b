/**
 * Opaque, tamper-evident pagination cursors: base64url(JSON) + "." + base64url(HMAC-SHA256).
 * The MAC covers the payload and the payload names the query it belongs to (endpoint kind plus a
 * binding such as account and filter), so a client can neither edit a cursor to read another
 * account's keys nor replay it on a different query. Cursors are not encrypted: they reveal only
 * keys of items the caller was already shown.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_CURSOR_LENGTH = 4096;

export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidCursorError";
  }
}

export class CursorCodec {
  private readonly keys: Buffer[];

  /** `secrets[0]` signs; every entry verifies, so a key can be rotated without breaking open cursors. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error("CursorCodec needs at least one secret");
    this.keys = secrets.map((s) => Buffer.from(s, "utf8"));
  }

  seal(kind: string, binding: string, state: unknown): string {
    const payload = Buffer.from(JSON.stringify({ k: kind, b: binding, s: state }), "utf8").toString("base64url");
    return `${payload}.${this.mac(this.keys[0], payload).toString("base64url")}`;
  }

  /** Returns the sealed state, or throws {@link InvalidCursorError}. */
  open(kind: string, binding: string, token: string): unknown {
    if (token.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError("is too long");
    const dot = token.indexOf(".");
    if (dot <= 0 || dot !== token.lastIndexOf(".")) throw new InvalidCursorError("is malformed");
    const payload = token.slice(0, dot);
    // The signature is compared as the text this service writes, not as the bytes it decodes to:
    // Buffer.from(..., "base64url") skips characters outside the alphabet and ignores the unused
    // low bits of the last character, so several spellings would decode to the same MAC and one
    // cursor would have many accepted forms.
    const given = Buffer.from(token.slice(dot + 1), "utf8");
    const valid = this.keys.some((key) => {
      const expected = Buffer.from(this.mac(key, payload).toString("base64url"), "utf8");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!valid) throw new InvalidCursorError("is not a cursor this service issued (signature mismatch)");
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      throw new InvalidCursorError("is malformed");
    }
    const { k, b, s } = (decoded ?? {}) as { k?: unknown; b?: unknown; s?: unknown };
    if (k !== kind || b !== binding) throw new InvalidCursorError("belongs to a different query");
    return s;
  }

  private mac(key: Buffer, payload: string): Buffer {
    return createHmac("sha256", key).update(payload).digest();
  }
}
