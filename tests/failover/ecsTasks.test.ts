/**
 * The failover command's list of an old region's tasks on Fargate (ecs:ListTasks, ecs:DescribeTasks)
 * against moto_server: the service's tasks ECS keeps running count; one it is stopping (StopTask:
 * desired STOPPED) does not, nor one whose containers have exited while still listed (lastStatus
 * STOPPED); a cluster the region-info parameter names but the region does not have is named in the
 * error with the call and region; and, against a loopback endpoint answering AccessDeniedException,
 * the proof says which call was denied in which region and waits out its bound.
 */
import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ECSClient, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { MOTO_CREDENTIALS, sharedMoto, type Moto } from "../support/moto";
import { awsCloud, type FailoverRegionInfo } from "../../services/failover/src/cloud";
import { DEFAULTS } from "../../services/failover/src/failoverModel";
import { proveStoppedWriting } from "../../services/failover/src/waits";
import { motoService, motoTaskProgression } from "./motoFleet";

describe("failover: the old region's running tasks, from its ECS service (moto_server)", function () {
  this.timeout(60_000);
  let moto: Moto;
  const REGION = "us-east-1";
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  before(async () => {
    moto = await sharedMoto();
    await moto.reset();
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  });
  after(async () => {
    await motoTaskProgression(moto.endpoint, "steady");
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it("lists the service's running task ARNs, without a task being stopped or one whose containers exited, and names a missing cluster", async () => {
    const client = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    const { clusterName, serviceName, taskArns } = await motoService(client, 3);
    const ecs = new ECSClient(client);
    await ecs.send(new StopTaskCommand({ cluster: clusterName, task: taskArns[0], reason: "scale-in" }));
    const cloud = awsCloud({ project: "trading-platform", environment: "prod", regionEndpoints: { [REGION]: moto.endpoint } });

    expect((await cloud.listRunningTasks(REGION, clusterName, serviceName)).sort()).to.deep.equal(taskArns.slice(1).sort());
    // The long ARN format, with the cluster: what the tasks' metadata endpoint reports as TaskARN.
    for (const arn of taskArns) expect(arn).to.match(new RegExp(`^arn:aws:ecs:${REGION}:\\d{12}:task/${clusterName}/[0-9a-f-]+$`));

    // Still listed as desired RUNNING, but their containers have exited: nothing there can answer or write.
    await motoTaskProgression(moto.endpoint, "stopped");
    const listed = (await ecs.send(new ListTasksCommand({ cluster: clusterName, desiredStatus: "RUNNING" }))).taskArns ?? [];
    expect(listed).to.have.length(2);
    expect(await cloud.listRunningTasks(REGION, clusterName, serviceName)).to.deep.equal([]);
    await motoTaskProgression(moto.endpoint, "steady");

    let missing: unknown;
    try {
      await cloud.listRunningTasks(REGION, "trading-prod-gone-api", serviceName);
    } catch (error) {
      missing = error;
    }
    expect(String(missing)).to.contain(`ecs:ListTasks in ${REGION}: no ECS cluster trading-prod-gone-api (the region-info parameter names it)`);
  });

  it("a denied ecs:ListTasks proves nothing: the proof names the call, the region and the action the identity needs, and waits out its bound", async () => {
    // ECS's JSON protocol error, as AWS sends it for a caller without the permission.
    const denying = createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        res
          .writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "AccessDeniedException" })
          .end(JSON.stringify({ __type: "AccessDeniedException", message: "User: arn:aws:iam::123456789012:user/operator is not authorized to perform: ecs:ListTasks" })),
      );
    });
    await new Promise<void>((resolve) => denying.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
      const cloud = awsCloud({ project: "trading-platform", environment: "prod", regionEndpoints: { [REGION]: endpoint }, requestTimeoutMs: 1000 });
      const info: FailoverRegionInfo = {
        region: REGION,
        role: "primary",
        environment: "prod",
        writeRegionParameter: "/trading-platform/prod/write-region",
        tableName: "trading-platform-prod",
        streamConsumer: { functionName: "trading-stream", mappingUuid: "0b7e2a1c-9f8d-4e3a-8b6c-5d4e3f2a1b0c" },
        // No API answers there either: only the listing decides, and it cannot.
        apiEndpoint: "http://127.0.0.1:1",
        ecsService: { clusterName: "trading-prod-us-east-1-api", serviceName: "trading-api" },
      };
      const started = Date.now();
      const seen = await proveStoppedWriting(cloud, REGION, info, 1, started, { ...DEFAULTS, fenceWaitMs: 300, probeIntervalMs: 50, probesRequired: 1 });
      expect(seen.proved).to.equal(false);
      expect(seen.detail).to.contain(
        `not proved: could not list ECS service trading-api (cluster trading-prod-us-east-1-api)'s tasks (ecs:ListTasks in ${REGION} failed: access denied (AccessDeniedException: `,
      );
      expect(seen.detail).to.contain(`The identity needs ecs:ListTasks in ${REGION})`);
      expect(Date.now() - started).to.be.at.least(300);
    } finally {
      await new Promise<void>((resolve) => denying.close(() => resolve()));
    }
  });
});
