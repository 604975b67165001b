/**
 * How a trading-api process names itself for the failover command (services/trading-api/src/fleetIdentity.ts):
 * on ECS the task ARN from the task metadata endpoint v4, served here by a loopback HTTP server
 * answering `/task` as the endpoint does (TaskARN among the task's other fields); elsewhere
 * WRITE_REGION_INSTANCE. The drill runs the real process against the same kind of server.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ECS_METADATA_VARIABLE, ecsTaskArn, fleetIdentity } from "../../services/trading-api/src/fleetIdentity";

const TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/trading-prod-eu-west-1-api/0b7e2a1c9f8d4e3a8b6c5d4e3f2a1b0c";
const FAST = { attempts: 3, timeoutMs: 300, retryDelayMs: 20 };

describe("trading-api: its name for the failover command, from the ECS task metadata endpoint or WRITE_REGION_INSTANCE", () => {
  let server: Server;
  let uri: string;
  /** What the next requests get: a status and a body, shifted per request (the last one stays). */
  let answers: { status: number; body: unknown }[] = [];
  const paths: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      paths.push(String(req.url));
      const answer = answers.length > 1 ? (answers.shift() as { status: number; body: unknown }) : answers[0];
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    // As ECS injects it: the container's own path under the link-local endpoint, without a trailing slash.
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/3c1e8f0a-container`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    paths.length = 0;
    answers = [{ status: 200, body: { Cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/trading-prod-eu-west-1-api", TaskARN: TASK_ARN, Family: "trading-prod-api", DesiredStatus: "RUNNING" } }];
  });

  it("on ECS reports the task's ARN from <metadata URI>/task, even when WRITE_REGION_INSTANCE is set", async () => {
    expect(await fleetIdentity({ [ECS_METADATA_VARIABLE]: uri }, "ip-10-0-3-7.eu-west-1.compute.internal", FAST)).to.deep.equal({ instance: TASK_ARN });
    expect(paths).to.deep.equal(["/v4/3c1e8f0a-container/task"]);
  });

  it("off ECS reports WRITE_REGION_INSTANCE (the EC2 boot script's instance id), or leaves the host name to the gate", async () => {
    expect(await fleetIdentity({}, "i-0abc123def4567890", FAST)).to.deep.equal({ instance: "i-0abc123def4567890" });
    expect(await fleetIdentity({ [ECS_METADATA_VARIABLE]: "  " }, undefined, FAST)).to.deep.equal({});
    expect(paths).to.deep.equal([]);
  });

  it("retries an endpoint that fails, and takes the ARN once it answers", async () => {
    answers = [{ status: 500, body: {} }, { status: 503, body: {} }, ...answers];
    expect(await ecsTaskArn(uri, FAST)).to.equal(TASK_ARN);
    expect(paths).to.have.length(3);
  });

  it("without an answer, or with something that is no task ARN, falls back and says why (the command then waits its full bound)", async () => {
    answers = [{ status: 500, body: {} }];
    const failing = await fleetIdentity({ [ECS_METADATA_VARIABLE]: uri }, undefined, FAST);
    expect(failing.instance).to.equal(undefined);
    expect(failing.problem).to.equal(`the ECS task metadata endpoint ${uri}/task answered 500: reporting the host name instead of the task ARN`);
    expect(paths).to.have.length(3);

    paths.length = 0;
    answers = [{ status: 200, body: { TaskARN: "arn:aws:ecs:eu-west-1:123456789012:task/a b" } }];
    const odd = await fleetIdentity({ [ECS_METADATA_VARIABLE]: uri }, "i-0abc123def4567890", FAST);
    expect(odd).to.deep.equal({
      instance: "i-0abc123def4567890",
      problem: `the ECS task metadata endpoint ${uri}/task answered TaskARN "arn:aws:ecs:eu-west-1:123456789012:task/a b", not a task ARN: reporting i-0abc123def4567890 instead of the task ARN`,
    });
    expect(paths, "an answer that is not a task ARN is not asked again").to.have.length(1);

    const closed = `http://127.0.0.1:1/v4/gone`;
    const unreachable = await fleetIdentity({ [ECS_METADATA_VARIABLE]: closed }, undefined, { ...FAST, attempts: 2 });
    expect(unreachable.problem).to.match(/^the ECS task metadata endpoint http:\/\/127\.0\.0\.1:1\/v4\/gone\/task did not answer \(.+\): reporting the host name instead of the task ARN$/);
  });
});
