import { expect } from "chai";
import {
  ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE,
  instancePolicyDocument,
  InstancePolicyResources,
} from "../../../components/cluster/instancePolicy";
import { DAX_ACTIONS, TABLE_ACTIONS } from "../../../components/dynamo/perms";

const RESOURCES: InstancePolicyResources = {
  region: "eu-west-1",
  tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
  indexArns: ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/by-symbol"],
  daxClusterArn: "arn:aws:dax:eu-west-1:123456789012:cache/orders",
  artifactObjectArn: "arn:aws:s3:::artifacts-abc/trading-api/0123/main.js",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd",
  cursorSecretParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/trading/prod/cursor-secret",
  logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/trading/prod/trading-api",
};

describe("instance policy", () => {
  const doc = instancePolicyDocument(RESOURCES);
  const bySid = (sid: string) => {
    const found = doc.Statement.find((s) => s.Sid === sid);
    expect(found, sid).to.not.equal(undefined);
    return found as (typeof doc.Statement)[number];
  };

  it("grants item operations on exactly the table, queries on exactly its indexes, the same through DAX", () => {
    expect(bySid("TableItems")).to.deep.include({ Action: [...TABLE_ACTIONS], Resource: RESOURCES.tableArn });
    expect(bySid("IndexQueries")).to.deep.include({ Action: ["dynamodb:Query"], Resource: RESOURCES.indexArns });
    expect(bySid("DaxItems")).to.deep.include({ Action: DAX_ACTIONS, Resource: RESOURCES.daxClusterArn });
    expect(DAX_ACTIONS.every((a) => a.startsWith("dax:"))).to.equal(true);
    expect(DAX_ACTIONS).to.have.length(TABLE_ACTIONS.length);
    // Nothing that changes the table itself, or scans it whole.
    const actions = doc.Statement.flatMap((s) => s.Action);
    for (const forbidden of ["dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:Scan", "dax:Scan", "s3:PutObject", "kms:Encrypt"]) {
      expect(actions).to.not.include(forbidden);
    }
  });

  it("reads only the artifact object, the cursor key parameter, and decrypts only through S3 or SSM", () => {
    expect(bySid("ServiceArtifact").Resource).to.equal(RESOURCES.artifactObjectArn);
    expect(bySid("CursorKey")).to.deep.include({ Action: ["ssm:GetParameter"], Resource: RESOURCES.cursorSecretParameterArn });
    expect(bySid("DecryptArtifactAndCursorKey")).to.deep.include({
      Resource: RESOURCES.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com"] } },
    });
  });

  it('uses "*" only for the Session Manager actions AWS offers no resource-level permission for', () => {
    const wildcard = doc.Statement.filter((s) => ([] as string[]).concat(s.Resource).includes("*"));
    expect(wildcard).to.have.length(1);
    expect(wildcard[0].Action).to.deep.equal([...ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE]);
    expect(doc.Statement.flatMap((s) => s.Action).filter((a) => a.includes("*"))).to.deep.equal([]);
  });

  it("leaves the index statement out when the table has no index", () => {
    const noIndexes = instancePolicyDocument({ ...RESOURCES, indexArns: [] });
    expect(noIndexes.Statement.map((s) => s.Sid)).to.not.include("IndexQueries");
    expect(noIndexes.Statement).to.have.length(doc.Statement.length - 1);
  });
});
