/**
 * The edge in the three real stack files under the mock cloud: token verification at the HTTPS
 * listener (default action and rule order, derived from the auth contract), the Cognito issuer of
 * the primary and the replica's use of it, an external issuer, the service's AUTH_* environment,
 * the WAF (association, rules, logging with the Authorization header redacted) and the `auth`
 * outputs, which name no secret.
 */
import { expect } from "chai";
import { greaterThanPattern } from "../../components/edge/contentLength";
import { listenerRulePlan } from "../../components/edge/listenerAuth";
import { defaultDomainPrefix } from "../../components/edge/domainPrefix";
import { SCOPES_BY_KIND } from "../../components/edge/tokenIssuer";
import { API_SCOPES, DEFAULT_BODY_LIMIT_BYTES, PROTECTED_ROUTES, albPathPattern } from "../../services/trading-api/src/authContract";
import { HEALTH_PATH, LIVENESS_PATH } from "../../services/trading-api/src/contract";
import { BadConfigCase, configKey, itRejectsEachBadConfig } from "../support/badConfig";
import { FAKE_ACCOUNT_ID, FAKE_CLIENT_SECRET_PREFIX, readStackFile, RecordedResource, runStackFile, stackFileFailure, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const K = configKey;
const T = {
  listener: "aws:lb/listener:Listener",
  rule: "aws:lb/listenerRule:ListenerRule",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  pool: "aws:cognito/userPool:UserPool",
  domain: "aws:cognito/userPoolDomain:UserPoolDomain",
  resourceServer: "aws:cognito/resourceServer:ResourceServer",
  client: "aws:cognito/userPoolClient:UserPoolClient",
  acl: "aws:wafv2/webAcl:WebAcl",
  association: "aws:wafv2/webAclAssociation:WebAclAssociation",
  logging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logPolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
} as const;

type Action = { type: string; order?: number; targetGroupArn?: string; jwtValidation?: { issuer: string; jwksEndpoint: string; additionalClaims?: unknown[] } };

const runs: Record<string, StackRun> = {};
const label = (stack: string, preview: boolean) => (preview ? `${stack} (preview)` : stack);
const CASES = [
  { stack: "dev", preview: false },
  { stack: "prod-us-east-1", preview: false },
  { stack: "prod-eu-west-1", preview: false },
  { stack: "prod-us-east-1", preview: true },
];
const EXTERNAL = {
  [K("authIssuer")]: "external",
  [K("authClients")]: undefined,
  [K("authAccessTokenMinutes")]: undefined,
  [K("authExternalIssuer")]: "https://login.example.com/oauth2/trading",
  [K("authExternalJwksUrl")]: "https://login.example.com/oauth2/trading/v1/keys",
  [K("authExternalTokenEndpoint")]: "https://login.example.com/oauth2/trading/v1/token",
  [K("authExternalAudience")]: "api://trading",
  [K("authExternalClientIdClaim")]: "cid",
};

function userData(run: StackRun): string {
  return Buffer.from(String(run.single(T.launchTemplate).inputs.userData), "base64").toString("utf8");
}

function httpsListener(run: StackRun): RecordedResource {
  return run.single(T.listener, (l) => l.inputs.protocol === "HTTPS");
}

/** The issuer every jwt-validation of the stack names. */
function issuersOf(run: StackRun): Set<unknown> {
  const actions = [...(httpsListener(run).inputs.defaultActions as Action[]), ...run.ofType(T.rule).flatMap((r) => r.inputs.actions as Action[])];
  return new Set(actions.filter((a) => a.type === "jwt-validation").map((a) => a.jwtValidation?.issuer));
}

describe("the edge in the real stack files (mock cloud)", () => {
  before(async () => {
    for (const c of CASES) runs[label(c.stack, c.preview)] = await (c.preview ? runStackFile(c.stack, { preview: true }) : deployedStackRun(c.stack));
    runs.external = await runStackFile("prod-us-east-1", { overrides: EXTERNAL });
  });

  describe("token verification at the load balancer", () => {
    for (const c of CASES.filter((x) => x.stack !== "dev")) {
      const key = label(c.stack, c.preview);

      it(`${key}: the HTTPS listener's default action verifies the token (issuer, JWKS, token_use) before it forwards`, () => {
        const run = runs[key];
        const listener = httpsListener(run);
        const actions = listener.inputs.defaultActions as Action[];
        expect(actions.map((a) => [a.type, a.order])).to.deep.equal([["jwt-validation", 1], ["forward", 2]]);
        expect(actions[0].jwtValidation?.additionalClaims).to.deep.equal([{ name: "token_use", format: "single-string", values: ["access"] }]);
        if (!c.preview) {
          const { jwksEndpoint, issuer } = actions[0].jwtValidation ?? { issuer: "", jwksEndpoint: "" };
          expect(issuer).to.match(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/\S+$/);
          expect(jwksEndpoint).to.equal(`${issuer}/.well-known/jwks.json`);
        }
        const targetGroup = run.single(T.targetGroup);
        expect(run.propertyDependencies(listener, "defaultActions").map((r) => r.urn)).to.include(targetGroup.urn);
      });

      it(`${key}: rules in priority order: the liveness path open, then each route with its scope, each on the HTTPS listener`, () => {
        const run = runs[key];
        const listener = httpsListener(run);
        const rules = [...run.ofType(T.rule)].sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority));
        const summary = rules.map((r) => {
          const conditions = r.inputs.conditions as { httpRequestMethod?: { values: string[] }; pathPattern?: { values: string[] } }[];
          const actions = r.inputs.actions as Action[];
          const scopeClaim = actions[0].jwtValidation?.additionalClaims?.find((claim) => (claim as { name: string }).name === "scope") as { values: string[] } | undefined;
          return {
            priority: r.inputs.priority,
            methods: conditions.flatMap((x) => x.httpRequestMethod?.values ?? []),
            paths: conditions.flatMap((x) => x.pathPattern?.values ?? []),
            actions: actions.map((a) => a.type),
            scope: scopeClaim?.values,
          };
        });
        expect(summary).to.deep.equal([
          { priority: 1, methods: ["GET", "HEAD"], paths: [LIVENESS_PATH, HEALTH_PATH], actions: ["forward"], scope: undefined },
          ...PROTECTED_ROUTES.map((route, i) => ({
            priority: 10 + 10 * i,
            methods: route.method === "GET" ? ["GET", "HEAD"] : [route.method],
            paths: [albPathPattern(route.path)],
            actions: ["jwt-validation", "forward"],
            scope: [`trading-api/${route.scope}`],
          })),
        ]);
        for (const rule of rules) {
          expect(run.propertyDependencies(rule, "listenerArn").map((r) => r.urn), rule.name).to.deep.equal([listener.urn]);
        }
        expect(albPathPattern("/v1/accounts/:account/orders/:orderId/fills")).to.equal("/v1/accounts/*/orders/*/fills");
      });

      it(`${key}: the paths called through the load balancer without a token are open there: Route 53's health check and the failover command's mode probe`, () => {
        const run = runs[key];
        const open = run
          .ofType(T.rule)
          .filter((r) => !(r.inputs.actions as Action[]).some((a) => a.type === "jwt-validation"))
          .flatMap((r) => (r.inputs.conditions as { pathPattern?: { values: string[] } }[]).flatMap((x) => x.pathPattern?.values ?? []));
        const healthChecks = run.ofType("aws:route53/healthCheck:HealthCheck");
        expect(healthChecks, "the prod stack files configure DNS failover").to.have.length(1);
        expect(open).to.include(String(healthChecks[0].inputs.resourcePath));
        // services/failover reads each region's write mode from HEALTH_PATH through its ALB.
        expect(open).to.include(HEALTH_PATH);
      });

      it(`${key}: every forward to the targets follows a jwt-validation, except the open probes' rule`, () => {
        const run = runs[key];
        const chains = [httpsListener(run).inputs.defaultActions as Action[], ...run.ofType(T.rule).map((r) => r.inputs.actions as Action[])];
        const unverified = chains.filter((actions) => actions.some((a) => a.type === "forward") && !actions.some((a) => a.type === "jwt-validation"));
        expect(unverified).to.have.length(1);
        const open = run.ofType(T.rule).filter((r) => !(r.inputs.actions as Action[]).some((a) => a.type === "jwt-validation"));
        expect((open[0].inputs.conditions as { pathPattern?: { values: string[] } }[]).flatMap((x) => x.pathPattern?.values ?? [])).to.deep.equal([LIVENESS_PATH, HEALTH_PATH]);
        // The HTTP listener only redirects.
        const http = run.single(T.listener, (l) => l.inputs.protocol === "HTTP");
        expect((http.inputs.defaultActions as Action[]).map((a) => a.type)).to.deep.equal(["redirect"]);
      });
    }

    it("dev (no certificate): the HTTP listener forwards without jwt-validation (HTTPS-only at the ALB); the service verifies", () => {
      const run = runs.dev;
      expect(run.ofType(T.listener).map((l) => l.inputs.protocol)).to.deep.equal(["HTTP"]);
      expect(run.ofType(T.rule)).to.have.length(0);
      expect(userData(run)).to.match(/\nAUTH_ISSUER=https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/\S+\n/);
    });

    it("the rule plan respects the ALB's limits of 3 values per condition and 5 per rule", () => {
      for (const rule of listenerRulePlan()) {
        expect(rule.methods.length + rule.paths.length, rule.id).to.be.at.most(5);
        expect(Math.max(rule.methods.length, rule.paths.length), rule.id).to.be.at.most(3);
      }
      expect(new Set(listenerRulePlan().map((r) => r.id)).size).to.equal(PROTECTED_ROUTES.length + 1);
    });
  });

  describe("the token issuer", () => {
    for (const stack of ["dev", "prod-us-east-1"]) {
      it(`${stack}: a Cognito user pool without users, the API's resource server and scopes, and one client-credentials app client per authClients entry`, () => {
        const run = runs[stack];
        const pool = run.single(T.pool);
        expect(pool.inputs).to.deep.include({ adminCreateUserConfig: { allowAdminCreateUserOnly: true }, deletionProtection: stack === "dev" ? "INACTIVE" : "ACTIVE" });
        const server = run.single(T.resourceServer);
        expect(server.inputs.identifier).to.equal("trading-api");
        expect((server.inputs.scopes as { scopeName: string }[]).map((s) => s.scopeName)).to.deep.equal([...API_SCOPES]);
        // Not trading-<stack>: prefix domains are every account's namespace (tests/stacks/cognitoDomain.test.ts).
        expect(run.single(T.domain).inputs.domain).to.equal(defaultDomainPrefix(stack, FAKE_ACCOUNT_ID, "us-east-1"));
        const configured = readStackFile(stack)["trading-platform:authClients"] as string[];
        const clients = run.ofType(T.client);
        expect(clients.map((c) => c.inputs.name)).to.deep.equal(configured.map((spec) => spec.split(":")[0]));
        for (const [index, client] of clients.entries()) {
          const kind = configured[index].split(":")[1] as keyof typeof SCOPES_BY_KIND;
          expect(client.inputs).to.deep.include({
            generateSecret: true,
            allowedOauthFlowsUserPoolClient: true,
            allowedOauthFlows: ["client_credentials"],
            allowedOauthScopes: SCOPES_BY_KIND[kind].map((s) => `trading-api/${s}`),
            accessTokenValidity: 60,
            tokenValidityUnits: { accessToken: "minutes" },
          });
          expect(client.dependencies, "scopes exist before a client is granted them").to.include(server.urn);
        }
        expect(SCOPES_BY_KIND.trading).to.not.include("fills.write");
      });
    }

    it("prod-eu-west-1: no issuer of its own; it verifies the primary's (read from its outputs)", () => {
      const replica = runs["prod-eu-west-1"];
      expect(replica.ofType(T.pool)).to.have.length(0);
      expect(replica.ofType(T.client)).to.have.length(0);
      const primaryAuth = runs["prod-us-east-1"].outputs.auth as Record<string, unknown>;
      expect(replica.outputs.auth).to.deep.equal(primaryAuth);
      expect([...issuersOf(replica)]).to.deep.equal([primaryAuth.issuer]);
      expect(userData(replica)).to.contain(`\nAUTH_ISSUER=${String(primaryAuth.issuer)}\n`);
      // The mock cloud answers a StackReference only with a real run of the primary's stack file,
      // so equal values mean the replica read them from its primary.
    });

    it("an external issuer: no Cognito resources; the listener, the service and the outputs name it, the service also checks its audience", () => {
      const run = runs.external;
      expect(run.ofType(T.pool)).to.have.length(0);
      expect([...issuersOf(run)]).to.deep.equal(["https://login.example.com/oauth2/trading"]);
      const defaults = httpsListener(run).inputs.defaultActions as Action[];
      expect(defaults[0].jwtValidation).to.deep.equal({ issuer: "https://login.example.com/oauth2/trading", jwksEndpoint: "https://login.example.com/oauth2/trading/v1/keys" });
      const env = userData(run);
      for (const line of ["AUTH_ISSUER=https://login.example.com/oauth2/trading", "AUTH_JWKS_URL=https://login.example.com/oauth2/trading/v1/keys", "AUTH_CLIENT_ID_CLAIM=cid", "AUTH_AUDIENCE=api://trading"]) {
        expect(env).to.contain(`\n${line}\n`);
      }
      expect(env).to.not.contain("AUTH_TOKEN_USE");
      expect(run.outputs.auth).to.deep.include({ issuerKind: "external", tokenEndpoint: "https://login.example.com/oauth2/trading/v1/token", clientIds: [] });
    });

    it("the service's environment names the issuer the listener verifies, with Cognito's claims", () => {
      const run = runs["prod-us-east-1"];
      const [issuer] = [...issuersOf(run)];
      const env = userData(run);
      for (const line of [`AUTH_ISSUER=${String(issuer)}`, `AUTH_JWKS_URL=${String(issuer)}/.well-known/jwks.json`, "AUTH_CLIENT_ID_CLAIM=client_id", "AUTH_SCOPE_PREFIX=trading-api/", "AUTH_TOKEN_USE=access"]) {
        expect(env).to.contain(`\n${line}\n`);
      }
      expect(env).to.not.contain("AUTHENTICATION=");
    });
  });

  describe("the outputs", () => {
    it("publish the issuer, JWKS URL, token endpoint, scopes and client ids, and never a client secret", () => {
      for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
        const auth = runs[stack].outputs.auth as Record<string, unknown>;
        expect(auth.issuerKind, stack).to.equal("cognito");
        expect(auth.tokenEndpoint, stack).to.match(/^https:\/\/trading-(dev|prod-us-east-1)-[0-9a-f]{10}\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/token$/);
        expect(auth.scopes, stack).to.deep.equal(API_SCOPES.map((s) => `trading-api/${s}`));
        expect(auth.requiredClaims).to.deep.equal([{ name: "token_use", value: "access" }]);
        expect((auth.clientIds as { name: string }[]).map((c) => c.name)).to.have.length.greaterThan(0);
      }
      for (const run of Object.values(runs)) {
        expect(JSON.stringify(run.outputs)).to.not.contain(FAKE_CLIENT_SECRET_PREFIX);
        expect(userData(run)).to.not.contain(FAKE_CLIENT_SECRET_PREFIX);
      }
      // The secret exists (Cognito made one) and stays in the app client's own state.
      expect(JSON.stringify(runs["prod-us-east-1"].ofType(T.client).map((c) => c.outputs))).to.contain(FAKE_CLIENT_SECRET_PREFIX);
    });
  });

  describe("AWS WAF", () => {
    for (const c of CASES) {
      const key = label(c.stack, c.preview);
      it(`${key}: a REGIONAL web ACL associated with the ALB: IP rate limit, IP reputation, known bad inputs, core rules, the service's body limit`, () => {
        const run = runs[key];
        const acl = run.single(T.acl);
        expect(acl.inputs).to.deep.include({ scope: "REGIONAL", defaultAction: { allow: {} } });
        const rules = acl.inputs.rules as { name: string; priority: number; action?: unknown; overrideAction?: unknown; statement: Record<string, Record<string, unknown>> }[];
        expect(rules.map((r) => [r.priority, r.name])).to.deep.equal([
          [0, "rate-per-ip"],
          [1, "AWSManagedRulesAmazonIpReputationList"],
          [2, "AWSManagedRulesKnownBadInputsRuleSet"],
          [3, "AWSManagedRulesCommonRuleSet"],
          [4, "body-over-service-limit"],
        ]);
        expect(rules[0].statement.rateBasedStatement).to.deep.equal({ limit: 30_000, aggregateKeyType: "IP", evaluationWindowSec: 300 });
        expect(rules[0].action).to.deep.equal({ block: {} });
        for (const managed of rules.slice(1, 4)) {
          expect(managed.overrideAction).to.deep.equal({ none: {} });
          expect(managed.statement.managedRuleGroupStatement).to.deep.include({ vendorName: "AWS", name: managed.name });
        }
        // NoUserAgent_HEADER counts too: machine clients need not send a User-Agent (tests/stacks/edgeUserAgent.test.ts).
        expect(rules[3].statement.managedRuleGroupStatement.ruleActionOverrides).to.deep.equal([
          { name: "SizeRestrictions_BODY", actionToUse: { count: {} } },
          { name: "NoUserAgent_HEADER", actionToUse: { count: {} } },
        ]);
        expect(rules[4].statement.regexMatchStatement).to.deep.include({
          regexString: greaterThanPattern(DEFAULT_BODY_LIMIT_BYTES),
          fieldToMatch: { singleHeader: { name: "content-length" } },
        });
        expect(rules[4].action).to.deep.equal({ block: {} });
        const association = run.single(T.association);
        expect(run.propertyDependencies(association, "resourceArn").map((r) => r.type)).to.deep.equal([T.alb]);
        expect(run.propertyDependencies(association, "webAclArn").map((r) => r.urn)).to.deep.equal([acl.urn]);
      });

      it(`${key}: WAF logs go to an aws-waf-logs- group with a retention, the Authorization and Cookie headers redacted`, () => {
        const run = runs[key];
        const logging = run.single(T.logging);
        expect(logging.inputs.redactedFields).to.deep.equal([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
        const groups = run.propertyDependencies(logging, "logDestinationConfigs");
        expect(groups.map((g) => g.type)).to.deep.equal([T.logGroup]);
        expect(String(groups[0].inputs.name)).to.match(/^aws-waf-logs-/);
        expect(groups[0].inputs.retentionInDays).to.equal(90);
        const policy = run.single(T.logPolicy);
        expect(logging.dependencies).to.include(policy.urn);
        if (!c.preview) {
          const document = JSON.parse(String(policy.inputs.policyDocument)) as { Statement: { Principal: unknown; Resource: string; Action: string[] }[] };
          expect(document.Statement[0].Principal).to.deep.equal({ Service: "delivery.logs.amazonaws.com" });
          expect(document.Statement[0].Resource).to.equal(`${String(groups[0].outputs.arn)}:*`);
        }
      });
    }

    it("the content-length pattern matches exactly the numbers above the limit", () => {
      const re = new RegExp(greaterThanPattern(DEFAULT_BODY_LIMIT_BYTES));
      for (const n of [0, 1, 8192, 16_383, 16_384]) expect(re.test(String(n)), String(n)).to.equal(false);
      for (const n of [16_385, 16_390, 16_400, 17_000, 20_000, 99_999, 100_000, 1_000_000_000]) expect(re.test(String(n)), String(n)).to.equal(true);
      expect(re.test("000016385")).to.equal(true);
      expect(re.test("16385x")).to.equal(false);
      for (let n = 0; n < 120_000; n += 7) expect(re.test(String(n))).to.equal(n > DEFAULT_BODY_LIMIT_BYTES);
    });
  });
});

describe("edge config keys in the real stack files", () => {
  const CASES: BadConfigCase[] = [
    {
      title: "a Cognito issuer in a replica stack",
      stack: "prod-eu-west-1",
      overrides: { [K("authIssuer")]: "cognito" },
      message: 'trading-platform:authIssuer: cannot be "cognito" in a replica stack',
    },
    {
      title: "the primary's issuer in a primary stack",
      stack: "dev",
      overrides: { [K("authIssuer")]: "primary" },
      message: 'trading-platform:authIssuer: can be "primary" only in a replica stack',
    },
    {
      title: "an external issuer without its URLs",
      stack: "prod-us-east-1",
      overrides: { [K("authIssuer")]: "external", [K("authClients")]: undefined },
      message: 'trading-platform:authExternalJwksUrl: is required when authIssuer is "external"',
    },
    {
      title: "an external JWKS endpoint over plain HTTP",
      stack: "prod-us-east-1",
      overrides: { ...EXTERNAL, [K("authExternalJwksUrl")]: "http://login.example.com/keys" },
      message: 'trading-platform:authExternalJwksUrl: "http://login.example.com/keys" must be an https URL',
    },
    {
      title: "app clients on an external issuer",
      stack: "prod-us-east-1",
      overrides: { ...EXTERNAL, [K("authClients")]: ["desk:trading"] },
      message: 'trading-platform:authClients: can only be created by a stack whose authIssuer is "cognito"',
    },
    {
      title: "a malformed app client",
      stack: "dev",
      overrides: { [K("authClients")]: ["Desk One:admin"] },
      message: 'trading-platform:authClients[0]: "Desk One:admin" must be "<name>:<kind>"',
    },
    {
      title: "a domain prefix Cognito refuses",
      stack: "dev",
      overrides: { [K("authCognitoDomainPrefix")]: "my-cognito-login" },
      message: 'trading-platform:authCognitoDomainPrefix: "my-cognito-login" is not a usable Cognito domain prefix (it contains the reserved word "cognito"): 1-63 lower-case letters',
    },
    {
      title: "a domain prefix longer than Cognito's 63 characters",
      stack: "dev",
      overrides: { [K("authCognitoDomainPrefix")]: `acme-${"x".repeat(60)}` },
      message: `trading-platform:authCognitoDomainPrefix: "acme-${"x".repeat(60)}" is not a usable Cognito domain prefix (it is 65 characters)`,
    },
    {
      title: "a domain prefix with upper-case letters",
      stack: "prod-us-east-1",
      overrides: { [K("authCognitoDomainPrefix")]: "Acme-Login" },
      message: 'trading-platform:authCognitoDomainPrefix: "Acme-Login" is not a usable Cognito domain prefix (it contains "AL")',
    },
    {
      title: "a domain prefix ending in a hyphen",
      stack: "dev",
      overrides: { [K("authCognitoDomainPrefix")]: "acme-login-" },
      message: "(it starts or ends with a hyphen): 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, without aws, amazon, cognito",
    },
    {
      title: "an access token lifetime Cognito refuses",
      stack: "dev",
      overrides: { [K("authAccessTokenMinutes")]: 2 },
      message: "trading-platform:authAccessTokenMinutes",
    },
    {
      title: "a prod stack without its WAF",
      stack: "prod-us-east-1",
      overrides: { [K("edgeWafEnabled")]: false },
      message: "trading-platform:edgeWafEnabled: must stay true in a prod stack",
    },
  ];
  itRejectsEachBadConfig(CASES);

  it("a replica whose primary publishes no auth section (contract 1.0.0) fails before anything is registered, naming it", async () => {
    const primary = await deployedStackRun("prod-us-east-1");
    const { auth: _auth, ...older } = primary.outputs;
    const primaryStack = String(readStackFile("prod-eu-west-1")["trading-platform:primaryStack"]);
    const failure = await stackFileFailure("prod-eu-west-1", { stackReferences: { [primaryStack]: { ...older, contractVersion: "1.0.0" } } });
    expect(failure.message).to.contain(primaryStack);
    expect(failure.message).to.contain('output "auth"');
    expect(failure.registered.filter((r) => r.custom)).to.deep.equal([]);
  });

  it("dev may go without the WAF", async () => {
    const run = await runStackFile("dev", { overrides: { [K("edgeWafEnabled")]: false } });
    expect(run.ofType(T.acl)).to.have.length(0);
    expect(run.ofType(T.association)).to.have.length(0);
  });
});
