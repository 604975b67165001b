/**
 * The failover command's list of an old region's tasks on Fargate (ecs:ListTasks, ecs:DescribeTasks)
 * against moto_server: the service's tasks ECS keeps running count; one it is stopping (StopTask:
 * desired STOPPED) does not, nor one whose containers have exited while still listed (lastStatus
 * STOPPED); a cluster the region-info parameter names but the region does not have is named in the
 * error with the call and region.
 */
import { expect } from "chai";
import { ECSClient, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { MOTO_CREDENTIALS, sharedMoto, type Moto } from "../support/moto";
import { awsCloud } from "../../services/failover/src/cloud";
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
});
