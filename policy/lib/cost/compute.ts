/**
 * Compute at its minimum: Auto Scaling groups at minSize with their launch template's instance type
 * and gp3 volumes, and standalone EC2 instances.
 */
import { GraphResource, TYPES } from "../graph";
import { peek, peekNumber, peekString } from "../values";
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
