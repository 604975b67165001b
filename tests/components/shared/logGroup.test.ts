import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { logStreamsArn, retainedLogGroup } from "../../../components/shared/logGroup";
import { runInScope, scopeOf } from "./scope";

const GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/trading/api";

describe("retainedLogGroup and the log-writer actions", () => {
  it("creates the group with its name (or prefix) and retention, under the caller", async () => {
    const run = await runInScope((scope) => {
      retainedLogGroup("api-logs", { name: "/trading/api", retentionInDays: 30 }, scope);
      retainedLogGroup("fn-logs", { namePrefix: "/aws/lambda/fn-", retentionInDays: 90 }, scope);
    });
    const [named, prefixed] = run.ofType("aws:cloudwatch/logGroup:LogGroup");
    expect(named.inputs).to.deep.include({ name: "/trading/api", retentionInDays: 30 });
    expect(prefixed.inputs).to.deep.include({ namePrefix: "/aws/lambda/fn-", retentionInDays: 90 });
    expect([named.parent, prefixed.parent]).to.deep.equal([scopeOf(run).urn, scopeOf(run).urn]);
  });

  it("authorises stream actions on every stream of the group, for a plain ARN and an Output alike", async () => {
    expect(logStreamsArn(GROUP_ARN)).to.equal(`${GROUP_ARN}:*`);
    const run = await runInScope(() => ({ streams: logStreamsArn(pulumi.output(GROUP_ARN)) }));
    expect(run.outputs.streams).to.equal(`${GROUP_ARN}:*`);
  });
});
