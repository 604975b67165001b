/**
 * The fake AWS account behind the mock cloud: AZ tables per region, invoke results, and the
 * computed outputs AWS would add to a resource (ids, ARNs, AZ names of subnets, ...).
 *
 * Components that need another fake add it here, in one place, so every test and the offline plan
 * see the same cloud.
 */

export const FAKE_ACCOUNT_ID = "123456789012";

export interface FakeAz {
  name: string;
  id: string;
}

/**
 * AZ names map to AZ IDs differently in every account; this fake account's mapping is deliberately
 * not "a → az1", so code that confuses names with IDs fails here.
 */
export const FAKE_REGIONS: Record<string, FakeAz[]> = {
  "us-east-1": [
    { name: "us-east-1a", id: "use1-az4" },
    { name: "us-east-1b", id: "use1-az6" },
    { name: "us-east-1c", id: "use1-az1" },
    { name: "us-east-1d", id: "use1-az2" },
    { name: "us-east-1e", id: "use1-az3" },
    { name: "us-east-1f", id: "use1-az5" },
  ],
  "eu-west-1": [
    { name: "eu-west-1a", id: "euw1-az3" },
    { name: "eu-west-1b", id: "euw1-az1" },
    { name: "eu-west-1c", id: "euw1-az2" },
  ],
};

export function regionAzs(region: string): FakeAz[] {
  const azs = FAKE_REGIONS[region];
  if (!azs) {
    throw new Error(`mock cloud: no fake AZ table for region ${region}; add it to stacks/offline/fakeAws.ts`);
  }
  return azs;
}

export function azNameForId(region: string, azId: string): string {
  const az = regionAzs(region).find((a) => a.id === azId);
  if (!az) {
    throw new Error(`mock cloud: AZ ID ${azId} does not exist in ${region} (it has ${regionAzs(region).map((a) => a.id).join(", ")})`);
  }
  return az.name;
}

export function azIdForName(region: string, azName: string): string {
  const az = regionAzs(region).find((a) => a.name === azName);
  if (!az) {
    throw new Error(`mock cloud: AZ ${azName} does not exist in ${region}`);
  }
  return az.id;
}

type Props = Record<string, unknown>;
type InvokeFake = (inputs: Props, region: string) => Props;

/** Fakes of provider functions (invokes), by token. An invoke with no fake fails the test. */
export const INVOKE_FAKES: Record<string, InvokeFake> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
    const azs = regionAzs(region);
    return { id: region, names: azs.map((a) => a.name), zoneIds: azs.map((a) => a.id), groupNames: [region] };
  },
  "aws:index/getRegion:getRegion": (_inputs, region) => ({
    id: region,
    name: region,
    region,
    endpoint: `ec2.${region}.amazonaws.com`,
    description: region,
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: FAKE_ACCOUNT_ID,
    accountId: FAKE_ACCOUNT_ID,
    arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/ci`,
    userId: "AIDAFAKE",
  }),
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
};

/** The service part of a resource type token: "aws:ec2/subnet:Subnet" → "ec2". */
function serviceOf(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

function kindOf(type: string): string {
  return (type.split(":")[2] ?? "resource").toLowerCase();
}

type OutputFake = (name: string, inputs: Props, region: string, id: string) => Props;

/** What AWS computes for a resource beyond its inputs, by type token. */
export const OUTPUT_FAKES: Record<string, OutputFake> = {
  "aws:ec2/vpc:Vpc": (name) => ({
    defaultSecurityGroupId: `sg-default-${name}`,
    mainRouteTableId: `rtb-main-${name}`,
    defaultRouteTableId: `rtb-main-${name}`,
  }),
  "aws:ec2/subnet:Subnet": (_name, inputs, region) => {
    if (typeof inputs.availabilityZoneId === "string") {
      return { availabilityZone: azNameForId(region, inputs.availabilityZoneId) };
    }
    if (typeof inputs.availabilityZone === "string") {
      return { availabilityZoneId: azIdForName(region, inputs.availabilityZone) };
    }
    throw new Error("mock cloud: a subnet needs availabilityZoneId or availabilityZone");
  },
  "aws:ec2/eip:Eip": (_name, _inputs, _region, id) => ({ allocationId: id, publicIp: "198.51.100.10" }),
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, region) => {
    const logGroupName = typeof inputs.name === "string" ? inputs.name : `${String(inputs.namePrefix ?? "")}${name}`;
    return { name: logGroupName, arn: `arn:aws:logs:${region}:${FAKE_ACCOUNT_ID}:log-group:${logGroupName}` };
  },
};

/** Outputs of a created resource: its inputs, an id and ARN, and the type's computed fields. */
export function fakeOutputs(type: string, name: string, inputs: Props, region: string): { id: string; state: Props } {
  const id = `${kindOf(type)}-${name}`;
  const common: Props = {
    arn: `arn:aws:${serviceOf(type)}:${region}:${FAKE_ACCOUNT_ID}:${kindOf(type)}/${name}`,
  };
  const computed = OUTPUT_FAKES[type]?.(name, inputs, region, id) ?? {};
  return { id, state: { ...common, ...inputs, ...computed } };
}
