/**
 * Data stores admit only security groups: every ingress rule of a security group attached to an
 * Aurora/RDS cluster or instance, an ElastiCache replication group or a DAX cluster names a source
 * security group (or the group itself), never a CIDR block or a prefix list. An address range admits
 * whatever holds an address in it, today or after the next re-addressing; a referenced group admits
 * exactly the instances that carry it (VPC User Guide, "Security group rules": a source can be a
 * CIDR, a prefix list, or another security group). Where the environment's config lists
 * `allowedSourceGroups`, the source must also be one of them.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { knownStrings, peek, peekArray, peekBoolean, peekString } from "../../lib/values";

interface DataStoreIngressConfig {
  allowedSourceGroups: string[];
}

/** Data store type → the property that lists its security groups. */
const DATA_STORES: Record<string, string> = {
  [TYPES.rdsCluster]: "vpcSecurityGroupIds",
  [TYPES.rdsInstance]: "vpcSecurityGroupIds",
  [TYPES.cacheReplicationGroup]: "securityGroupIds",
  [TYPES.daxCluster]: "securityGroupIds",
};

interface Ingress {
  /** The rule resource (or the group, for inline rules). */
  holder: GraphResource;
  label: string;
  /** CIDRs and prefix lists it admits. */
  addresses: string[];
  /** Source groups it references (resources of the stack), and ids it names that are not. */
  sources: GraphResource[];
  unresolvedSources: string[];
  self: boolean;
}

function addressesOf(props: unknown, keys: string[]): string[] {
  return keys.flatMap((key) => {
    const value = peek(props, key);
    if (typeof value === "string" && value !== "") {
      return [value];
    }
    return Array.isArray(value) ? knownStrings(props, key).values : [];
  });
}

function ingressOf(graph: ResourceGraph, group: GraphResource): Ingress[] {
  const found: Ingress[] = [];
  for (const rule of graph.ofType(TYPES.ingressRule)) {
    if (!graph.refs(rule, "securityGroupId", [TYPES.securityGroup]).resources.includes(group)) {
      continue;
    }
    const sources = graph.refs(rule, "referencedSecurityGroupId", [TYPES.securityGroup]);
    found.push({
      holder: rule,
      label: `ingress rule ${rule.name}`,
      addresses: addressesOf(rule.props, ["cidrIpv4", "cidrIpv6", "prefixListId"]),
      sources: sources.resources,
      unresolvedSources: sources.unresolved,
      self: sources.resources.includes(group),
    });
  }
  for (const rule of graph.ofType(TYPES.securityGroupRule)) {
    if (peekString(rule.props, "type") !== "ingress" || !graph.refs(rule, "securityGroupId", [TYPES.securityGroup]).resources.includes(group)) {
      continue;
    }
    const sources = graph.refs(rule, "sourceSecurityGroupId", [TYPES.securityGroup]);
    found.push({
      holder: rule,
      label: `security group rule ${rule.name}`,
      addresses: addressesOf(rule.props, ["cidrBlocks", "ipv6CidrBlocks", "prefixListIds"]),
      sources: sources.resources,
      unresolvedSources: sources.unresolved,
      self: peekBoolean(rule.props, "self") === true,
    });
  }
  const inline = peekArray(group.props, "ingress");
  for (const [index, entry] of (Array.isArray(inline) ? inline : []).entries()) {
    const ids = knownStrings(entry, "securityGroups").values;
    const sources = graph.resources.filter((r) => r.type === TYPES.securityGroup && ids.includes(peekString(r.props, "id") as string));
    found.push({
      holder: group,
      label: `inline ingress #${index + 1}`,
      addresses: addressesOf(entry, ["cidrBlocks", "ipv6CidrBlocks", "prefixListIds"]),
      sources,
      unresolvedSources: ids.filter((id) => !sources.some((s) => peekString(s.props, "id") === id)),
      self: peekBoolean(entry, "self") === true,
    });
  }
  return found;
}

/** The groups' names a config can list: the logical name and the Name tag. */
function groupNames(group: GraphResource): string[] {
  const tag = peekString(group.props, "tags", "Name");
  return [group.name, ...(typeof tag === "string" ? [tag] : [])];
}

export const dataStoresAdmitOnlySecurityGroups: StackValidationPolicy = {
  name: "data-stores-admit-only-security-groups",
  description:
    "Every ingress rule of a security group attached to an Aurora/RDS cluster or instance, an ElastiCache replication group or a DAX cluster " +
    "admits a referenced security group (or the group itself), never a CIDR block or prefix list; with `allowedSourceGroups` set, only " +
    "those groups (logical name or Name tag).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedSourceGroups: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Security groups (logical name, Name tag or id) that may reach a data store. Empty: any referenced group.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedSourceGroups } = args.getConfig<DataStoreIngressConfig>();
    const graph = new ResourceGraph(args.resources);
    const judged = new Set<string>();
    for (const store of graph.resources.filter((r) => DATA_STORES[r.type] !== undefined)) {
      for (const group of graph.refs(store, DATA_STORES[store.type], [TYPES.securityGroup]).resources) {
        if (judged.has(group.urn)) {
          continue;
        }
        judged.add(group.urn);
        for (const ingress of ingressOf(graph, group)) {
          const where = `${ingress.label} of ${group.name} (the group of ${store.name})`;
          if (ingress.addresses.length > 0) {
            reportViolation(`${where} admits ${ingress.addresses.join(", ")}: a data store admits security groups only`, ingress.holder.urn);
          }
          if (allowedSourceGroups.length === 0) {
            continue;
          }
          const outside = [
            ...ingress.sources.filter((s) => s !== group && !groupNames(s).some((n) => allowedSourceGroups.includes(n))).map((s) => s.name),
            ...ingress.unresolvedSources.filter((id) => !allowedSourceGroups.includes(id)),
          ];
          if (outside.length > 0) {
            reportViolation(`${where} admits ${outside.join(", ")}, which is not in allowedSourceGroups (${allowedSourceGroups.join(", ")})`, ingress.holder.urn);
          }
        }
      }
    }
  },
};
