/**
 * Order ids: 26 characters of Crockford base32, 48 bits of milliseconds then 80 random bits (the ULID
 * layout). Time first makes `ORDER#<id>` sort keys list an account's orders in creation order and
 * breaks price ties on the open-orders index by arrival; the random tail keeps ids unguessable and
 * spreads them over the GSI write shards.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const ORDER_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function newOrderId(now: number = Date.now(), random: Buffer = randomBytes(10)): string {
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48) throw new RangeError(`time out of range: ${now}`);
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits = 16 base32 digits; read them 5 bits at a time.
  let tail = "";
  let acc = 0;
  let bits = 0;
  for (const byte of random.subarray(0, 10)) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return time + tail;
}
