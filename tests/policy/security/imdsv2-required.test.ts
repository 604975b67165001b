// imdsv2-required: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { launchTemplate, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("imdsv2-required", () => {
  it("reports launch templates and instances that allow IMDSv1, and token hop limits that are unset or above the maximum", async () => {
    const fx = new Fixture();
    launchTemplate(fx, { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } });
    fx.add(T.instance, "bastion", { instanceType: "c7g.large" });
    launchTemplate(fx, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }, "containers");
    launchTemplate(fx, {}, "compliant");
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "imdsv2-required")).to.deep.equal([
      'launch template lt does not require IMDSv2 (metadataOptions.httpTokens must be "required")',
      'instance bastion does not require IMDSv2 (metadataOptions.httpTokens must be "required")',
      "instance bastion sets no metadataOptions.httpPutResponseHopLimit (the AMI's default applies: 2 for imds-support v2.0 AMIs); set at most 1",
      "launch template containers lets the IMDSv2 token travel 2 hops (metadataOptions.httpPutResponseHopLimit); at most 1",
    ]);
    expect(messagesOf(await evaluate(securityPack, fx, { "imdsv2-required": { maxHopLimit: 2 } }), "imdsv2-required")).to.have.length(3);
  });
});
