// ha-resources-alarmed: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS, ecsService, ecsServiceAlarm, fullStack, haResources } from "./fixtures";
import { alarmOn, aurora, dax, dynamoTable, network, snsTopic, T } from "../support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "../support/fixture";

describe("ha-resources-alarmed", () => {
  const RULE = "ha-resources-alarmed";

  it("reports every HA-critical resource of a stack without alarms, by name", async () => {
    const fx = new Fixture();
    haResources(fx);
    const tg = fx.add(T.targetGroup, "api-tg", { port: 8080, protocol: "HTTP" });
    const { table } = dynamoTable(fx);
    const result = await evaluate(resiliencePack, fx);
    const reason = "has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it";
    expect(messagesOf(result, RULE)).to.deep.equal([
      `auto scaling group asg ${reason}`,
      `load balancer alb ${reason}`,
      `Aurora cluster db ${reason}`,
      `cache replication group cache ${reason}`,
      `DAX cluster dax ${reason}`,
      `target group api-tg ${reason}`,
      `DynamoDB table orders ${reason}`,
    ]);
    expect(violationsOf(result, RULE).map((v) => v.urn)).to.include(tg.urn).and.include(table.urn);
  });

  for (const preview of [false, true]) {
    it(`follows the alarms' dimensions to the resources they watch (${preview ? "preview: through property dependencies" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      fullStack(fx);
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
    });
  }

  it("does not count an alarm that notifies no SNS topic, or whose actions are disabled", async () => {
    const fx = new Fixture();
    const { asg, alb } = haResources(fx, AZS);
    const topic = snsTopic(fx);
    alarmOn(fx, asg, "AutoScalingGroupName", "name", { actions: null }, "asg-silent");
    alarmOn(fx, alb, "LoadBalancer", "arnSuffix", { actions: topic, props: { actionsEnabled: false } }, "alb-disabled");
    const messages = messagesOf(await evaluate(resiliencePack, fx), RULE);
    expect(messages).to.include("auto scaling group asg has no alarm whose actions reach an SNS topic: its alarm(s) asg-silent notify no SNS topic (alarmActions)");
    expect(messages).to.include("load balancer alb has no alarm whose actions reach an SNS topic: its alarm(s) alb-disabled notify no SNS topic (alarmActions)");
  });

  it("accepts an existing topic's ARN and dimensions given as literal identifiers (no property dependencies)", async () => {
    const fx = new Fixture();
    fx.add(T.asg, "asg", { name: "trading-api", vpcZoneIdentifiers: [], minSize: 3, maxSize: 3 });
    fx.add(T.alarm, "asg-alarm", {
      namespace: "AWS/AutoScaling",
      metricName: "GroupInServiceInstances",
      dimensions: { AutoScalingGroupName: "trading-api" },
      alarmActions: ["arn:aws:sns:us-east-1:123456789012:pager"],
    });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
  });

  it("counts an alarm on an Aurora instance (or inside metric math) for the resource it reads", async () => {
    const fx = new Fixture({ preview: true });
    const { cluster, instances } = aurora(fx, AZS);
    const topic = snsTopic(fx);
    alarmOn(fx, instances[1], "DBInstanceIdentifier", "identifier", { actions: topic });
    const dax1 = dax(fx, AZS);
    fx.add(T.alarm, "dax-math", {
      metricQueries: [
        { id: "e", expression: "a + b", returnData: true },
        { id: "a", metric: { namespace: "AWS/DAX", metricName: "ErrorRequestCount", dimensions: { ClusterId: fx.ref(dax1, "clusterName") }, period: 60, stat: "Sum" } },
      ],
      alarmActions: [fx.ref(topic, "arn")],
    });
    const messages = messagesOf(await evaluate(resiliencePack, fx), RULE);
    expect(messages.filter((m) => m.includes(cluster.name) || m.includes(dax1.name))).to.deep.equal([]);
  });

  it("finds the stream processor and its on-failure queue through the event source mapping", async () => {
    const fx = new Fixture();
    const queue = fx.add(T.queue, "failures", { messageRetentionSeconds: 1209600 }, { computed: { arn: "arn:aws:sqs:us-east-1:123456789012:failures" } });
    const fn = fx.add(T.fn, "processor", { runtime: "nodejs24.x" }, { computed: { arn: "arn:aws:lambda:us-east-1:123456789012:function:processor" } });
    fx.add(T.mapping, "mapping", {
      functionName: fx.ref(fn, "arn"),
      eventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
      destinationConfig: { onFailure: { destinationArn: fx.ref(queue, "arn") } },
    });
    fx.add(T.fn, "unrelated", { runtime: "nodejs24.x" });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
      "stream processor function processor has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it",
      "on-failure queue failures has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it",
    ]);
    const topic = snsTopic(fx);
    alarmOn(fx, fn, "FunctionName", "name", { actions: topic });
    alarmOn(fx, queue, "QueueName", "name", { actions: topic });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
  });

  it("checks only the types its config lists (plus stream processors)", async () => {
    const fx = new Fixture();
    haResources(fx);
    const result = await evaluate(resiliencePack, fx, { [RULE]: { resourceTypes: ["aws:dax/cluster:Cluster"] } });
    expect(messagesOf(result, RULE)).to.deep.equal(["DAX cluster dax has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it"]);
  });

  describe("ECS services", () => {
    const NOT_WATCHED =
      "ECS service api has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it " +
      "(running or desired task count, CPU or memory, with its ClusterName and ServiceName)";

    it("reports a service no alarm watches", async () => {
      const fx = new Fixture();
      const ecs = ecsService(fx, network(fx, AZS).subnets.app);
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, RULE)).to.deep.equal([NOT_WATCHED]);
      expect(violationsOf(result, RULE).map((v) => v.urn)).to.deep.equal([ecs.service.urn]);
    });

    for (const preview of [false, true]) {
      it(`counts running tasks (Container Insights) or CPU and memory (AWS/ECS) on the service's ClusterName and ServiceName (${preview ? "preview" : "after update"})`, async () => {
        for (const metric of [
          { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount" },
          { namespace: "AWS/ECS", metricName: "CPUUtilization" },
          { namespace: "AWS/ECS", metricName: "MemoryUtilization" },
        ]) {
          const fx = new Fixture({ preview });
          const ecs = ecsService(fx, network(fx, AZS).subnets.app);
          ecsServiceAlarm(fx, ecs, snsTopic(fx), metric);
          expect(messagesOf(await evaluate(resiliencePack, fx), RULE), metric.metricName).to.deep.equal([]);
        }
      });
    }

    it("counts running against desired tasks as metric math over both counts", async () => {
      const fx = new Fixture({ preview: true });
      const ecs = ecsService(fx, network(fx, AZS).subnets.app);
      const topic = snsTopic(fx);
      const dimensions = { ClusterName: fx.ref(ecs.cluster, "name"), ServiceName: fx.ref(ecs.service, "name") };
      fx.add(T.alarm, "tasks-below-desired", {
        metricQueries: [
          { id: "gap", expression: "desired - running", returnData: true },
          { id: "running", metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions, period: 60, stat: "Minimum" } },
          { id: "desired", metric: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", dimensions, period: 60, stat: "Maximum" } },
        ],
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [fx.ref(topic, "arn")],
      });
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
    });

    it("does not count an alarm on the cluster alone, on another service, or on a metric that is not the service's health", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      const ecs = ecsService(fx, net.subnets.app);
      const other = ecsService(fx, net.subnets.app, { name: "other" });
      const topic = snsTopic(fx);
      ecsServiceAlarm(fx, ecs, topic, { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: { ClusterName: fx.ref(ecs.cluster, "name", ecs.cluster.name) } }, "cluster-cpu");
      ecsServiceAlarm(fx, other, topic);
      ecsServiceAlarm(fx, ecs, topic, { namespace: "AWS/ECS", metricName: "CPUReservation" }, "reservation");
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([NOT_WATCHED]);
    });

    it("accepts an alarm built from the literal names (another stack's alarm, or after an update)", async () => {
      const fx = new Fixture();
      ecsService(fx, network(fx, AZS).subnets.app);
      fx.add(T.alarm, "memory", {
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        dimensions: { ClusterName: "api-cluster", ServiceName: "api" },
        statistic: "Average",
        alarmActions: ["arn:aws:sns:us-east-1:123456789012:pager"],
      });
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
    });

    it("names the service's alarm that notifies no SNS topic", async () => {
      const fx = new Fixture();
      const ecs = ecsService(fx, network(fx, AZS).subnets.app);
      ecsServiceAlarm(fx, ecs, null);
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
        "ECS service api has no alarm whose actions reach an SNS topic: its alarm(s) alarm-api notify no SNS topic (alarmActions)",
      ]);
    });
  });
});
