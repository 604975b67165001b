// alb-waf-and-jwt: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS, JWT, listeners, VERIFY_THEN_FORWARD, waf } from "./fixtures";
import { loadBalancer, network, T } from "../support/builders";
import { evaluate, Fixture, FixtureResource, messagesOf } from "../support/fixture";

describe("alb-waf-and-jwt", () => {
  /** An internet-facing ALB with its WAF and a verifying HTTPS listener; returns the listener. */
  function edge(fx: Fixture, options: { waf?: boolean } = {}): { alb: FixtureResource; https: FixtureResource } {
    const net = network(fx, AZS);
    const alb = loadBalancer(fx, net.subnets.public);
    const https = listeners(fx, alb);
    if (options.waf !== false) waf(fx, alb);
    return { alb, https };
  }
  const rule = (fx: Fixture, listener: FixtureResource, name: string, actions: unknown[], methods: string[], paths: string[]) =>
    fx.add(T.listenerRule, name, {
      listenerArn: fx.ref(listener, "arn"),
      priority: 1,
      conditions: [{ httpRequestMethod: { values: methods } }, { pathPattern: { values: paths } }],
      actions,
    });

  for (const preview of [false, true]) {
    it(`passes a verifying listener, its scope rules and an open GET /livez rule (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      const { https } = edge(fx);
      rule(fx, https, "open-livez", [{ type: "forward", targetGroupArn: "tg" }], ["GET", "HEAD"], ["/livez"]);
      rule(fx, https, "fills", VERIFY_THEN_FORWARD, ["POST"], ["/v1/accounts/*/orders/*/fills"]);
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "alb-waf-and-jwt")).to.deep.equal([]);
    });
  }

  it("reports an internet-facing load balancer without a WAF, and a web ACL that is not REGIONAL", async () => {
    const fx = new Fixture({ preview: true });
    edge(fx, { waf: false });
    const other = new Fixture();
    const { alb } = edge(other, { waf: false });
    waf(other, alb, "CLOUDFRONT");
    expect(messagesOf(await evaluate(securityPack, fx), "alb-waf-and-jwt")).to.deep.equal([
      "internet-facing load balancer alb has no AWS WAF web ACL (no aws.wafv2.WebAclAssociation names it)",
    ]);
    expect(messagesOf(await evaluate(securityPack, other), "alb-waf-and-jwt")).to.deep.equal([
      "web ACL acl associated with load balancer alb has scope CLOUDFRONT; a load balancer needs a REGIONAL web ACL",
    ]);
  });

  it("reports a listener that forwards without jwt-validation, one that validates after forwarding, and a plain-HTTP one", async () => {
    const fx = new Fixture();
    const { alb } = edge(fx);
    fx.add(T.listener, "bare", { loadBalancerArn: fx.ref(alb, "arn"), port: 8443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
    fx.add(T.listener, "late", {
      loadBalancerArn: fx.ref(alb, "arn"),
      port: 9443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      defaultActions: [{ ...JWT, order: 3 }, { type: "forward", order: 2, targetGroupArn: "tg" }],
    });
    fx.add(T.listener, "plain", { loadBalancerArn: fx.ref(alb, "arn"), port: 8080, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
    fx.add(T.listener, "unconfigured", { loadBalancerArn: fx.ref(alb, "arn"), port: 7443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "jwt-validation" }, { type: "forward", targetGroupArn: "tg" }] });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "alb-waf-and-jwt")).to.deep.equal([
      "listener bare of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
      "listener late of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
      "listener plain of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward) (jwt-validation needs an HTTPS listener: redirect HTTP to HTTPS)",
      "listener unconfigured of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
    ]);
  });

  it("reports rules that forward unverified beyond GET/HEAD of the open paths", async () => {
    const fx = new Fixture({ preview: true });
    const { https } = edge(fx);
    rule(fx, https, "open-orders", [{ type: "forward", targetGroupArn: "tg" }], ["GET"], ["/v1/orders"]);
    rule(fx, https, "open-wildcard", [{ type: "forward", targetGroupArn: "tg" }], ["GET"], ["/livez*"]);
    rule(fx, https, "open-post", [{ type: "forward", targetGroupArn: "tg" }], ["POST"], ["/livez"]);
    rule(fx, https, "redirects", [{ type: "redirect", redirect: { protocol: "HTTPS" } }], ["GET"], ["/old"]);
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "alb-waf-and-jwt")).to.deep.equal(
      ["open-orders", "open-wildcard", "open-post"].map((name) => `rule ${name} of listener https (load balancer alb) forwards to targets without verifying a JWT, and not only GET/HEAD of /livez, /healthz`),
    );
  });

  it("does not judge an internal load balancer", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    const alb = loadBalancer(fx, net.subnets.app, { internal: true });
    fx.add(T.listener, "inside", { loadBalancerArn: fx.ref(alb, "arn"), port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
    expect(messagesOf(await evaluate(securityPack, fx), "alb-waf-and-jwt")).to.deep.equal([]);
  });
});
