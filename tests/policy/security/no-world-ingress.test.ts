// no-world-ingress: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { secureStack } from "./fixtures";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "../support/fixture";

describe("no-world-ingress", () => {
  it("reports the app port open to the world, and a load balancer's group open beyond its listener ports", async () => {
    const fx = new Fixture({ preview: true });
    const { albSg, appSg } = secureStack(fx);
    fx.add(T.ingress, "app-open", { securityGroupId: fx.ref(appSg), ipProtocol: "tcp", fromPort: 8080, toPort: 8080, cidrIpv4: "0.0.0.0/0" });
    fx.add(T.ingress, "alb-ssh", { securityGroupId: fx.ref(albSg), ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" });
    fx.add(T.sgRule, "legacy-rule", { type: "ingress", securityGroupId: fx.ref(appSg), protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] });
    fx.add(T.sg, "inline", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5433, cidrBlocks: ["0.0.0.0/0"] }] });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "no-world-ingress")).to.deep.equal([
      "app-open opens port 8080/tcp of security group app-sg to 0.0.0.0/0; it is not a load balancer's group",
      "alb-ssh opens port 22/tcp of security group alb-sg to ::/0; only ports 80, 443 of a load balancer's group may be open to the world",
      "legacy-rule opens all ports of security group app-sg to 0.0.0.0/0; it is not a load balancer's group",
      "inline opens ports 5432-5433/tcp of security group inline to 0.0.0.0/0; it is not a load balancer's group",
    ]);
    expect(violationsOf(result, "no-world-ingress")[0].urn).to.match(/::app-open$/);
  });
});
