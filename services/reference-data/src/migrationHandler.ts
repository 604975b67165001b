/**
 * The migration Lambda, invoked by `pulumi up` (aws.lambda.Invocation, components/data/migrations.ts)
 * whenever the migration set changes. It runs in the VPC's app subnets (Secrets Manager through the
 * NAT gateway, Aurora through its security group), reads the master user's password from the
 * RDS-managed secret, connects to the writer over TLS verified against the RDS CAs (migrationTls.ts:
 * the local test's CA override cannot apply in Lambda), applies the
 * pending migrations and returns a summary that Pulumi keeps in state (no secret in it).
 *
 * A thrown error makes the invocation, and so the deployment, fail.
 */
import * as path from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import { ARCHIVE_MIGRATIONS_DIR, migrationFiles, migrationSetHash } from "../contract";
import { migrate, type MigrationResult } from "./migrate";
import { migrationTlsOptions } from "./migrationTls";

export interface MigrationEvent {
  /** The migration set the deployment expects; must equal the one bundled with this code. */
  migrationSetSha256: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const secrets = new SecretsManagerClient({});

export async function handler(event: MigrationEvent): Promise<MigrationResult> {
  const dir = path.join(__dirname, ARCHIVE_MIGRATIONS_DIR);
  const bundled = migrationSetHash(migrationFiles(dir));
  if (event.migrationSetSha256 !== bundled) {
    throw new Error(`deployment expects migration set ${event.migrationSetSha256}, this function carries ${bundled}`);
  }
  const host = required("DB_HOST");
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: required("DB_MASTER_SECRET_ARN") }));
  const { username, password } = JSON.parse(secret.SecretString ?? "{}") as { username?: string; password?: string };
  if (!username || !password) throw new Error("the master secret has no username/password");

  const client = new Client({
    host,
    port: Number(required("DB_PORT")),
    database: required("DB_NAME"),
    user: username,
    password,
    ssl: migrationTlsOptions(host),
    connectionTimeoutMillis: 10_000,
    application_name: "refdata-migrations",
  });
  await client.connect();
  try {
    const result = await migrate(client, { dir, log: (message) => console.log(message) });
    console.log(JSON.stringify({ msg: "migrations done", ...result }));
    return result;
  } finally {
    await client.end();
  }
}
