/**
 * The trading API behind an external identity provider (an OAuth 2.0 / OIDC issuer of the
 * company's own, e.g. Okta, Entra ID, Auth0 or Keycloak) instead of the Cognito user pool of
 * TokenIssuer. The edge is the same as the platform's: the HTTPS listener verifies every token
 * (jwt-validation: RS256 signature against the provider's JWKS, `iss`, `exp`, and per route the
 * scope), the service verifies it again with the same settings (and `aud`), and AWS WAF sits in front.
 * Both layers take one ApiAuthentication, which is all the edge needs to know about the provider.
 *
 * The rest is the smallest composition that runs the API (it refuses to start without its
 * reference data): network, hot path, data tier, fleet, in one region over two AZs.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurityGroups } from "../../components/cluster/securityGroups";
import { TradingCluster } from "../../components/cluster/tradingCluster";
import { DataTier, dataZonesOf } from "../../components/data/dataTier";
import { ReferenceDataMigrations } from "../../components/data/migrations";
import { planCapacity } from "../../components/dynamo/capacity";
import { DynamoHotPath } from "../../components/dynamo/hotPath";
import type { ApiAuthentication } from "../../components/edge/authentication";
import { EdgeProtection } from "../../components/edge/edgeProtection";
import { HaNetwork } from "../../components/network/haNetwork";
import { API_SCOPES, tokenScope } from "../../services/trading-api/src/authContract";
import { tableName } from "../../services/table/schema";

export async function main() {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();

  // #region usage:ApiAuthentication
  // What the load balancer and the service are told about the provider.
  const authentication: ApiAuthentication = {
    issuer: config.require("issuer"),
    jwksUrl: config.require("jwksUrl"),
    clientIdClaim: config.require("clientIdClaim"),
    scopePrefix: config.require("scopePrefix"),
    // Unlike Cognito's, these tokens carry an audience; without one, any token of the provider for
    // another API with a matching scope name would do.
    requiredClaims: { aud: config.require("audience") },
  };
  // #endregion usage:ApiAuthentication

  const network = new HaNetwork("trading", {
    cidrBlock: config.require("vpcCidr"),
    availabilityZoneIds: config.requireObject<string[]>("azIds"),
    natGatewayMode: "single",
    flowLogRetentionDays: 14,
  });
  const groups = new ClusterSecurityGroups("trading", {
    vpcId: network.vpcId,
    ingressCidrs: config.requireObject<string[]>("ingressCidrs"),
    appPort: 8080,
  });
  const hotPath = new DynamoHotPath("trading", {
    tableName: tableName({ project: pulumi.getProject(), environment: stack }),
    capacity: planCapacity({
      readCapacity: 5,
      writeCapacity: 5,
      readMinCapacity: 5,
      readMaxCapacity: 50,
      writeMinCapacity: 5,
      writeMaxCapacity: 50,
      indexReadMinCapacity: 5,
      indexReadMaxCapacity: 50,
      indexWriteMinCapacity: 5,
      indexWriteMaxCapacity: 50,
      targetUtilization: 70,
    }),
    deletionProtection: false,
    network: { vpcId: network.vpcId, dataSubnets: network.zones.map((zone) => zone.dataSubnet), appSecurityGroupId: groups.appSecurityGroupId },
    dax: { clusterName: stack, nodeType: "dax.t3.small", replicationFactor: 1, itemTtlMillis: 60_000, queryTtlMillis: 1_000 },
    stream: { logRetentionDays: 14 },
  });
  const data = new DataTier("trading", {
    vpcId: network.vpcId,
    zones: dataZonesOf(network.zones),
    appSecurityGroupId: groups.appSecurityGroupId,
    identifier: stack,
    database: { engineVersion: "17.6", instanceClass: "db.t4g.medium", instanceCount: 1, backupRetentionDays: 1, deletionProtection: false },
    cache: { engine: "valkey", engineVersion: "9.0", nodeType: "cache.t4g.small", nodeCount: 1, snapshotRetentionDays: 1 },
    skipFinalSnapshot: true,
    logRetentionDays: 14,
  });
  new ReferenceDataMigrations("trading", {
    vpcId: network.vpcId,
    subnetIds: network.zones.map((zone) => zone.appSubnet.id),
    dbSecurityGroupId: data.dbSecurityGroupId,
    dbWriterEndpoint: data.dbWriterEndpoint,
    dbPort: data.dbPort,
    dbName: data.dbName,
    dbMasterSecretArn: data.dbMasterSecretArn,
    dbKmsKeyArn: data.dbKmsKeyArn,
    waitFor: [data.instances[0]],
    logRetentionDays: 14,
  });

  const cluster = new TradingCluster("trading", {
    vpcId: network.vpcId,
    appSubnetIds: network.zones.map((zone) => zone.appSubnet.id),
    publicSubnetIds: network.zones.map((zone) => zone.publicSubnet.id),
    albSecurityGroupId: groups.albSecurityGroupId,
    appSecurityGroupId: groups.appSecurityGroupId,
    hotPath: hotPath.access,
    referenceData: data.access,
    // With a certificate the HTTPS listener forwards only verified tokens (HTTP redirects to it),
    // and the ALB's group may reach the provider's JWKS on 443.
    certificateArn: config.require("certificateArn"),
    authentication,
    instanceType: "c7g.large",
    imageId: config.require("amiId"),
    minSize: 1,
    desiredCapacity: 1,
    maxSize: 2,
    accessLogRetentionDays: 14,
    serviceLogRetentionDays: 14,
    forceDestroyBuckets: true,
  });

  // #region usage:EdgeProtection
  // AWS WAF in front of the load balancer: managed rule groups, a per-IP rate limit, the body limit;
  // its logs never hold the Authorization header.
  new EdgeProtection("trading", { loadBalancerArn: cluster.albArn, rateLimit: 30_000, logRetentionDays: 14 });
  // #endregion usage:EdgeProtection

  // What the provider's administrators configure, and what clients need to get a token.
  return {
    endpoint: cluster.endpoint,
    issuer: authentication.issuer,
    tokenEndpoint: config.require("tokenEndpoint"),
    audience: config.require("audience"),
    scopes: API_SCOPES.map((scope) => tokenScope(scope, authentication.scopePrefix)),
  };
}
