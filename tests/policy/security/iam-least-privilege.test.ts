// iam-least-privilege, with its fixtures: scoped documents pass; service wildcards, * resources on data-plane actions and Not* fail.
import { expect } from "chai";
import { ACTIONS_ONLY_ON_ALL_RESOURCES, actionMatches, leastPrivilegeProblems, parseStatements } from "../../../policy/lib/security/iam";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf, UNKNOWN } from "../support/fixture";

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const SCOPED = doc(
  { Sid: "Items", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders" },
  { Sid: "SessionManager", Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel"], Resource: "*" },
  { Sid: "DenyAll", Effect: "Deny", Action: "s3:*", Resource: "*" },
);

describe("iam-least-privilege", () => {
  it("the actions allowed on * each cite the Service Authorization Reference", () => {
    for (const { action, source } of ACTIONS_ONLY_ON_ALL_RESOURCES) {
      expect(action).to.match(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(source).to.match(/^https:\/\/docs\.aws\.amazon\.com\/service-authorization\/latest\/reference\/list_[a-z0-9]+\.html$/);
    }
    expect(actionMatches("dynamodb:Get*", "dynamodb:GetItem")).to.equal(true);
    expect(actionMatches("DynamoDB:getitem", "dynamodb:GetItem")).to.equal(true);
    expect(actionMatches("dynamodb:Get*", "dynamodb:Query")).to.equal(false);
  });

  it("passes scoped statements, the actions AWS grants only on *, and Deny statements", async () => {
    const fx = new Fixture();
    fx.add(T.rolePolicy, "scoped", { role: "r", policy: SCOPED });
    fx.add(T.role, "with-inline", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "inline", policy: SCOPED }] });
    expect(messagesOf(await evaluate(securityPack, fx), "iam-least-privilege")).to.deep.equal([]);
  });

  it("reports service-wide wildcards, data-plane actions on *, NotAction and NotResource, in each kind of policy", async () => {
    const fx = new Fixture();
    fx.add(T.rolePolicy, "wide", { role: "r", policy: doc({ Sid: "Table", Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:us-east-1:1:table/orders" }) });
    fx.add(T.iamPolicy, "everywhere", { policy: doc({ Effect: "Allow", Action: ["s3:GetObject", "logs:DescribeLogGroups"], Resource: ["*"] }) });
    fx.add(T.role, "not-star", {
      assumeRolePolicy: "{}",
      inlinePolicies: [{ name: "odd", policy: doc({ Sid: "AllBut", Effect: "Allow", NotAction: "iam:*", Resource: "*" }, { Sid: "Else", Effect: "Allow", Action: "sqs:SendMessage", NotResource: "arn:aws:sqs:us-east-1:1:q" }) }],
    });
    expect(messagesOf(await evaluate(securityPack, fx), "iam-least-privilege")).to.deep.equal([
      'role policy wide: statement "Table" allows every action of a service (dynamodb:*); list the actions it needs',
      'IAM policy everywhere: statement #1 allows s3:GetObject on every resource ("*"); scope it to ARNs (only actions the Service Authorization Reference gives no resource type may use *: actionsOnlyOnAllResources)',
      'inline policy odd of role not-star: statement "AllBut" allows NotAction (every action but iam:*)',
      'inline policy odd of role not-star: statement "Else" allows NotResource (every resource but arn:aws:sqs:us-east-1:1:q)',
    ]);
  });

  it("takes the list of actions allowed on * from config", () => {
    const [statement] = parseStatements(doc({ Effect: "Allow", Action: "xray:PutTraceSegments", Resource: "*" }));
    expect(leastPrivilegeProblems(statement, [])).to.have.length(1);
    expect(leastPrivilegeProblems(statement, ["xray:PutTraceSegments"])).to.deep.equal([]);
  });

  it("cannot judge a document that is unknown in a preview (the server's advisory)", async () => {
    const fx = new Fixture({ preview: true });
    fx.add(T.rolePolicy, "later", { role: "r", policy: UNKNOWN });
    const result = await evaluate(securityPack, fx);
    expect(result.violations.filter((v) => v.policyName === "iam-least-privilege").map((v) => [v.enforcementLevel, v.couldNotRunInPreview])).to.deep.equal([["advisory", true]]);
  });
});
