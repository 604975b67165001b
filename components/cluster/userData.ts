/**
 * The boot script of a trading-api instance (Amazon Linux 2023), as a pure function of its settings
 * so that it is unit tested and so that a changed setting or artifact visibly changes the launch
 * template.
 *
 * It holds no secret: the pagination-cursor key is read from SSM Parameter Store (SecureString) at
 * boot by the instance role and written to a root-only file that systemd reads before it drops to
 * the service user.
 */
import { serviceAuthEnvironment, type ServiceAuthSettings } from "../edge/authentication";
import { NODE_MAJOR } from "./artifact";
import { BOOT_RESERVE_SECONDS, MIN_BOOT_RETRY_SECONDS, MIN_GRACE_SECONDS } from "./config";

export interface BootSettings {
  region: string;
  artifactBucket: string;
  /** Content-addressed key of the artifact (its sha256 is part of it): names exactly one upload. */
  artifactKey: string;
  artifactSha256: string;
  port: number;
  tableName: string;
  /** DAX discovery endpoint (daxs://…); empty means the service talks to DynamoDB directly. */
  daxEndpoint: string;
  /** Name of the SecureString parameter holding the cursor key. */
  cursorSecretParameter: string;
  /** The key's rotation counter: part of the script so that a rotation rolls the fleet. */
  cursorSecretRotation: number;
  /** CloudWatch Logs group that receives the service's and the boot's logs. */
  logGroupName: string;
  /** Where the reference data and the rate limits are (services/trading-api/src/config.ts). Default none. */
  referenceData?: {
    /** Aurora reader endpoint: the service only reads. */
    dbReaderEndpoint: string;
    dbPort: number;
    dbName: string;
    dbUser: string;
    cachePrimaryEndpoint: string;
    cachePort: number;
    cacheUserName: string;
    cacheReplicationGroupId: string;
  };
  /** SSM parameter naming the environment's write region (services/trading-api/src/writeRegion.ts); empty = always write mode. */
  writeRegionParameter?: string;
  /** The environment's other regions, whose flag the service also reads (comma-separated in WRITE_REGION_PEERS). */
  writeRegionPeers?: string[];
  /**
   * The token issuer the service verifies against. Without it the service gets no AUTH_* variables
   * and refuses to start: authentication is never off by omission.
   */
  authentication?: ServiceAuthSettings;
  /**
   * Seconds the boot's S3 and SSM reads may spend retrying, all together, while the instance role's
   * policy propagates ({@link bootRetryBudgetSeconds} of the group's health check grace period).
   * @default bootRetryBudgetSeconds(120), for the default grace period
   */
  retryBudgetSeconds?: number;
}

// The boot's time budget lives with the grace period's config key (config.ts), which it bounds.
export { BOOT_RESERVE_SECONDS, MIN_BOOT_RETRY_SECONDS, MIN_GRACE_SECONDS };

/**
 * The retry budget of the boot's IAM-dependent reads for a health check grace period: the grace
 * period less {@link BOOT_RESERVE_SECONDS}, so that an instance whose reads succeed on the last
 * retry still comes up before the group starts counting failed ELB health checks (an instance
 * still booting when the grace period ends is replaced). Throws below {@link MIN_GRACE_SECONDS}.
 */
export function bootRetryBudgetSeconds(graceSeconds: number): number {
  const budget = graceSeconds - BOOT_RESERVE_SECONDS;
  if (!Number.isInteger(graceSeconds) || budget < MIN_BOOT_RETRY_SECONDS) {
    throw new Error(
      `a health check grace period of ${graceSeconds} s leaves the boot less than ${MIN_BOOT_RETRY_SECONDS} s to retry its S3 and SSM reads ` +
        `after the ${BOOT_RESERVE_SECONDS} s the rest of the boot needs; use at least ${MIN_GRACE_SECONDS} s`,
    );
  }
  return budget;
}

/** Longest wait between two attempts (1, 2, 4, 8, 16, 16, ... seconds). */
const MAX_BACKOFF_SECONDS = 16;

/**
 * Shell functions that retry an AWS CLI call with exponential backoff until it succeeds or a total
 * budget, shared by every retried call and counted from just before the first, is spent.
 *
 * Why: an instance can boot before the instance role's policy is visible to S3 and SSM — IAM is
 * eventually consistent (IAM User Guide, "Troubleshoot IAM", "Changes that I make are not always
 * immediately visible", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html)
 * and a first deploy creates the role, its policy and the group minutes apart at most. Under
 * `set -e` one AccessDenied used to end the boot, and the group replaced the instance only after
 * the grace period. Every failure is retried (a not-yet-attached profile gives "Unable to locate
 * credentials", a not-yet-propagated policy AccessDenied); a real misconfiguration still fails the
 * boot, once the budget is spent. Each attempt runs under `timeout` with the time left, so a hung
 * call cannot stretch the total.
 *
 * Each attempt is logged to stderr, which cloud-init writes to /var/log/cloud-init-output.log (the
 * CloudWatch agent ships it as the `{instance_id}/boot` stream), and to /dev/console, the serial
 * console EC2's console output (GetConsoleOutput) captures, when it is writable. The command's
 * stdout is never logged: it may carry the cursor key.
 */
export function bootRetryFunctions(budgetSeconds: number): string {
  const budget = safe("retryBudgetSeconds", budgetSeconds);
  return `# --- boot retry: begin
BOOT_RETRY_BUDGET=${budget}
# One deadline for every retried read, set here in the script's own shell: a read in a command
# substitution runs in a subshell, which could not pass a deadline it set back.
BOOT_RETRY_DEADLINE=$(( $(date +%s) + BOOT_RETRY_BUDGET ))
boot_log() {
  local line="trading-api boot: $*"
  echo "$line" >&2
  { echo "$line" > /dev/console; } 2>/dev/null || true
}
retry_aws() {
  local attempt=1 delay=1 now left status
  while true; do
    now=$(date +%s)
    left=$(( BOOT_RETRY_DEADLINE - now ))
    if [ "$left" -le 0 ]; then
      boot_log "giving up on $* after $((attempt - 1)) attempts within $BOOT_RETRY_BUDGET s"
      return 1
    fi
    if timeout --kill-after=2 "$left" "$@"; then
      boot_log "attempt $attempt of $* succeeded"
      return 0
    else
      status=$?
    fi
    now=$(date +%s)
    left=$(( BOOT_RETRY_DEADLINE - now ))
    if [ "$delay" -ge "$left" ]; then
      boot_log "attempt $attempt of $* failed (exit $status); giving up on $* after $attempt attempts within $BOOT_RETRY_BUDGET s"
      return "$status"
    fi
    boot_log "attempt $attempt of $* failed (exit $status); retrying in $delay s"
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$(( delay * 2 > ${MAX_BACKOFF_SECONDS} ? ${MAX_BACKOFF_SECONDS} : delay * 2 ))
  done
}
# --- boot retry: end`;
}

/** TradingCluster's default health check grace period (healthCheckGraceSeconds). */
const DEFAULT_GRACE_SECONDS = 120;

/** Systemd unit, user, and paths on the instance. */
export const SERVICE_NAME = "trading-api";
const INSTALL_DIR = `/opt/${SERVICE_NAME}`;
const CONFIG_DIR = `/etc/${SERVICE_NAME}`;
const LOG_DIR = `/var/log/${SERVICE_NAME}`;
const CW_AGENT = "/opt/aws/amazon-cloudwatch-agent";

/** Stop budget: the service drains for 10 s and waits up to 20 s for in-flight requests (its defaults). */
const STOP_TIMEOUT_SECONDS = 40;

// Values are interpolated into a shell script and env files: allow only characters that need no
// quoting anywhere, so a surprising value fails the deployment instead of the boot.
const SAFE_VALUE = /^[A-Za-z0-9._:/@+=,-]+$/;

function safe(name: keyof BootSettings | `referenceData.${string}` | `authentication.${string}`, value: string | number): string {
  const text = String(value);
  if (!SAFE_VALUE.test(text)) {
    throw new Error(`boot setting ${name} has characters that are unsafe in a shell script: ${JSON.stringify(text)}`);
  }
  return text;
}

/** The environment the service reads (services/trading-api/src/config.ts), secrets excepted. */
export function serviceEnvironment(
  s: Pick<BootSettings, "port" | "region" | "tableName" | "daxEndpoint" | "referenceData" | "writeRegionParameter" | "writeRegionPeers" | "authentication">,
): Record<string, string> {
  return {
    PORT: safe("port", s.port),
    AWS_REGION: safe("region", s.region),
    TABLE_NAME: safe("tableName", s.tableName),
    ...(s.daxEndpoint ? { DAX_ENDPOINT: safe("daxEndpoint", s.daxEndpoint) } : {}),
    ...(s.referenceData
      ? {
          REFDATA_DB_HOST: safe("referenceData.dbReaderEndpoint", s.referenceData.dbReaderEndpoint),
          REFDATA_DB_PORT: safe("referenceData.dbPort", s.referenceData.dbPort),
          REFDATA_DB_NAME: safe("referenceData.dbName", s.referenceData.dbName),
          REFDATA_DB_USER: safe("referenceData.dbUser", s.referenceData.dbUser),
          CACHE_HOST: safe("referenceData.cachePrimaryEndpoint", s.referenceData.cachePrimaryEndpoint),
          CACHE_PORT: safe("referenceData.cachePort", s.referenceData.cachePort),
          CACHE_USER: safe("referenceData.cacheUserName", s.referenceData.cacheUserName),
          CACHE_REPLICATION_GROUP_ID: safe("referenceData.cacheReplicationGroupId", s.referenceData.cacheReplicationGroupId),
          CACHE_TLS: "true",
        }
      : {}),
    ...(s.writeRegionParameter ? { WRITE_REGION_PARAMETER: safe("writeRegionParameter", s.writeRegionParameter) } : {}),
    ...(s.writeRegionParameter && s.writeRegionPeers?.length ? { WRITE_REGION_PEERS: safe("writeRegionPeers", s.writeRegionPeers.join(",")) } : {}),
    ...(s.authentication
      ? Object.fromEntries(Object.entries(serviceAuthEnvironment(s.authentication)).map(([k, v]) => [k, safe(`authentication.${k}`, v)]))
      : {}),
  };
}

function systemdUnit(): string {
  return `[Unit]
Description=Trading API
After=network-online.target
Wants=network-online.target

[Service]
User=${SERVICE_NAME}
Group=${SERVICE_NAME}
EnvironmentFile=${CONFIG_DIR}/settings.env
EnvironmentFile=${CONFIG_DIR}/secret.env
ExecStart=/usr/bin/node-${NODE_MAJOR} ${INSTALL_DIR}/main.js
Restart=always
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=${STOP_TIMEOUT_SECONDS}
StandardOutput=append:${LOG_DIR}/service.log
StandardError=append:${LOG_DIR}/service.log
LimitNOFILE=65536
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=${LOG_DIR}

[Install]
WantedBy=multi-user.target`;
}

function cloudWatchAgentConfig(logGroupName: string): string {
  const file = (path: string, stream: string) => ({ file_path: path, log_group_name: logGroupName, log_stream_name: stream });
  // Logs only: no metrics section, so the instance role needs no cloudwatch:PutMetricData on "*".
  const config = {
    agent: { run_as_user: "root" },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            file(`${LOG_DIR}/service.log`, "{instance_id}/service"),
            file("/var/log/cloud-init-output.log", "{instance_id}/boot"),
          ],
        },
      },
    },
  };
  return JSON.stringify(config, null, 2);
}

/**
 * The shell lines that append the instance's EC2 id, read from IMDSv2 (a session token first: the
 * launch template requires IMDSv2), to `settingsFile` as WRITE_REGION_INSTANCE. The service names
 * itself by it in /healthz, and the failover command proves no instance of the old region can still
 * write by hearing read-only from every InService instance id of the region's Auto Scaling group
 * (services/failover); the default host name (ip-10-…) would match none of them. A Fargate task
 * has no boot script: it reads its task ARN from the ECS task metadata endpoint instead
 * (services/trading-api/src/fleetIdentity.ts).
 */
export function instanceIdentityScript(settingsFile: string): string {
  return [
    `IMDS_TOKEN=$(curl -sS --fail -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')`,
    `printf 'WRITE_REGION_INSTANCE=%s\\n' "$(curl -sS --fail -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" http://169.254.169.254/latest/meta-data/instance-id)" >> ${settingsFile}`,
    `unset IMDS_TOKEN`,
  ].join("\n");
}

/** The user data script (plain text; the launch template takes it base64-encoded). */
export function renderUserData(s: BootSettings): string {
  const region = safe("region", s.region);
  const parameter = safe("cursorSecretParameter", s.cursorSecretParameter);
  const env = Object.entries(serviceEnvironment(s))
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  const rotation = safe("cursorSecretRotation", s.cursorSecretRotation);
  return `#!/bin/bash
# trading-api instance boot (Amazon Linux 2023). Holds no secret.
# artifact sha256 ${safe("artifactSha256", s.artifactSha256)}; cursor key rotation ${rotation}
set -euo pipefail
REGION=${region}

dnf install -y nodejs${NODE_MAJOR} amazon-cloudwatch-agent logrotate
id ${SERVICE_NAME} >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin ${SERVICE_NAME}
install -d -m 0755 ${INSTALL_DIR}
install -d -m 0750 ${CONFIG_DIR}
install -d -m 0750 -o ${SERVICE_NAME} -g ${SERVICE_NAME} ${LOG_DIR}

# Logs first, so a failing boot is visible in CloudWatch.
cat > ${CW_AGENT}/etc/${SERVICE_NAME}.json <<'CWAGENT'
${cloudWatchAgentConfig(safe("logGroupName", s.logGroupName))}
CWAGENT
${CW_AGENT}/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CW_AGENT}/etc/${SERVICE_NAME}.json
cat > /etc/logrotate.d/${SERVICE_NAME} <<'LOGROTATE'
${LOG_DIR}/service.log {
  daily
  rotate 3
  compress
  missingok
  copytruncate
}
LOGROTATE

# S3 and SSM reads need the instance role's policy, which may still be propagating: retried
# within a budget that fits the health check grace period (see bootRetryFunctions).
${bootRetryFunctions(s.retryBudgetSeconds ?? bootRetryBudgetSeconds(DEFAULT_GRACE_SECONDS))}

# The service: the content-addressed key, checked against the hash the deployment computed. No
# version id: the upload may precede the bucket's versioning taking effect, and the key is unique.
retry_aws aws s3api get-object --region "$REGION" --bucket ${safe("artifactBucket", s.artifactBucket)} --key ${safe("artifactKey", s.artifactKey)} ${INSTALL_DIR}/main.js.download >/dev/null
echo "${s.artifactSha256}  ${INSTALL_DIR}/main.js.download" | sha256sum --check --strict
mv ${INSTALL_DIR}/main.js.download ${INSTALL_DIR}/main.js
chmod 0644 ${INSTALL_DIR}/main.js

cat > ${CONFIG_DIR}/settings.env <<'SETTINGS'
${env}
SETTINGS
${instanceIdentityScript(`${CONFIG_DIR}/settings.env`)}

# The cursor key (and the one before it, still accepted during a rotation), root-only.
umask 077
PARAMETER=${parameter}
VERSION=$(retry_aws aws ssm get-parameter --region "$REGION" --name "$PARAMETER" --query Parameter.Version --output text)
CURRENT=$(retry_aws aws ssm get-parameter --region "$REGION" --name "$PARAMETER:$VERSION" --with-decryption --query Parameter.Value --output text)
printf 'CURSOR_SECRET=%s\\n' "$CURRENT" > ${CONFIG_DIR}/secret.env
if [ "$VERSION" -gt 1 ]; then
  PREVIOUS=$(retry_aws aws ssm get-parameter --region "$REGION" --name "$PARAMETER:$((VERSION - 1))" --with-decryption --query Parameter.Value --output text)
  printf 'CURSOR_SECRET_PREVIOUS=%s\\n' "$PREVIOUS" >> ${CONFIG_DIR}/secret.env
fi
unset CURRENT PREVIOUS
umask 022

cat > /etc/systemd/system/${SERVICE_NAME}.service <<'UNIT'
${systemdUnit()}
UNIT
systemctl daemon-reload
systemctl enable --now ${SERVICE_NAME}.service
`;
}
