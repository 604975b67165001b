// iam-no-wildcard-admin: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { wildcardAdminStatements } from "../../../policy/lib/security/iam";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "../support/fixture";

describe("iam-no-wildcard-admin", () => {
  it("finds Allow * on * in any statement form", () => {
    expect(wildcardAdminStatements({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } })).to.deep.equal(["#1"]);
    expect(
      wildcardAdminStatements(
        JSON.stringify({
          Statement: [
            { Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" },
            { Sid: "Admin", Effect: "Allow", Action: ["*:*"], Resource: ["arn:x", "*"] },
            { Effect: "Deny", Action: "*", Resource: "*" },
          ],
        }),
      ),
    ).to.deep.equal(['"Admin"']);
    expect(wildcardAdminStatements("not json")).to.deep.equal([]);
  });

  it("reports role policies, managed policies, inline policies and AdministratorAccess", async () => {
    const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    const fx = new Fixture();
    fx.add(T.rolePolicy, "inline-admin", { role: "r", policy: admin });
    fx.add(T.iamPolicy, "managed-admin", { policy: admin });
    fx.add(T.role, "role", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "everything", policy: admin }] });
    fx.add(T.rolePolicyAttachment, "attach", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "iam-no-wildcard-admin")).to.deep.equal([
      'role policy inline-admin allows every action ("*") on every resource ("*") in statement #1',
      'IAM policy managed-admin allows every action ("*") on every resource ("*") in statement #1',
      'inline policy everything of role role allows every action ("*") on every resource ("*") in statement #1',
      "role policy attachment attach grants AdministratorAccess",
    ]);
  });

  it("cannot judge a document that is unknown in a preview (the server's advisory)", async () => {
    const fx = new Fixture({ preview: true });
    const table = fx.add(T.table, "t", { hashKey: "pk" });
    fx.add(T.rolePolicy, "scoped", { role: "r", policy: fx.ref(table, "arn") });
    const result = await evaluate(securityPack, fx, { "encryption-at-rest": "disabled", "dynamodb-pitr": "disabled", "deletion-protection": "disabled" });
    expect(violationsOf(result, "iam-no-wildcard-admin").map((v) => [v.enforcementLevel, v.couldNotRunInPreview, v.message])).to.deep.equal([
      [
        "advisory",
        true,
        `can't run policy 'iam-no-wildcard-admin' from policy pack 'trading-security@v${securityPack.version}' during preview: string value at .policy can't be known during preview`,
      ],
    ]);
  });
});
