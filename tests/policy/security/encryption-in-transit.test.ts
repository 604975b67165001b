// encryption-in-transit: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS } from "./fixtures";
import { cache, dax, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("encryption-in-transit", () => {
  it("reports a plain DAX endpoint and a cache that accepts unencrypted connections", async () => {
    const fx = new Fixture();
    dax(fx, AZS, { clusterEndpointEncryptionType: "NONE" });
    cache(fx, AZS, { transitEncryptionMode: "preferred" });
    fx.add(T.cache, "plain-cache", { nodeType: "cache.t4g.small", transitEncryptionEnabled: false });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "encryption-in-transit")).to.deep.equal([
      'DAX cluster dax serves an unencrypted endpoint; set clusterEndpointEncryptionType: "TLS"',
      'replication group cache still accepts unencrypted connections (transitEncryptionMode "preferred"; use "required")',
      "replication group plain-cache does not encrypt traffic in transit (transitEncryptionEnabled)",
    ]);
  });
});
