/**
 * The AWS quotas a stack draws on at its first deploy, AWS's default for each, and how many the
 * stack uses (counted from the mock cloud's recording of the real program). Defaults are AWS's
 * published ones; an account may have raised values, which `npm run preflight` reads from Service
 * Quotas where it has credentials and a quota code is known.
 *
 * Sources:
 * - VPC (VPCs, internet gateways, NAT gateways per AZ, gateway endpoints): "Amazon VPC quotas",
 *   https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (codes and defaults as
 *   Service Quotas lists them for service code `vpc`).
 * - Elastic IPs: "Elastic IP address quota", 5 per Region,
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html (`ec2` L-0263D0A3).
 * - DAX nodes (50 per Region per account) and DynamoDB provisioned capacity (40,000 RCU/WCU per
 *   table, 80,000 per account per Region): "Quotas in Amazon DynamoDB",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 * - RDS DB instances and DB clusters (40 each per Region): "Quotas and constraints for Amazon RDS",
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html
 * - Application Load Balancers (50 per Region): "Quotas for your Application Load Balancers",
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
import type { RecordedResource } from "../cloud/recorder";

export interface QuotaSpec {
  id: string;
  name: string;
  /** AWS's default value. */
  default: number;
  /** Service Quotas codes, where known, to read the account's applied value. */
  serviceCode?: string;
  quotaCode?: string;
  /** How many of it the stack uses (per AZ: the most in any one AZ; DynamoDB capacity: the table's and every GSI's scaling maxima). */
  used(resources: RecordedResource[]): number;
}

const count = (type: string) => (resources: RecordedResource[]) => resources.filter((r) => r.type === type).length;

function capacityMaxima(resources: RecordedResource[], dimension: string): number {
  return resources
    .filter((r) => r.type === "aws:appautoscaling/target:Target" && String(r.inputs.scalableDimension ?? "").endsWith(dimension))
    .reduce((sum, r) => sum + Number(r.inputs.maxCapacity ?? 0), 0);
}

/** NAT gateways in the busiest AZ: the quota is per AZ, and the stack places at most one per AZ. */
function natGatewaysPerAz(resources: RecordedResource[]): number {
  const subnets = new Map(resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => [r.urn, r]));
  const perAz = new Map<string, number>();
  for (const nat of resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway")) {
    const subnet = subnets.get(nat.propertyDependencies.subnetId?.[0] ?? "");
    const az = String(subnet?.inputs.availabilityZoneId ?? subnet?.inputs.availabilityZone ?? nat.urn);
    perAz.set(az, (perAz.get(az) ?? 0) + 1);
  }
  return Math.max(0, ...perAz.values());
}

export const QUOTAS: QuotaSpec[] = [
  { id: "vpcs", name: "VPCs per Region", default: 5, serviceCode: "vpc", quotaCode: "L-F678F1CE", used: count("aws:ec2/vpc:Vpc") },
  { id: "igws", name: "internet gateways per Region", default: 5, serviceCode: "vpc", quotaCode: "L-A4707A72", used: count("aws:ec2/internetGateway:InternetGateway") },
  { id: "nat-per-az", name: "NAT gateways per AZ", default: 5, serviceCode: "vpc", quotaCode: "L-FE5A380F", used: natGatewaysPerAz },
  {
    id: "gateway-endpoints",
    name: "gateway endpoints per Region",
    default: 20,
    serviceCode: "vpc",
    quotaCode: "L-1B52E74A",
    used: (resources) => resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && (r.inputs.vpcEndpointType ?? "Gateway") === "Gateway").length,
  },
  { id: "eips", name: "Elastic IPs per Region", default: 5, serviceCode: "ec2", quotaCode: "L-0263D0A3", used: count("aws:ec2/eip:Eip") },
  { id: "albs", name: "load balancers per Region", default: 50, used: count("aws:lb/loadBalancer:LoadBalancer") },
  { id: "db-instances", name: "DB instances per Region", default: 40, used: count("aws:rds/clusterInstance:ClusterInstance") },
  { id: "db-clusters", name: "DB clusters per Region", default: 40, used: count("aws:rds/cluster:Cluster") },
  {
    id: "dax-nodes",
    name: "DAX nodes per Region",
    default: 50,
    used: (resources) => resources.filter((r) => r.type === "aws:dax/cluster:Cluster").reduce((sum, r) => sum + Number(r.inputs.replicationFactor ?? 0), 0),
  },
  { id: "dynamo-read", name: "DynamoDB read capacity per Region", default: 80_000, used: (r) => capacityMaxima(r, "ReadCapacityUnits") },
  { id: "dynamo-write", name: "DynamoDB write capacity per Region", default: 80_000, used: (r) => capacityMaxima(r, "WriteCapacityUnits") },
];
