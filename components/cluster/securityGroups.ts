import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Ports the load balancer listens on: HTTPS, and HTTP (a redirect to HTTPS, or plain HTTP in dev). */
export const ALB_LISTENER_PORTS = { https: 443, http: 80 } as const;

/**
 * Inputs of ClusterSecurityGroups.
 *
 * The CIDR list is a plain array on purpose: each CIDR becomes its own rule resource, so the set of
 * rules is known when the program runs (and visible in a preview and to the policy packs).
 */
export interface ClusterSecurityGroupsArgs {
  /** The VPC both groups live in. */
  readonly vpcId: pulumi.Input<string>;
  /** IPv4 CIDRs allowed to reach the load balancer on 443 and 80. May be empty (no one). */
  readonly ingressCidrs: string[];
  /** Port the service listens on; the only port the app group admits, and only from the ALB group. */
  readonly appPort: pulumi.Input<number>;
}

/**
 * The cluster's two security groups, created before the data stores so that they can admit the app
 * group and add the matching egress rule on it:
 * - ALB group: 443/80 in from the configured CIDRs; out to the app group on the app port, and (added
 *   by the load balancer, components/cluster/loadBalancer.ts, only when its HTTPS listener verifies
 *   JWTs) out on 443 to the token issuer's JWKS endpoint.
 * - App group: the app port in from the ALB group only; out on 443 (AWS APIs through the gateway
 *   endpoints or NAT: SSM, S3, CloudWatch, DynamoDB, the AL2023 package repositories). Rules to the
 *   data stores (DAX, Aurora, ElastiCache) are added by those components.
 * Every rule is its own resource: inline rules and separate rules on one group fight each other.
 */
export class ClusterSecurityGroups extends pulumi.ComponentResource {
  /** The load balancer's group: 443/80 in from `ingressCidrs`, out to the app group on the app port. */
  public readonly albSecurityGroupId: pulumi.Output<string>;
  /** The instances' group: the app port in from the ALB group only; data stores admit it. */
  public readonly appSecurityGroupId: pulumi.Output<string>;
  /** The ALB group resource, for dependencies and further rules. */
  public readonly albSecurityGroup: aws.ec2.SecurityGroup;
  /** The app group resource, for dependencies and further rules. */
  public readonly appSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: ClusterSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:cluster:ClusterSecurityGroups", name, {}, opts);
    const parent = { parent: this };

    // No inline ingress/egress arguments: the provider then removes AWS's default allow-all egress
    // rule and leaves the group to the rule resources below.
    this.albSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      { vpcId: args.vpcId, description: "Trading ALB: HTTPS/HTTP from allowed CIDRs", tags: { Name: `${name}-alb` } },
      parent,
    );
    this.appSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-app`,
      { vpcId: args.vpcId, description: "Trading app instances: app port from the ALB only", tags: { Name: `${name}-app` } },
      parent,
    );
    const albSgId = this.albSecurityGroup.id;
    const appSgId = this.appSecurityGroup.id;

    for (const [index, cidr] of args.ingressCidrs.entries()) {
      for (const [scheme, port] of Object.entries(ALB_LISTENER_PORTS)) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-alb-in-${scheme}-${index}`,
          {
            securityGroupId: albSgId,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: cidr,
            description: `${scheme.toUpperCase()} from ${cidr}`,
          },
          parent,
        );
      }
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out-app`,
      {
        securityGroupId: albSgId,
        ipProtocol: "tcp",
        fromPort: args.appPort,
        toPort: args.appPort,
        referencedSecurityGroupId: appSgId,
        description: "To the app instances (traffic and health checks)",
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-app-in-alb`,
      {
        securityGroupId: appSgId,
        ipProtocol: "tcp",
        fromPort: args.appPort,
        toPort: args.appPort,
        referencedSecurityGroupId: albSgId,
        description: "App port from the ALB only",
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-app-out-https`,
      {
        securityGroupId: appSgId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTPS to AWS APIs (SSM, S3, CloudWatch, DynamoDB) and the AL2023 repositories",
      },
      parent,
    );

    this.albSecurityGroupId = albSgId;
    this.appSecurityGroupId = appSgId;
    this.registerOutputs({ albSecurityGroupId: this.albSecurityGroupId, appSecurityGroupId: this.appSecurityGroupId });
  }
}
