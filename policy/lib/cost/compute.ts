/**
 * Compute at its minimum: Auto Scaling groups at minSize with their launch template's instance type
 * and gp3 volumes, standalone EC2 instances, and ECS services on Fargate at their auto scaling
 * minimum (else their desired count) with their task definition's vCPU and memory.
 */
import { GraphResource, TYPES } from "../graph";
import { peek, peekNumber, peekString } from "../values";
import { ecsServiceMinimum } from "../resilience/ecsService";
import { addItem, note, regionPrices, typedPrice, type Context } from "./context";

function launchTemplateOf(ctx: Context, asg: GraphResource): GraphResource | undefined {
  for (const property of ["launchTemplate", "mixedInstancesPolicy"]) {
    const found = (asg.propertyDependencies[property] ?? []).find((d) => d.type === TYPES.launchTemplate);
    if (found) {
      return found;
    }
  }
  const id = peekString(asg.props, "launchTemplate", "id");
  const name = peekString(asg.props, "launchTemplate", "name");
  return ctx.graph
    .ofType(TYPES.launchTemplate)
    .find((lt) => (typeof id === "string" && peekString(lt.props, "id") === id) || (typeof name === "string" && peekString(lt.props, "name") === name));
}

/** gp3 GB of a launch template's (or instance's) EBS volumes; other volume types are noted. */
function ebsGb(ctx: Context, resource: GraphResource, mappingsProperty: string): number {
  const mappings = peek(resource.props, mappingsProperty);
  if (!Array.isArray(mappings)) {
    return 0;
  }
  let total = 0;
  mappings.forEach((_, i) => {
    const size = peekNumber(mappings, i, "ebs", "volumeSize");
    const type = peekString(mappings, i, "ebs", "volumeType");
    if (typeof size !== "number") {
      return;
    }
    if (type !== undefined && type !== "gp3") {
      ctx.unpriced.push(note(resource, `EBS volume type ${String(type)} is not in the price snapshot`));
      return;
    }
    total += size;
  });
  return total;
}

export function priceCompute(ctx: Context): void {
  for (const asg of ctx.graph.ofType(TYPES.autoscalingGroup)) {
    const regional = regionPrices(ctx, asg);
    if (!regional) {
      continue;
    }
    const minSize = peekNumber(asg.props, "minSize");
    if (typeof minSize !== "number") {
      ctx.unpriced.push(note(asg, "its minSize is unknown"));
      continue;
    }
    const template = launchTemplateOf(ctx, asg);
    if (!template) {
      ctx.unpriced.push(note(asg, "its launch template is not in this stack"));
      continue;
    }
    const type = peekString(template.props, "instanceType");
    const price = typedPrice(ctx, asg, regional.prices.ec2InstanceHour, type, "instance type");
    if (price !== undefined && minSize > 0) {
      addItem(ctx, asg, regional.region, `${minSize} x ${String(type)} instances (auto scaling minimum)`, minSize * ctx.hours, "instance-hour", price);
    }
    const gb = ebsGb(ctx, template, "blockDeviceMappings");
    if (gb > 0 && minSize > 0) {
      addItem(ctx, asg, regional.region, `${minSize} x ${gb} GB gp3 volumes`, minSize * gb, "GB-month", regional.prices.ebsGp3GbMonth);
    }
  }
  for (const instance of ctx.graph.ofType(TYPES.instance)) {
    const regional = regionPrices(ctx, instance);
    if (!regional) {
      continue;
    }
    const type = peekString(instance.props, "instanceType");
    const price = typedPrice(ctx, instance, regional.prices.ec2InstanceHour, type, "instance type");
    if (price !== undefined) {
      addItem(ctx, instance, regional.region, `1 x ${String(type)} instance`, ctx.hours, "instance-hour", price);
    }
  }
}

const ECS_SERVICE = "aws:ecs/service:Service";
const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
/**
 * Fargate bills a task's configured vCPU and memory per second while it runs (AWS Fargate pricing);
 * at the minimum footprint a service runs its minimum number of tasks all month. Only Linux on
 * ARM64 is in the snapshot: another architecture is left unpriced, with the reason.
 */
export function priceFargate(ctx: Context): void {
  for (const service of ctx.graph.ofType(ECS_SERVICE)) {
    if (peekString(service.props, "launchType") !== "FARGATE") {
      continue;
    }
    const regional = regionPrices(ctx, service);
    if (!regional) {
      continue;
    }
    const fargate = regional.prices.fargateArm;
    if (!fargate) {
      ctx.unpriced.push(note(service, `the price snapshot has no Fargate prices for ${regional.region}`));
      continue;
    }
    const task = (service.propertyDependencies.taskDefinition ?? []).find((d) => d.type === ECS_TASK_DEFINITION);
    if (!task) {
      ctx.unpriced.push(note(service, "its task definition is not in this stack"));
      continue;
    }
    const architecture = peekString(task.props, "runtimePlatform", "cpuArchitecture");
    if (architecture !== "ARM64") {
      ctx.unpriced.push(note(service, `its tasks run on ${String(architecture ?? "X86_64")}; the price snapshot has Fargate on ARM64 only`));
      continue;
    }
    const cpu = Number(peek(task.props, "cpu"));
    const memoryMiB = Number(peek(task.props, "memory"));
    const tasks = ecsServiceMinimum(ctx.graph, service).min;
    if (!Number.isFinite(cpu) || !Number.isFinite(memoryMiB) || typeof tasks !== "number") {
      ctx.unpriced.push(note(service, "its task size or minimum task count is unknown"));
      continue;
    }
    if (tasks <= 0) {
      continue;
    }
    const vcpu = cpu / 1024;
    const gb = memoryMiB / 1024;
    addItem(ctx, service, regional.region, `${tasks} x ${vcpu} vCPU Fargate tasks (ARM64, auto scaling minimum)`, tasks * vcpu * ctx.hours, "vCPU-hour", fargate.vcpuHour);
    addItem(ctx, service, regional.region, `${tasks} x ${gb} GB Fargate task memory`, tasks * gb * ctx.hours, "GB-hour", fargate.gbHour);
  }
}
