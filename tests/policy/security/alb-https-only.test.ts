// alb-https-only: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS, listeners } from "./fixtures";
import { loadBalancer, network, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("alb-https-only", () => {
  it("reports a load balancer with plain HTTP only", async () => {
    const fx = new Fixture({ preview: true });
    const net = network(fx, AZS);
    const alb = loadBalancer(fx, net.subnets.public);
    fx.add(T.listener, "http", { loadBalancerArn: fx.ref(alb, "arn"), port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "alb-https-only")).to.deep.equal([
      "load balancer alb has no HTTPS listener",
      "HTTP listener http of load balancer alb serves traffic instead of redirecting to HTTPS",
    ]);
  });

  it("reports a TLS policy below 1.2 and a listener without one", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    const alb = loadBalancer(fx, net.subnets.public);
    listeners(fx, alb);
    fx.add(T.listener, "legacy", { loadBalancerArn: fx.ref(alb, "arn"), port: 8443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08", defaultActions: [] });
    fx.add(T.listener, "implicit", { loadBalancerArn: fx.ref(alb, "arn"), port: 9443, protocol: "HTTPS", defaultActions: [] });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "alb-https-only")).to.deep.equal([
      "HTTPS listener legacy of load balancer alb uses security policy ELBSecurityPolicy-2016-08; allowed: ELBSecurityPolicy-TLS13-1-2-*, ELBSecurityPolicy-TLS13-1-3-*",
      "HTTPS listener implicit of load balancer alb sets no sslPolicy (the AWS default changes over time)",
    ]);
  });
});
