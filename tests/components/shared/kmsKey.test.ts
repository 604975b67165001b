import { expect } from "chai";
import { rotatingKmsKey } from "../../../components/shared/kmsKey";
import { runInScope, scopeOf } from "./scope";

describe("rotatingKmsKey", () => {
  it("rotates its key material, keeps the longest deletion window and registers under the caller", async () => {
    const run = await runInScope((scope) => {
      rotatingKmsKey("orders-key", { description: "orders table" }, scope);
    });
    const key = run.single("aws:kms/key:Key");
    expect(key.name).to.equal("orders-key");
    expect(key.inputs).to.deep.include({ description: "orders table", enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(key.parent).to.equal(scopeOf(run).urn);
    expect(run.ofType("aws:kms/alias:Alias"), "no alias unless one is asked for").to.deep.equal([]);
  });

  it("adds the alias under its own resource name, pointing at the key", async () => {
    const run = await runInScope((scope) => {
      rotatingKmsKey("orders-key", { description: "orders table", alias: { resourceName: "orders-key-alias", name: "orders" } }, scope);
    });
    const key = run.single("aws:kms/key:Key");
    const alias = run.single("aws:kms/alias:Alias");
    expect(alias.name).to.equal("orders-key-alias");
    expect(alias.inputs.name).to.equal("alias/orders");
    expect(run.propertyDependencies(alias, "targetKeyId")).to.deep.equal([key]);
    expect(alias.parent).to.equal(scopeOf(run).urn);
  });
});
