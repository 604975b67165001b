/**
 * IPv4 CIDR arithmetic for subnet planning.
 *
 * Hand-written rather than a library: the planner needs only parse, align, contain and overlap on
 * IPv4, and it must reject inputs a permissive parser would accept (leading zeros, host bits set),
 * with messages that say exactly what is wrong.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

export function cidrSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Parses "a.b.c.d/p" strictly; throws an Error whose message says what is malformed. */
export function parseCidr(text: string): Cidr {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) {
    throw new Error(`"${text}" is not an IPv4 CIDR of the form a.b.c.d/prefix`);
  }
  const octets = match[1].split(".");
  if (octets.length !== 4 || !octets.every((o) => IPV4_OCTET.test(o) && Number(o) <= 255)) {
    throw new Error(`"${text}" has an invalid IPv4 address (four decimal octets 0-255 expected)`);
  }
  const prefix = Number(match[2]);
  if (prefix > 32) {
    throw new Error(`"${text}" has prefix /${prefix}; an IPv4 prefix is at most /32`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
  const base = address - (address % cidrSize(prefix));
  if (base !== address) {
    throw new Error(`"${text}" has host bits set; the network address is ${formatIpv4(base)}/${prefix}`);
  }
  return { base, prefix };
}

export function cidrEnd(cidr: Cidr): number {
  return cidr.base + cidrSize(cidr.prefix);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < cidrEnd(b) && b.base < cidrEnd(a);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && cidrEnd(inner) <= cidrEnd(outer);
}
