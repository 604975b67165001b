import { z } from "zod";
import { cidrsOverlap, parseCidr } from "./cidr";
import { DEFAULT_AZ_SLOTS_PER_TIER, DEFAULT_TIER_PREFIXES, planSubnets } from "./subnetPlan";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * A config key holding a CloudWatch Logs retention (days): only the periods CloudWatch offers are
 * accepted. `what` starts the key's description; the default is appended.
 */
export function logRetentionDays(defaultDays: (typeof LOG_RETENTION_DAYS)[number], what: string) {
  return z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(defaultDays)
    .describe(`${what} (a CloudWatch Logs retention value). Default ${defaultDays}.`);
}

export const NAT_GATEWAY_MODES = ["perAz", "single"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

const subnetPrefix = (tier: string, fallback: number) =>
  z
    .number()
    .int()
    .min(16)
    .max(28)
    .default(fallback)
    .describe(`Prefix length of each ${tier} subnet (16-28). Default /${fallback}.`);

/** Stack config keys owned by HaNetwork (namespace `trading-platform:`). */
export const networkConfigShape = {
  vpcCidr: z
    .string()
    .describe("IPv4 CIDR of this stack's VPC, e.g. 10.20.0.0/16. Required; must not overlap peerVpcCidrs."),
  peerVpcCidrs: z
    .array(z.string())
    .default([])
    .describe("CIDRs of networks this VPC must stay routable with (other regions' VPCs, on-premises). Default none."),
  publicSubnetPrefix: subnetPrefix("public", DEFAULT_TIER_PREFIXES.public),
  appSubnetPrefix: subnetPrefix("app", DEFAULT_TIER_PREFIXES.app),
  dataSubnetPrefix: subnetPrefix("data", DEFAULT_TIER_PREFIXES.data),
  azSlotsPerTier: z
    .number()
    .int()
    .min(1)
    .max(6)
    .default(DEFAULT_AZ_SLOTS_PER_TIER)
    .describe(
      `Subnet slots reserved per tier so adding an AZ never renumbers subnets (>= number of AZ IDs, <= 6). Default ${DEFAULT_AZ_SLOTS_PER_TIER}.`,
    ),
  natGatewayMode: z
    .enum(NAT_GATEWAY_MODES)
    .default("perAz")
    .describe('"perAz" (one NAT gateway per AZ) or "single" (one shared NAT, dev only). Default perAz.'),
  flowLogRetentionDays: logRetentionDays(90, "Retention of the VPC flow log group, in days"),
};

type NetworkConfig = z.output<z.ZodObject<typeof networkConfigShape>>;

/** Reports a problem against one config key; supplied by the stack config loader. */
export type ReportIssue = (key: string, message: string) => void;

/** Checks that involve several network keys at once. */
export function checkNetworkConfig(
  cfg: NetworkConfig & { azIds: string[]; isProduction: boolean },
  report: ReportIssue,
): void {
  if (cfg.isProduction && cfg.natGatewayMode === "single") {
    report("natGatewayMode", 'must be "perAz" in a prod stack: a single NAT gateway makes one AZ the egress of all');
  }
  let vpc;
  try {
    vpc = parseCidr(cfg.vpcCidr);
  } catch (err) {
    report("vpcCidr", `is malformed: ${(err as Error).message}`);
    return;
  }
  if (vpc.prefix < 16 || vpc.prefix > 24) {
    report("vpcCidr", `must have a prefix between /16 and /24 (AWS VPC limits); got /${vpc.prefix}`);
    return;
  }
  cfg.peerVpcCidrs.forEach((peerText, index) => {
    try {
      const peer = parseCidr(peerText);
      if (cidrsOverlap(vpc, peer)) {
        report("vpcCidr", `${cfg.vpcCidr} overlaps peerVpcCidrs[${index}] ${peerText}; peered networks need disjoint ranges`);
      }
    } catch (err) {
      report(`peerVpcCidrs[${index}]`, `is malformed: ${(err as Error).message}`);
    }
  });
  if (cfg.azSlotsPerTier < cfg.azIds.length) {
    report("azSlotsPerTier", `must be at least the number of AZ IDs (${cfg.azIds.length}); got ${cfg.azSlotsPerTier}`);
    return;
  }
  try {
    planSubnets({
      vpcCidr: cfg.vpcCidr,
      azCount: cfg.azIds.length,
      slotsPerTier: cfg.azSlotsPerTier,
      prefixes: { public: cfg.publicSubnetPrefix, app: cfg.appSubnetPrefix, data: cfg.dataSubnetPrefix },
    });
  } catch (err) {
    report("vpcCidr", `cannot hold the subnet plan: ${(err as Error).message}`);
  }
}
