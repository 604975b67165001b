// s3-no-force-destroy: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("s3-no-force-destroy", () => {
  it("passes a bucket without forceDestroy and fails one with it", async () => {
    const fx = new Fixture();
    fx.add(T.bucket, "kept", { bucket: "kept" });
    fx.add(T.bucket, "disposable", { bucket: "disposable", forceDestroy: true });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "s3-no-force-destroy")).to.deep.equal([
      "bucket disposable sets forceDestroy: a destroy or replacement deletes every object and version in it",
    ]);
    expect((await evaluate(securityPack, fx, { "s3-no-force-destroy": "disabled" })).violations.filter((v) => v.policyName === "s3-no-force-destroy")).to.deep.equal([]);
  });
});
