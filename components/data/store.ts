/**
 * What each store of the data tier gets alike: its own customer-managed key and its own security
 * group, reachable from the application's group only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { rotatingKmsKey } from "../shared/kmsKey";
import type { DataZone } from "./zones";

/** Where a store is placed and who may reach it: the DataTierArgs fields every store reads. */
export interface StoreNetwork {
  /** The VPC of the data subnets. */
  readonly vpcId: pulumi.Input<string>;
  /** Data subnets, one per AZ, in placement order. */
  readonly zones: DataZone[];
  /** The application's security group, the only source admitted. */
  readonly appSecurityGroupId: pulumi.Input<string>;
}

/** A store's key: the alias is the store's physical id and shares the key's resource name. */
export function storeKey(scope: pulumi.Resource, resourceName: string, aliasBase: string, purpose: string): aws.kms.Key {
  return rotatingKmsKey(resourceName, { description: `${purpose} (${aliasBase})`, alias: { resourceName, name: aliasBase } }, scope);
}

/**
 * A store's security group with one rule in (the port, from the app group) and the matching rule
 * out on the app group. No egress on the store's group: the provider removes AWS's default
 * allow-all egress rule from a group declared without inline rules, and the stores open no
 * connections of their own.
 */
export function storeSecurityGroup(
  scope: pulumi.Resource,
  name: string,
  store: "db" | "cache",
  network: StoreNetwork,
  port: number,
  what: string,
): aws.ec2.SecurityGroup {
  const parent = { parent: scope };
  const group = new aws.ec2.SecurityGroup(
    `${name}-${store}`,
    { vpcId: network.vpcId, description: `${what}: ${port} from the app group only`, tags: { Name: `${name}-${store}` } },
    parent,
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-${store}-in-app`,
    {
      securityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: network.appSecurityGroupId,
      description: `${what} from the app instances`,
    },
    parent,
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-app-out-${store}`,
    {
      securityGroupId: network.appSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: group.id,
      description: `To ${what}`,
    },
    parent,
  );
  return group;
}
