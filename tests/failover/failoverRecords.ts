/**
 * One region's half of the DNS failover pair in moto's Route 53, as RegionFailover declares it: a
 * health check on the region's ALB name over HTTPS on the liveness path, and the API name's alias
 * record, PRIMARY in the primary region and SECONDARY elsewhere, evaluating target health.
 */
import { ChangeResourceRecordSetsCommand, CreateHealthCheckCommand, Route53Client } from "@aws-sdk/client-route-53";
import { LIVENESS_PATH } from "../../services/trading-api/src/contract";

/** The ALB alias zone of each region the tests use (Elastic Load Balancing endpoints, per region). */
const ALB_ZONES: Record<string, string> = { "us-east-1": "Z35SXDOTRQ7X7K", "eu-west-1": "Z32O12XQLNTSW2" };

export interface FailoverRecordArgs {
  zoneId: string | undefined;
  apiName: string;
  region: string;
  primaryRegion: string;
  /** Makes the health check's caller reference unique to the test. */
  callerPrefix: string;
}

/** Creates the region's health check and failover record; returns the health check's id. */
export async function createFailoverRecord(route53: Route53Client, args: FailoverRecordArgs): Promise<string> {
  const { region } = args;
  const check = await route53.send(
    new CreateHealthCheckCommand({
      CallerReference: `${args.callerPrefix}-${region}-${Date.now()}`,
      HealthCheckConfig: { Type: "HTTPS", FullyQualifiedDomainName: `trading-alb.${region}.elb.amazonaws.com`, Port: 443, ResourcePath: LIVENESS_PATH },
    }),
  );
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: args.zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: args.apiName,
              Type: "A",
              SetIdentifier: region,
              Failover: region === args.primaryRegion ? "PRIMARY" : "SECONDARY",
              HealthCheckId: check.HealthCheck?.Id,
              AliasTarget: { DNSName: `trading-alb.${region}.elb.amazonaws.com`, HostedZoneId: ALB_ZONES[region], EvaluateTargetHealth: true },
            },
          },
        ],
      },
    }),
  );
  return String(check.HealthCheck?.Id);
}
