import { expect } from "chai";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { main } from "../../examples/external-idp/main";
import { evaluateStack } from "../../offline/policy/evaluateStack";
import type { StackRun } from "../support/mockCloud";
import { signingKey, TestIssuer } from "../support/oidcIssuer";
import { exampleConfig, exampleCost, exampleReadme, formatUsd, runExample } from "./support";

const EXAMPLE = "external-idp";
const STACK = "idp-sandbox";
const config = exampleConfig(EXAMPLE, STACK);
const setting = (key: string): string => config[`trading-external-idp:${key}`];

interface JwtValidation {
  issuer: string;
  jwksEndpoint: string;
  additionalClaims?: { name: string; format: string; values: string[] }[];
}
interface ListenerAction {
  type: string;
  order?: number;
  jwtValidation?: JwtValidation;
  targetGroupArn?: string;
}

const httpsListener = (run: StackRun) => run.single("aws:lb/listener:Listener", (l) => l.inputs.protocol === "HTTPS");
const defaultActions = (run: StackRun) => httpsListener(run).inputs.defaultActions as ListenerAction[];
const ruleActions = (run: StackRun) => run.ofType("aws:lb/listenerRule:ListenerRule").map((rule) => rule.inputs.actions as ListenerAction[]);

/**
 * The load balancer's jwt-validation as AWS documents it ("Verify JWTs using an Application Load
 * Balancer"), over one recorded action: the keys fetched from its JWKS endpoint, RS256 only, `iss`
 * and `exp` always, and each additional claim holding its value(s) in the stated format.
 */
async function loadBalancerAccepts(validation: JwtValidation, token: string): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(validation.jwksEndpoint)), {
      issuer: validation.issuer,
      algorithms: ["RS256"],
    });
    return (validation.additionalClaims ?? []).every((claim) => {
      const value = payload[claim.name];
      const held =
        claim.format === "space-separated-values" ? String(value ?? "").split(" ") : claim.format === "string-array" ? (value as string[]) : [String(value)];
      return claim.values.every((wanted) => held.includes(wanted));
    });
  } catch {
    return false;
  }
}

describe("examples/external-idp", function () {
  this.timeout(180_000);
  let run: StackRun;

  before(async () => {
    run = await runExample(EXAMPLE, STACK, main);
  });

  it("creates no Cognito resource: the provider is external", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:cognito/")).map((r) => r.type)).to.deep.equal([]);
    expect(run.resources.filter((r) => r.type === "trading:edge:TokenIssuer")).to.deep.equal([]);
  });

  it("verifies a JWT from the provider's issuer and JWKS on every forwarded HTTPS request, and only redirects HTTP", () => {
    const [verify, forward] = defaultActions(run);
    expect(verify.type).to.equal("jwt-validation");
    expect(verify.jwtValidation).to.include({ issuer: setting("issuer"), jwksEndpoint: setting("jwksUrl") });
    expect(forward.type).to.equal("forward");
    // Every rule that forwards verifies first, but the open liveness and health paths.
    const rules = ruleActions(run);
    const verifying = rules.filter((actions) => actions[0].type === "jwt-validation");
    expect(verifying.length).to.be.greaterThan(0);
    for (const actions of verifying) expect(actions[0].jwtValidation).to.include({ issuer: setting("issuer"), jwksEndpoint: setting("jwksUrl") });
    const http = run.single("aws:lb/listener:Listener", (l) => l.inputs.protocol === "HTTP");
    expect((http.inputs.defaultActions as ListenerAction[]).map((a) => a.type)).to.deep.equal(["redirect"]);
  });

  it("lets the load balancer reach the provider's JWKS on 443, and nothing else new", () => {
    const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
    const albGroup = run.single("aws:ec2/securityGroup:SecurityGroup", (g) => g.name === "trading-alb");
    const fromAlb = egress.filter((r) => r.inputs.securityGroupId === albGroup.id);
    expect(fromAlb.map((r) => [r.inputs.fromPort, r.inputs.toPort])).to.deep.equal([[443, 443]]);
  });

  it("tells the service the same issuer, plus the audience and client claim", () => {
    const template = run.single("aws:ec2/launchTemplate:LaunchTemplate");
    const boot = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
    for (const line of [
      `AUTH_ISSUER=${setting("issuer")}`,
      `AUTH_JWKS_URL=${setting("jwksUrl")}`,
      `AUTH_AUDIENCE=${setting("audience")}`,
      `AUTH_CLIENT_ID_CLAIM=${setting("clientIdClaim")}`,
    ]) {
      expect(boot, line).to.contain(line);
    }
  });

  it("passes the dev policy packs, and their edge rules find HTTPS only, the WAF and the JWT check", async () => {
    const evaluation = await evaluateStack(run, "dev");
    expect(evaluation.mandatory.map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([]);
    const edge = evaluation.violations.filter((v) => ["alb-https-only", "alb-waf-and-jwt"].includes(v.policyName));
    expect(edge.map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([]);
    // The same rules do flag the HTTP-only single-region example, so they are not silent here by accident.
  });

  describe("the listener's configuration, against an issuer serving a JWKS", () => {
    let issuer: TestIssuer;
    let local: StackRun;
    const audience = setting("audience");

    before(async () => {
      issuer = await TestIssuer.start();
      // The same program pointed at a loopback issuer (http: the mock cloud does not check what the
      // ALB would, an https URL), so the recorded jwt-validation can be exercised against real keys.
      local = await runExample(EXAMPLE, STACK, main, {
        overrides: { "trading-external-idp:issuer": issuer.url, "trading-external-idp:jwksUrl": issuer.jwksUrl.href },
      });
    });
    after(() => issuer.stop());

    /** The verifying action of the rule that needs `scope` (e.g. placing an order needs orders.write). */
    const ruleNeeding = (scope: string): JwtValidation => {
      const found = ruleActions(local)
        .map((actions) => actions[0].jwtValidation)
        .find((v) => v?.additionalClaims?.some((c) => c.name === "scope" && c.values.includes(`${setting("scopePrefix")}${scope}`)));
      if (!found) throw new Error(`no listener rule needs ${scope}`);
      return found;
    };

    it("accepts the issuer's token that holds the route's scope", async () => {
      const token = await issuer.token("desk-1", ["orders.write"], { claims: { aud: audience } });
      expect(await loadBalancerAccepts(ruleNeeding("orders.write"), token)).to.equal(true);
      expect(await loadBalancerAccepts(defaultActions(local)[0].jwtValidation as JwtValidation, token)).to.equal(true);
    });

    it("refuses a token signed by a key the JWKS does not publish", async () => {
      const token = await issuer.token("desk-1", ["orders.write"], { key: await signingKey("k1"), claims: { aud: audience } });
      expect(await loadBalancerAccepts(ruleNeeding("orders.write"), token)).to.equal(false);
    });

    it("refuses a token of another issuer, an expired one, and one without the route's scope", async () => {
      const rule = ruleNeeding("orders.write");
      const other = await issuer.token("desk-1", ["orders.write"], { claims: { aud: audience, iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other" } });
      const expired = await issuer.token("desk-1", ["orders.write"], { claims: { aud: audience }, expiresIn: -60 });
      const readOnly = await issuer.token("desk-1", ["orders.read"], { claims: { aud: audience } });
      expect(await loadBalancerAccepts(rule, other), "other issuer").to.equal(false);
      expect(await loadBalancerAccepts(rule, expired), "expired").to.equal(false);
      expect(await loadBalancerAccepts(rule, readOnly), "orders.read only").to.equal(false);
    });
  });

  it("states in its README the monthly cost the offline plan computes", () => {
    const cost = exampleCost(run, "us-east-1");
    expect(exampleReadme(EXAMPLE)).to.contain(`**${formatUsd(cost.minimum.totalMonthlyUsd)} a month**`);
  });
});
