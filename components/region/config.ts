/**
 * Stack config keys of the region tier (namespace `trading-platform:`): the environment's optional
 * DNS name with Route 53 failover between the regions.
 */
import { z } from "zod";
import type { ReportIssue } from "../network/config";

const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const regionConfigShape = {
  failoverPeerRegions: z
    .array(z.string())
    .default([])
    .describe(
      "The environment's other regions (a primary lists its replicas' regions; a replica's primary region is added by itself): its instances also read their write-region flag, whose newer value can take write mode away from this region. Default none.",
    ),
  dnsHostedZoneId: z
    .string()
    .optional()
    .describe(
      "Route 53 public hosted zone (Z...) of the environment's API name, shared by its stacks. Optional; with dnsApiDomainName, each stack adds its failover record (primary: PRIMARY, replica: SECONDARY) and a health check. Default none (no DNS resources).",
    ),
  dnsApiDomainName: z
    .string()
    .optional()
    .describe(
      'The environment\'s API name in that zone, the same in every stack of the environment, e.g. "api.trading.example.com". Optional, only together with dnsHostedZoneId; needs clusterCertificateArn (the health checks use HTTPS). Default none.',
    ),
};

export type RegionConfig = z.output<z.ZodObject<typeof regionConfigShape>>;

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function checkRegionConfig(cfg: RegionConfig & { clusterCertificateArn?: string; region: string }, report: ReportIssue): void {
  cfg.failoverPeerRegions.forEach((peer, index) => {
    if (!REGION_NAME.test(peer)) report(`failoverPeerRegions[${index}]`, `"${peer}" is not a region name such as eu-west-1`);
    else if (peer === cfg.region) report(`failoverPeerRegions[${index}]`, `"${peer}" is this stack's own region; list the environment's other regions`);
  });
  if (new Set(cfg.failoverPeerRegions).size !== cfg.failoverPeerRegions.length) {
    report("failoverPeerRegions", "lists a region twice");
  }
  const zone = cfg.dnsHostedZoneId;
  const domain = cfg.dnsApiDomainName;
  if ((zone === undefined) !== (domain === undefined)) {
    report(zone === undefined ? "dnsHostedZoneId" : "dnsApiDomainName", "dnsHostedZoneId and dnsApiDomainName go together: set both (DNS failover) or neither (no DNS resources)");
  }
  if (zone !== undefined && !HOSTED_ZONE_ID.test(zone)) {
    report("dnsHostedZoneId", `"${zone}" is not a Route 53 hosted zone ID (Z followed by letters and digits)`);
  }
  if (domain !== undefined && !DOMAIN_NAME.test(domain)) {
    report("dnsApiDomainName", `"${domain}" is not a lower-case DNS name such as api.trading.example.com`);
  }
  if (zone !== undefined && domain !== undefined && !cfg.clusterCertificateArn) {
    report("dnsApiDomainName", "needs clusterCertificateArn: Route 53 health-checks each region over HTTPS, and clients reach the name over HTTPS");
  }
}

/** The DNS settings when both keys are set, else undefined. */
export function dnsSettingsOf(cfg: RegionConfig): { hostedZoneId: string; domainName: string } | undefined {
  return cfg.dnsHostedZoneId && cfg.dnsApiDomainName ? { hostedZoneId: cfg.dnsHostedZoneId, domainName: cfg.dnsApiDomainName } : undefined;
}
