import { expect } from "chai";
import { costPack } from "../../policy/cost/policies";
import { BUDGET } from "./cost/fixtures";
import { dax, dynamoTable, launchTemplate } from "./support/builders";
import { evaluate, Fixture } from "./support/fixture";

describe("cost pack", () => {
  for (const preview of [false, true]) {
    it(`a provisioned table with auto scaling everywhere passes (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      dynamoTable(fx);
      dax(fx, ["use1-az1", "use1-az2", "use1-az4"]);
      launchTemplate(fx);
      const result = await evaluate(costPack, fx, BUDGET);
      expect(result.violations).to.deep.equal([]);
    });
  }
});
