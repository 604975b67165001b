/**
 * The checks `npm run preflight` can only make with credentials for the target account: who the
 * caller is, whether the certificate is issued and covers the API's name, whether the hosted zone
 * exists, is public and holds that name, the account's applied quotas (Service Quotas), and
 * whether the pinned AMI is still AWS's current one. A call that fails becomes a TO DO naming the
 * call and why (services/cli/explain.ts), never a stack trace.
 */
import { ACMClient, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { al2023AmiParameter } from "../../components/cluster/launchTemplate";
import { nameAwsCalls } from "../../services/cli/awsCalls";
import { explainError } from "../../services/cli/explain";
import type { StackConfig } from "../../stacks/config";
import { EXAMPLE_ACCOUNT_ID } from "../../stacks/placeholders";
import type { RecordedResource } from "../cloud/recorder";
import { QUOTAS } from "./quotas";
import { CheckLine, ok, oneLine, todo } from "./report";

export interface AwsCheckInput {
  config: StackConfig;
  account: string;
  resources: RecordedResource[];
  neighbours: { stack: string; resources: RecordedResource[] }[];
}

/** A check's failed call as a TO DO line. */
function failed(what: string, error: unknown, region: string): CheckLine {
  return todo(what, oneLine(explainError(error, { region: `the stack's region is ${region}` })));
}

/** `api.trading.example.com` is covered by `*.trading.example.com` or by itself. */
export function certificateCovers(names: string[], domain: string): boolean {
  const wanted = domain.toLowerCase().replace(/\.$/, "");
  return names.some((name) => {
    const n = name.toLowerCase().replace(/\.$/, "");
    return n === wanted || (n.startsWith("*.") && wanted.endsWith(n.slice(1)) && !wanted.slice(0, -n.length + 1).includes("."));
  });
}

async function certificateLine(config: StackConfig): Promise<CheckLine | undefined> {
  const arn = config.clusterCertificateArn;
  if (!arn) return undefined;
  const region = arn.split(":")[3] ?? config.region;
  try {
    const acm = nameAwsCalls(new ACMClient({ region, maxAttempts: 2 }));
    const { Certificate: certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    if (certificate?.Status !== "ISSUED") {
      return todo("certificate (AWS)", `${arn} is ${certificate?.Status ?? "unknown"}: finish its validation (DNS record) until ACM says ISSUED`);
    }
    const names = [certificate.DomainName ?? "", ...(certificate.SubjectAlternativeNames ?? [])].filter(Boolean);
    if (config.dnsApiDomainName && !certificateCovers(names, config.dnsApiDomainName)) {
      return todo("certificate (AWS)", `issued for ${names.join(", ")}, which does not cover ${config.dnsApiDomainName}: request one that does`);
    }
    return ok("certificate (AWS)", `issued for ${names.join(", ")}`);
  } catch (error) {
    return failed("certificate (AWS)", error, region);
  }
}

async function hostedZoneLine(config: StackConfig): Promise<CheckLine | undefined> {
  if (!config.dnsHostedZoneId || !config.dnsApiDomainName) return undefined;
  try {
    const route53 = nameAwsCalls(new Route53Client({ region: "us-east-1", maxAttempts: 2 }));
    const { HostedZone: zone } = await route53.send(new GetHostedZoneCommand({ Id: config.dnsHostedZoneId }));
    const zoneName = (zone?.Name ?? "").replace(/\.$/, "");
    if (zone?.Config?.PrivateZone) return todo("hosted zone (AWS)", `${config.dnsHostedZoneId} (${zoneName}) is private; the failover records need a public zone`);
    if (!`.${config.dnsApiDomainName}`.endsWith(`.${zoneName}`)) {
      return todo("hosted zone (AWS)", `${config.dnsHostedZoneId} is ${zoneName}, which cannot hold ${config.dnsApiDomainName}`);
    }
    return ok("hosted zone (AWS)", `${config.dnsHostedZoneId} is the public zone ${zoneName}`);
  } catch (error) {
    return failed("hosted zone (AWS)", error, "us-east-1");
  }
}

async function quotaLines(input: AwsCheckInput): Promise<CheckLine[]> {
  const region = input.config.region;
  const inRegion = (resources: RecordedResource[]) => resources.filter((r) => r.region === region);
  const quotas = nameAwsCalls(new ServiceQuotasClient({ region, maxAttempts: 2 }));
  const lines: CheckLine[] = [];
  for (const quota of QUOTAS) {
    const used = quota.used(inRegion(input.resources));
    if (used === 0 || !quota.serviceCode || !quota.quotaCode) continue;
    const together = used + input.neighbours.reduce((sum, n) => sum + quota.used(inRegion(n.resources)), 0);
    const what = `applied quota ${quota.name}`;
    try {
      const { Quota: applied } = await quotas.send(new GetServiceQuotaCommand({ ServiceCode: quota.serviceCode, QuotaCode: quota.quotaCode }));
      const value = applied?.Value ?? quota.default;
      const detail = `${value} in account ${input.account} (${quota.serviceCode} ${quota.quotaCode}); this stack needs ${used}${together > used ? `, ${together} with the region's other stacks` : ""}, besides what the account already uses`;
      lines.push(used > value ? todo(what, `${detail}: request an increase`) : ok(what, detail));
    } catch (error) {
      lines.push(failed(what, error, region));
    }
  }
  return lines;
}

async function amiLine(config: StackConfig): Promise<CheckLine> {
  const parameter = al2023AmiParameter(config.clusterInstanceType);
  try {
    const ssm = nameAwsCalls(new SSMClient({ region: config.region, maxAttempts: 2 }));
    const current = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value;
    return current === config.clusterAmiId
      ? ok("AMI (AWS)", `${config.clusterAmiId} is AWS's current Amazon Linux 2023 for ${config.clusterInstanceType}`)
      : ok("AMI (AWS)", `pinned ${config.clusterAmiId}; AWS's current is ${current ?? "unknown"} (\`npm run ami:latest -- ${config.stack}\` moves the pin and rolls the fleet when merged)`);
  } catch (error) {
    return failed("AMI (AWS)", error, config.region);
  }
}

export async function awsLines(input: AwsCheckInput): Promise<CheckLine[]> {
  const identity =
    input.account === EXAMPLE_ACCOUNT_ID
      ? todo("account", `${input.account} is AWS's documentation example account: use credentials for the account you deploy into`)
      : ok("account", `credentials for account ${input.account}`);
  const [certificate, zone, ami] = await Promise.all([certificateLine(input.config), hostedZoneLine(input.config), amiLine(input.config)]);
  return [identity, ...[certificate, zone].filter((l): l is CheckLine => l !== undefined), ami, ...(await quotaLines(input))];
}
