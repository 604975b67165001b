/**
 * How the refdata CLI reaches the database: a local URL with a named actor, or Aurora with an IAM
 * token and verified TLS, following a global writer endpoint to the writer's region.
 */
import { userInfo } from "node:os";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Pool, type PoolConfig } from "pg";
import { nameAwsCalls } from "../../cli/awsCalls";
import { UsageError } from "../../cli/usage";
import { REFDATA_DB_ROLE } from "../contract";
import type { Values } from "./cliOptions";
import { isGlobalWriterEndpoint, writerBehind, type ResolveCname } from "./globalWriter";
import { rdsTokenProvider } from "./iamAuth";
import { rdsTlsOptions } from "./rdsTls";

export async function connection(
  values: Values,
  env: NodeJS.ProcessEnv,
  resolveCname: ResolveCname,
): Promise<{ pool: Pool; actor: string; where: string; writer?: string }> {
  const url = values["database-url"] ?? env.REFDATA_DATABASE_URL;
  if (url) {
    const actor = values.actor ?? `local:${userInfo().username}`;
    return { pool: new Pool({ connectionString: url, max: 2 }), actor, where: databaseOf(url) };
  }
  if (!values.endpoint) {
    throw new UsageError(
      "no database given: --database-url URL (or REFDATA_DATABASE_URL) for a local one, or --endpoint <Aurora writer endpoint> [--region R] [--via HOST:PORT] in AWS",
    );
  }
  if (values.actor) throw new UsageError("--actor is only for local databases: in AWS the actor is your IAM identity");
  // A global writer endpoint is followed to the writer's own cluster endpoint first: the token, the
  // TLS name and the region are that cluster's.
  const global = isGlobalWriterEndpoint(values.endpoint) ? await writerBehind(values.endpoint, resolveCname) : undefined;
  if (global && values.region && values.region !== global.region) {
    throw new UsageError(
      `--region ${values.region} is not the writer's: ${values.endpoint} points at ${global.endpoint} in ${global.region} (leave --region out, or pass ${global.region})`,
    );
  }
  const endpoint = global?.endpoint ?? values.endpoint;
  const port = values.port ? Number(values.port) : 5432;
  const [viaHost, viaPort] = (values.via ?? `${endpoint}:${port}`).split(":");
  // Without --region the SDK's chain decides (AWS_REGION, the profile); the token is signed for the same one.
  const regionOfClient = global?.region ?? values.region;
  const sts = nameAwsCalls(new STSClient(regionOfClient ? { region: regionOfClient } : {}));
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Arn) throw new Error("sts:GetCallerIdentity returned no ARN");
  const region = await sts.config.region();
  const config: PoolConfig = {
    host: viaHost,
    port: Number(viaPort),
    database: values.database ?? "trading",
    user: REFDATA_DB_ROLE,
    password: rdsTokenProvider({ hostname: endpoint, port, username: REFDATA_DB_ROLE, region }),
    ssl: rdsTlsOptions(endpoint),
    max: 2,
    connectionTimeoutMillis: 10_000,
    application_name: "refdata-cli",
  };
  return {
    pool: new Pool(config),
    actor: identity.Arn,
    where: `${viaHost}:${viaPort}${values.via ? ` (the tunnel to ${endpoint})` : ""}`,
    ...(global ? { writer: `writing through the global writer endpoint ${values.endpoint}: the writer is ${global.endpoint} in ${global.region}` } : {}),
  };
}

/** host:port of a database URL, never its password. */
function databaseOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return "(the --database-url given)";
  }
}
