import { expect } from "chai";
import { securityPack } from "../../policy/security/policies";
import { secureStack } from "./security/fixtures";
import { evaluate, Fixture } from "./support/fixture";

describe("security pack", () => {
  for (const preview of [false, true]) {
    it(`a compliant stack passes every rule (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      secureStack(fx);
      const result = await evaluate(securityPack, fx);
      expect(result.violations).to.deep.equal([]);
    });
  }
});
