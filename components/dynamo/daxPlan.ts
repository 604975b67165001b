/**
 * DAX facts and placement, as pure functions (unit tested without Pulumi).
 *
 * - Node types: current-generation r5 (memory optimised) and t3 (burstable, non-production only:
 *   a cache that runs out of CPU credits at the market open is worse than none). r4/t2 are previous
 *   generation. A cluster's node type cannot be changed: a new type means a new cluster.
 * - A cluster has 1 to 11 nodes (a primary and up to 10 read replicas); production needs at least
 *   3 across AZs, so losing an AZ leaves a primary and a replica.
 * - `availabilityZones` must list exactly `replicationFactor` AZ names, one per node; it cannot be
 *   changed in place (nor can the node type), so such a change replaces the cluster.
 * - TLS clusters listen on 9111 (plain ones on 8111); clients connect with `daxs://`.
 */

import { createHash } from "node:crypto";

export const DAX_PRODUCTION_NODE_TYPES = [
  "dax.r5.large",
  "dax.r5.xlarge",
  "dax.r5.2xlarge",
  "dax.r5.4xlarge",
  "dax.r5.8xlarge",
  "dax.r5.12xlarge",
  "dax.r5.16xlarge",
  "dax.r5.24xlarge",
] as const;
export const DAX_BURSTABLE_NODE_TYPES = ["dax.t3.small", "dax.t3.medium"] as const;
export const DAX_NODE_TYPES = [...DAX_PRODUCTION_NODE_TYPES, ...DAX_BURSTABLE_NODE_TYPES] as const;
export type DaxNodeType = (typeof DAX_NODE_TYPES)[number];

export const DAX_MAX_NODES = 11;
export const DAX_PRODUCTION_MIN_NODES = 3;
/** Port of a DAX cluster whose endpoint encryption is TLS. */
export const DAX_TLS_PORT = 9111;

export function isBurstableDaxNodeType(nodeType: string): boolean {
  return (DAX_BURSTABLE_NODE_TYPES as readonly string[]).includes(nodeType);
}

/**
 * One AZ name per node, in the order given: the first `replicationFactor` AZs. A cluster cannot
 * have more nodes than AZs here, because the AWS provider sends `availabilityZones` as a set: a
 * repeated AZ would collapse and the list would no longer match the replication factor.
 */
export function daxNodeAvailabilityZones(azNames: readonly string[], replicationFactor: number): string[] {
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1 || replicationFactor > DAX_MAX_NODES) {
    throw new RangeError(`replicationFactor must be a whole number from 1 to ${DAX_MAX_NODES}; got ${replicationFactor}`);
  }
  if (azNames.length === 0) {
    throw new RangeError("need at least one AZ to place DAX nodes in");
  }
  if (new Set(azNames).size !== azNames.length) {
    throw new RangeError(`AZ names must be distinct; got ${azNames.join(", ")}`);
  }
  if (replicationFactor > azNames.length) {
    throw new RangeError(
      `replicationFactor ${replicationFactor} exceeds the ${azNames.length} AZs: nodes are placed one per AZ (availabilityZones is a set)`,
    );
  }
  return azNames.slice(0, replicationFactor);
}

const CLUSTER_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** DAX allows 20 characters; `-` and a 4-hex generation take 5 of them. */
const DAX_NAME_LIMIT = 20;
const GENERATION_LENGTH = 4;
export const DAX_BASE_NAME_LIMIT = DAX_NAME_LIMIT - GENERATION_LENGTH - 1;

/**
 * Base of the DAX cluster name, `trading-<environment>`: lowercase letters, digits and single
 * hyphens, starting with a letter, short enough for the generation suffix ({@link daxGenerationName}).
 */
export function daxClusterName(environment: string): string {
  const name = `trading-${environment}`;
  if (name.length > DAX_BASE_NAME_LIMIT || !CLUSTER_NAME.test(name)) {
    throw new RangeError(
      `DAX cluster name "${name}" is invalid: at most ${DAX_BASE_NAME_LIMIT} characters (DAX allows ${DAX_NAME_LIMIT}; the generation suffix takes ${GENERATION_LENGTH + 1}), lowercase letters, digits and single hyphens, starting with a letter`,
    );
  }
  return name;
}

/**
 * The inputs that force a new DAX cluster (terraform-provider-aws aws_dax_cluster: ForceNew on
 * node_type, availability_zones, subnet_group_name, iam_role_arn, cluster_endpoint_encryption_type
 * and server_side_encryption.enabled; cluster_name too, which this name is).
 */
export interface DaxReplacementInputs {
  nodeType: string;
  availabilityZones: readonly string[];
  subnetGroupName: string;
  iamRoleArn: string;
  endpointEncryption: string;
  serverSideEncryption: boolean;
}

/**
 * `<base>-<generation>`: the generation is a hash of everything that forces a new cluster, so a
 * replacement gets a new name and Pulumi can create it before it deletes the old one (DAX names are
 * unique per region and account: with one fixed name a replacement had to delete the cache first).
 * The same inputs give the same name, so nothing else renames the cluster.
 */
export function daxGenerationName(base: string, inputs: DaxReplacementInputs): string {
  const canonical = JSON.stringify({ ...inputs, availabilityZones: [...inputs.availabilityZones].sort() });
  return `${base}-${createHash("sha256").update(canonical).digest("hex").slice(0, GENERATION_LENGTH)}`;
}

/** The TLS discovery endpoint clients use (the DAX SDK defaults to port 9111 for daxs://). */
export function daxTlsEndpoint(clusterAddress: string): string {
  return `daxs://${clusterAddress}`;
}
