/**
 * The checks `npm run preflight` makes without credentials: the stack file's example values, the
 * certificate's and DNS settings' shape, and the quotas the stack draws on against AWS's defaults,
 * alone and together with the project's other stacks of the same region (which share an account's
 * quotas when they are deployed into one account).
 */
import type { StackConfig } from "../../stacks/config";
import { findPlaceholders } from "../../stacks/placeholders";
import type { RecordedResource } from "../cloud/recorder";
import { QUOTAS } from "./quotas";
import { CheckLine, ok, todo } from "./report";

/** What the offline checks read: the stack, its config, its recording, and its region's other stacks. */
export interface OfflineInput {
  config: StackConfig;
  resources: RecordedResource[];
  /** The project's other stacks in the same region, with their recordings. */
  neighbours: { stack: string; resources: RecordedResource[] }[];
}

const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;

export function placeholderLines(config: StackConfig): CheckLine[] {
  const placeholders = findPlaceholders(config);
  if (placeholders.length === 0) return [ok("example values", "none left in the stack file")];
  return placeholders.map((p) => todo(`example value ${p.key.replace(/^trading-platform:/, "")}`, `"${p.value}": ${p.fix}`));
}

export function certificateLines(config: StackConfig): CheckLine[] {
  const arn = config.clusterCertificateArn;
  if (!arn) {
    return [config.isProduction ? todo("certificate", "clusterCertificateArn is required in prod") : ok("certificate", "none: the load balancer serves plain HTTP (allowed outside prod)")];
  }
  const match = ACM_ARN.exec(arn);
  if (!match) return [todo("certificate", `"${arn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)`)];
  if (match[1] !== config.region) return [todo("certificate", `the certificate is in ${match[1]}; the load balancer needs one in ${config.region}`)];
  return [ok("certificate", `an ACM certificate in ${config.region} (account ${match[2]})`)];
}

export function dnsLines(config: StackConfig): CheckLine[] {
  if (!config.dnsHostedZoneId && !config.dnsApiDomainName) return [ok("DNS failover", "not configured (no Route 53 resources)")];
  return [ok("DNS failover", `${config.dnsApiDomainName ?? "?"} in hosted zone ${config.dnsHostedZoneId ?? "?"}`)];
}

function inRegion(resources: RecordedResource[], region: string): RecordedResource[] {
  return resources.filter((r) => r.region === region);
}

/** One line per quota the stack uses, against AWS's default, and the region's other stacks' share. */
export function quotaLines(input: OfflineInput): CheckLine[] {
  const region = input.config.region;
  const own = inRegion(input.resources, region);
  const lines: CheckLine[] = [];
  for (const quota of QUOTAS) {
    const used = quota.used(own);
    if (used === 0) continue;
    const shared = input.neighbours.map((n) => ({ stack: n.stack, used: quota.used(inRegion(n.resources, region)) })).filter((n) => n.used > 0);
    const together = used + shared.reduce((sum, n) => sum + n.used, 0);
    const what = `quota ${quota.name}`;
    const withOthers = shared.length > 0 ? `; with ${shared.map((n) => `${n.stack} (${n.used})`).join(", ")} in the same account ${together}` : "";
    const detail = `${used} of AWS's default ${quota.default} in ${region}${withOthers}`;
    if (used > quota.default) {
      lines.push(todo(what, `${detail}: request an increase in Service Quotas before the first deploy`));
    } else if (together > quota.default) {
      lines.push(todo(what, `${detail}: above the default if they share an account; request an increase or deploy them into separate accounts`));
    } else {
      lines.push(ok(what, `${detail} (plus what the account already uses)`));
    }
  }
  return lines;
}

export function offlineLines(input: OfflineInput): CheckLine[] {
  return [...placeholderLines(input.config), ...certificateLines(input.config), ...dnsLines(input.config), ...quotaLines(input)];
}
