import { expect } from "chai";
import { cidrContains, cidrsOverlap, formatCidr, parseCidr } from "../../../components/network/cidr";

describe("cidr", () => {
  it("parses and formats a CIDR round trip", () => {
    expect(formatCidr(parseCidr("10.20.0.0/16"))).to.equal("10.20.0.0/16");
    expect(parseCidr("192.168.4.0/22")).to.deep.equal({ base: (192 * 2 ** 24) + (168 * 2 ** 16) + 4 * 256, prefix: 22 });
  });

  for (const [text, message] of [
    ["10.0.0.0", "not an IPv4 CIDR"],
    ["10.0.0/16", "invalid IPv4 address"],
    ["10.0.0.256/24", "invalid IPv4 address"],
    ["10.01.0.0/16", "invalid IPv4 address"],
    ["10.0.0.0/33", "at most /32"],
    ["10.0.0.1/16", "host bits set; the network address is 10.0.0.0/16"],
  ] as const) {
    it(`rejects ${text} (${message})`, () => {
      expect(() => parseCidr(text)).to.throw(message);
    });
  }

  it("detects overlap and containment", () => {
    const vpc = parseCidr("10.20.0.0/16");
    expect(cidrsOverlap(vpc, parseCidr("10.20.255.0/24"))).to.equal(true);
    expect(cidrsOverlap(vpc, parseCidr("10.21.0.0/16"))).to.equal(false);
    expect(cidrsOverlap(parseCidr("10.0.0.0/8"), vpc)).to.equal(true);
    expect(cidrContains(vpc, parseCidr("10.20.16.0/20"))).to.equal(true);
    expect(cidrContains(vpc, parseCidr("10.0.0.0/8"))).to.equal(false);
  });
});
