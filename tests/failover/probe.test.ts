/**
 * The failover command's probe against an edge like production's: the load balancer's certificate
 * is for the API's name (here api.trading.test), never for the address the command connects to
 * (127.0.0.1 here, the ALB's DNS name in AWS). The probe connects to the load balancer's address,
 * presents the API's name (TLS SNI and HTTP Host), verifies the certificate against that name, and
 * sends a User-Agent. A real trading-api app answers behind the TLS front. Verification is never
 * turned off: the test CA is handed to the probe as an extra trusted CA, and a certificate that
 * does not match, or a CA the probe was not given, is refused.
 */
import { expect } from "chai";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import type { FastifyInstance } from "fastify";
import { formatWriteRegionFlag } from "../../services/trading-api/src/contract";
import { WriteRegionGate } from "../../services/trading-api/src/writeRegion";
import { awsCloud, probeTargetOf, type FailoverCloud, type FailoverRegionInfo } from "../../services/failover/src/cloud";
import { failoverUserAgent } from "../../services/failover/src/cli";
import { describeRegion, readRegion } from "../../services/failover/src/failover";
import { testApp } from "../services/fixtures";
import { localLoadBalancer, throwawayCertificates, type Certificates, type LocalLoadBalancer } from "./edge";

const API_NAME = "api.trading.test";
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The replica region's region-info parameter with DNS failover, its API at `apiEndpoint`. */
function replicaRegionInfo(apiEndpoint: string): FailoverRegionInfo {
  return {
    region: "eu-west-1",
    role: "replica",
    environment: "prod",
    writeRegionParameter: "/trading-platform/prod/write-region",
    tableName: "t",
    streamConsumer: { functionName: "f", mappingUuid: "u" },
    apiEndpoint,
    dns: { domainName: API_NAME, hostedZoneId: "Z1", failoverRole: "SECONDARY", healthCheckId: "hc" },
  };
}

describe("failover probe against the production edge (certificate for the API's name, not the load balancer's address)", function () {
  this.timeout(30_000);
  let certificates: Certificates;
  let app: FastifyInstance;
  let gate: WriteRegionGate;
  let edge: LocalLoadBalancer;

  before(async () => {
    certificates = await throwawayCertificates([API_NAME]);
    gate = new WriteRegionGate({
      region: "eu-west-1",
      instance: "i-0123456789abcdef0",
      source: { read: async () => formatWriteRegionFlag({ writeRegion: "us-east-1", epoch: 4 }) },
    });
    await gate.start();
    // /healthz never touches the table; the client points nowhere on purpose.
    const doc = DynamoDBDocument.from(new DynamoDBClient({ region: "eu-west-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "x", secretAccessKey: "x" } }));
    app = testApp(doc, "unused", { writeGate: gate });
    await app.ready();
    edge = await localLoadBalancer([app], certificates);
  });
  after(async () => {
    gate.stop();
    await edge.close();
    await app.close();
  });

  const cloud = (options: { trustedCa?: string; userAgent?: string } = {}) =>
    awsCloud({ project: "trading-platform", environment: "prod", requestTimeoutMs: 3000, ...options });

  it("connects to the load balancer's address but presents the API's name (SNI and Host), verifies the certificate against it, and sends a User-Agent", async () => {
    const report = await cloud({ trustedCa: certificates.ca, userAgent: "trading-platform-failover/9.9.9" }).probeInstance({ endpoint: edge.endpoint, hostName: API_NAME });
    expect(report).to.deep.equal({ instance: "i-0123456789abcdef0", mode: "read-only", writeRegion: "us-east-1", epoch: 4 });
    const request = edge.seen.at(-1);
    expect(request).to.deep.include({ servername: API_NAME, host: `${API_NAME}:${edge.port}`, userAgent: "trading-platform-failover/9.9.9", url: "/healthz" });
  });

  it("the User-Agent names the command and the project's version by default", async () => {
    expect(failoverUserAgent(REPO_ROOT)).to.match(/^trading-platform-failover\/\d+\.\d+\.\d+$/);
    await cloud({ trustedCa: certificates.ca }).probeInstance({ endpoint: edge.endpoint, hostName: API_NAME });
    expect(edge.seen.at(-1)?.userAgent).to.match(/^trading-platform-failover(\/\S+)?$/);
  });

  it("verification stays on: the load balancer's address alone (today's request) and an untrusted CA are both refused, named as certificate problems", async () => {
    let byAddress: unknown;
    try {
      await cloud({ trustedCa: certificates.ca }).probeInstance({ endpoint: edge.endpoint });
    } catch (error) {
      byAddress = error;
    }
    expect(String(byAddress)).to.match(/certificate/i).and.to.contain("127.0.0.1");
    let untrusted: unknown;
    try {
      await cloud().probeInstance({ endpoint: edge.endpoint, hostName: API_NAME });
    } catch (error) {
      untrusted = error;
    }
    expect(String(untrusted)).to.match(/certificate/i).and.to.contain(API_NAME);
  });

  it("the API's name comes from the region-info parameter: its DNS name when set, else the load balancer's (plain HTTP in dev)", () => {
    const info = replicaRegionInfo("https://trading-alb-123.eu-west-1.elb.amazonaws.com");
    expect(probeTargetOf(info)).to.deep.equal({ endpoint: info.apiEndpoint, hostName: API_NAME });
    const { dns: _dns, ...withoutDns } = info;
    expect(probeTargetOf(withoutDns)).to.deep.equal({ endpoint: info.apiEndpoint });
    expect(probeTargetOf({ ...info, apiEndpoint: "http://trading-alb-123.us-east-1.elb.amazonaws.com" })).to.deep.equal({ endpoint: "http://trading-alb-123.us-east-1.elb.amazonaws.com" });
    // A name the stacks may write for the certificate without DNS failover (see the README) wins.
    expect(probeTargetOf({ ...withoutDns, apiHostName: "api.dev.trading.test" })).to.deep.equal({ endpoint: info.apiEndpoint, hostName: "api.dev.trading.test" });
  });

  it("the command's picture of a region reads its instances through that edge (it said 'no answer from the API' before)", async () => {
    const info = replicaRegionInfo(edge.endpoint);
    const real = cloud({ trustedCa: certificates.ca });
    // The SSM, Lambda and Route 53 reads are moto's business elsewhere; here only the probe is real.
    const region: FailoverCloud = {
      ...real,
      getRegionInfo: async () => info,
      getFlag: async () => formatWriteRegionFlag({ writeRegion: "us-east-1", epoch: 4 }),
      getMappingState: async () => "Disabled",
      getHealthCheck: async () => ({ disabled: false, inverted: false }),
    };
    const state = await readRegion(region, "eu-west-1", 3);
    expect(state.instances?.map((i) => i.instance)).to.deep.equal(["i-0123456789abcdef0", "i-0123456789abcdef0", "i-0123456789abcdef0"]);
    expect(describeRegion(state, "us-east-1")).to.contain("instances: 1 read-only");
  });
});
