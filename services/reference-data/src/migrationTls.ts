/**
 * TLS for the migration function's connection to the writer: the RDS CAs and the endpoint's name
 * (rdsTls.ts), always, in AWS.
 *
 * One exception exists for the test that runs the bundled function against a local PostgreSQL
 * (tests/services/migrationHandler.test.ts), whose certificate no RDS CA signed: the environment
 * variable {@link LOCAL_TEST_CA_ENV} names a CA file to verify against *instead*, still with full
 * verification. It cannot take effect in AWS by accident, and setting it there fails the run
 * rather than being ignored:
 * - inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` is set by the runtime) its presence is an error;
 * - it applies only to a loopback host (127.0.0.0/8, ::1, localhost), never to an Aurora endpoint;
 * - the component never sets it (tests/stacks/referenceDataMigrations.test.ts pins the function's
 *   environment to exactly its four DB_* variables and NODE_OPTIONS).
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { rdsTlsOptions } from "./rdsTls";

export const LOCAL_TEST_CA_ENV = "REFDATA_MIGRATIONS_LOCAL_TEST_CA_FILE";

function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

export function migrationTlsOptions(host: string, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const caFile = env[LOCAL_TEST_CA_ENV];
  if (caFile === undefined) return rdsTlsOptions(host);
  if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
    throw new Error(`${LOCAL_TEST_CA_ENV} is set inside Lambda: it exists for local tests only; remove it (the RDS CAs are the only ones trusted in AWS)`);
  }
  if (!isLoopback(host)) {
    throw new Error(`${LOCAL_TEST_CA_ENV} applies to a loopback database only, not ${host}`);
  }
  // An IP address is checked against the certificate's IP SANs; SNI takes host names only.
  return { ca: readFileSync(caFile, "utf8"), rejectUnauthorized: true, ...(isIP(host) ? {} : { servername: host }) };
}
