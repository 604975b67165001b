import { Cidr, cidrEnd, cidrSize, formatCidr, parseCidr } from "./cidr";

/** The three subnet tiers HaNetwork lays out in every AZ. */
export const SUBNET_TIERS = ["public", "app", "data"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Prefix length of each tier's subnets. */
export type TierPrefixes = Record<SubnetTier, number>;

/** Public /24 (ALB and NAT only), app /20 (the fleet and Lambda ENIs), data /24 (databases, caches, DAX). */
export const DEFAULT_TIER_PREFIXES: TierPrefixes = { public: 24, app: 20, data: 24 };

/** Subnet slots reserved per tier, so adding an AZ later never renumbers existing subnets. */
export const DEFAULT_AZ_SLOTS_PER_TIER = 4;

/** AWS accepts subnets from /16 to /28. */
export const SMALLEST_SUBNET_PREFIX = 28;
export const LARGEST_SUBNET_PREFIX = 16;

export interface SubnetPlanInput {
  vpcCidr: string;
  azCount: number;
  prefixes?: TierPrefixes;
  slotsPerTier?: number;
}

/** CIDRs per tier, index i belonging to the i-th AZ of the stack's AZ list. */
export type SubnetPlan = Record<SubnetTier, string[]>;

/**
 * Plans every tier's subnets inside the VPC CIDR.
 *
 * Tiers are packed largest block first, each aligned to its own size, so blocks never overlap and
 * no address space is lost to alignment. Each tier reserves `slotsPerTier` blocks whatever the AZ
 * count, so a stack that grows from three to four AZs keeps its existing subnets where they are.
 */
export function planSubnets(input: SubnetPlanInput): SubnetPlan {
  const prefixes = input.prefixes ?? DEFAULT_TIER_PREFIXES;
  const slots = input.slotsPerTier ?? DEFAULT_AZ_SLOTS_PER_TIER;
  const vpc: Cidr = parseCidr(input.vpcCidr);

  if (!Number.isInteger(input.azCount) || input.azCount < 1) {
    throw new Error(`azCount must be a positive integer, got ${input.azCount}`);
  }
  if (!Number.isInteger(slots) || slots < input.azCount) {
    throw new Error(`slotsPerTier (${slots}) must be an integer of at least the AZ count (${input.azCount})`);
  }
  for (const tier of SUBNET_TIERS) {
    const prefix = prefixes[tier];
    if (!Number.isInteger(prefix) || prefix <= vpc.prefix || prefix > SMALLEST_SUBNET_PREFIX) {
      throw new Error(
        `${tier} subnet prefix /${prefix} must be an integer longer than the VPC's /${vpc.prefix} and at most /${SMALLEST_SUBNET_PREFIX}`,
      );
    }
  }

  const needed = SUBNET_TIERS.reduce((sum, tier) => sum + slots * cidrSize(prefixes[tier]), 0);
  const available = cidrSize(vpc.prefix);
  if (needed > available) {
    throw new Error(
      `VPC ${input.vpcCidr} holds ${available} addresses but ${slots} slots per tier of ` +
        `public /${prefixes.public}, app /${prefixes.app} and data /${prefixes.data} need ${needed}`,
    );
  }

  const plan: SubnetPlan = { public: [], app: [], data: [] };
  const bySizeDescending = [...SUBNET_TIERS].sort((a, b) => prefixes[a] - prefixes[b]);
  let cursor = vpc.base;
  for (const tier of bySizeDescending) {
    const size = cidrSize(prefixes[tier]);
    for (let slot = 0; slot < slots; slot++) {
      cursor = Math.ceil(cursor / size) * size;
      const block: Cidr = { base: cursor, prefix: prefixes[tier] };
      if (cidrEnd(block) > cidrEnd(vpc)) {
        throw new Error(`VPC ${input.vpcCidr} has no room left for ${tier} subnet slot ${slot}`);
      }
      if (slot < input.azCount) {
        plan[tier].push(formatCidr(block));
      }
      cursor += size;
    }
  }
  return plan;
}
