/**
 * Asking a region's instances, through its load balancer under the API's name, which write mode
 * each is in: GET /healthz on a fresh connection, parsed to the instance's report.
 */
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { z } from "zod";
import { HEALTH_PATH } from "../../trading-api/src/contract";
import { WRITE_MODES, type WriteMode } from "../../trading-api/src/writeRegion";
import { UnreachableError } from "./unreachable";

/** One answer of an instance behind a region's load balancer. */
export interface InstanceReport {
  /** The instance's identity (WriteRegionGate's `instance`: the EC2 instance id where the fleet passes it). */
  instance: string;
  mode: WriteMode;
  writeRegion?: string;
  /** Epoch of the flag value that decided the mode (absent while fenced before any read). */
  epoch?: number;
}

/**
 * Where the command reaches a region's instances: it connects to `endpoint` (the region's load
 * balancer, so the answer comes from that region whatever DNS points at) and presents `hostName`
 * (TLS SNI, HTTP Host, and the name the certificate is verified against). In production the
 * listener's certificate is for the API's name, not for the load balancer's DNS name, so a request
 * to the bare load balancer name fails verification.
 */
export interface ProbeTarget {
  /** `https://<ALB DNS name>` (or `http://` without a certificate, dev). */
  endpoint: string;
  /** The API's DNS name the certificate covers; default the endpoint's own host. */
  hostName?: string;
}

const healthBody = z.object({
  write: z.object({ mode: z.enum(WRITE_MODES), instance: z.string(), writeRegion: z.string().optional(), epoch: z.number().int().optional() }),
});

export const DEFAULT_USER_AGENT = "trading-platform-failover";

/** TLS verification failures (Node's codes): a misconfiguration to name, not a region that is down. */
const TLS_VERIFY_CODES = /^(ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_[A-Z_]+)$/;

/**
 * GET <endpoint>/healthz on a fresh connection (agent: false, so the load balancer may pick another
 * instance), parsed to the instance's report. The connection goes to the endpoint's address; the
 * API's name is the TLS SNI, the Host header and the name Node verifies the certificate against
 * (tls.connect checks the certificate against `servername` when it is given).
 */
export function probe(target: ProbeTarget, timeoutMs: number, userAgent: string, trustedCa: string | undefined): Promise<InstanceReport> {
  const url = new URL(HEALTH_PATH, target.endpoint);
  const https = url.protocol === "https:";
  const hostName = target.hostName ?? url.hostname;
  const shown = `${https ? "https" : "http"}://${hostName}${url.port ? `:${url.port}` : ""}${url.pathname} via ${url.host}`;
  const options: RequestOptions & { servername?: string; ca?: string } = {
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    agent: false,
    timeout: timeoutMs,
    headers: {
      host: url.port ? `${hostName}:${url.port}` : hostName,
      // WAF's core rule set labels requests without one (NoUserAgent_HEADER, counted, not blocked, in
      // this platform's web ACL); a named client is also what the ALB access logs should show.
      "user-agent": userAgent,
      accept: "application/json",
      connection: "close",
    },
    // An address is not a server name (RFC 6066 section 3; Node refuses one as SNI): then the
    // certificate is checked against the address, as a browser would.
    ...(https ? { ...(isIP(hostName) ? {} : { servername: hostName }), ...(trustedCa ? { ca: trustedCa } : {}) } : {}),
  };
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        try {
          if (res.statusCode !== 200) throw new Error(`${shown} answered ${res.statusCode}`);
          const { write } = healthBody.parse(JSON.parse(body));
          resolve({
            instance: write.instance,
            mode: write.mode,
            ...(write.writeRegion ? { writeRegion: write.writeRegion } : {}),
            ...(write.epoch !== undefined ? { epoch: write.epoch } : {}),
          });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${shown} did not answer within ${timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (TLS_VERIFY_CODES.test(String(error.code))) {
        reject(new Error(`${shown}: the load balancer's certificate is not valid for ${hostName} (${error.code}: ${error.message})`, { cause: error }));
        return;
      }
      // Any other error of the request itself means no answer came back (refused, reset, timed out).
      reject(new UnreachableError(url.host, error));
    });
    req.end();
  });
}
