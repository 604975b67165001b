// kms-key-rotation: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("kms-key-rotation", () => {
  it("passes a rotating symmetric key, fails one that does not rotate, and leaves keys AWS cannot rotate alone", async () => {
    const fx = new Fixture();
    fx.add(T.kmsKey, "rotating", { enableKeyRotation: true, deletionWindowInDays: 30 });
    fx.add(T.kmsKey, "static", { deletionWindowInDays: 30 });
    fx.add(T.kmsKey, "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" });
    fx.add(T.kmsKey, "hmac", { customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" });
    fx.add(T.kmsKey, "hsm", { customKeyStoreId: "cks-1234567890abcdef0" });
    expect(messagesOf(await evaluate(securityPack, fx), "kms-key-rotation")).to.deep.equal(["KMS key static does not rotate its key material (enableKeyRotation)"]);
  });
});
