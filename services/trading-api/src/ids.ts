/**
 * Order ids: 26 characters of Crockford base32, 48 bits of milliseconds then 80 random bits (the ULID
 * layout). Time first makes `ORDER#<id>` sort keys list an account's orders in creation order and
 * breaks price ties on the open-orders index by arrival; the random tail keeps ids unguessable and
 * spreads them over the GSI write shards.
 */
import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const ORDER_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const RANDOM_BYTES_PER_ID = 10;

/**
 * Random bytes for ids, drawn from the CSPRNG 4 KiB at a time and handed out once each. One
 * randomBytes(10) per order cost more than the rest of the id (a call into OpenSSL, which also checks
 * getpid() for fork safety, and a new Buffer each time); Node's own randomUUID() keeps a cache the
 * same way. The bytes are the same CSPRNG output either way; none is ever given out twice.
 */
export class RandomPool {
  private readonly bytes: Buffer;
  private offset: number;

  constructor(size = 4096) {
    if (!Number.isInteger(size) || size < RANDOM_BYTES_PER_ID) throw new RangeError(`pool size must be an integer >= ${RANDOM_BYTES_PER_ID}`);
    this.bytes = Buffer.allocUnsafe(size);
    this.offset = size;
  }

  /** `n` fresh random bytes (a view into the pool: use them before the next call). */
  take(n: number): Buffer {
    if (n > this.bytes.length) throw new RangeError(`at most ${this.bytes.length} bytes per call`);
    if (this.offset + n > this.bytes.length) {
      randomFillSync(this.bytes);
      this.offset = 0;
    }
    const view = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return view;
  }
}

const pool = new RandomPool();

export function newOrderId(now: number = Date.now(), random: Buffer = pool.take(RANDOM_BYTES_PER_ID)): string {
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
  for (const byte of random.subarray(0, RANDOM_BYTES_PER_ID)) {
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
