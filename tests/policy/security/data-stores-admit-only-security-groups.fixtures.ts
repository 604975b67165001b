// Fixtures of data-stores-admit-only-security-groups: an app group reaching Aurora, the cache and DAX by reference, and CIDR leaks.
import { aurora, cache, dax, T } from "../support/builders";
import { Fixture, FixtureResource } from "../support/fixture";

export const AZS = ["use1-az1", "use1-az2", "use1-az4"];

export function dataStores(fx: Fixture): { app: FixtureResource; db: FixtureResource; cacheSg: FixtureResource; daxSg: FixtureResource } {
  const app = fx.add(T.sg, "app", { tags: { Name: "trading-app" } });
  const db = fx.add(T.sg, "db-sg", {});
  const cacheSg = fx.add(T.sg, "cache-sg", {});
  const daxSg = fx.add(T.sg, "dax-sg", {});
  aurora(fx, AZS, { vpcSecurityGroupIds: [fx.ref(db)] });
  cache(fx, AZS, { securityGroupIds: [fx.ref(cacheSg)] });
  dax(fx, AZS, { securityGroupIds: [fx.ref(daxSg)] });
  for (const [group, port] of [[db, 5432], [cacheSg, 6379], [daxSg, 9111]] as const) {
    fx.add(T.ingress, `${group.name}-from-app`, { securityGroupId: fx.ref(group), ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: fx.ref(app) });
  }
  // The cache's nodes talk to each other through their own group.
  fx.add(T.sgRule, "cache-self", { type: "ingress", securityGroupId: fx.ref(cacheSg), protocol: "tcp", fromPort: 6379, toPort: 6379, self: true });
  return { app, db, cacheSg, daxSg };
}

/** A CIDR on Aurora, a prefix list on DAX (legacy rule), an inline CIDR on the cache, and a group outside the allowed list. */
export function leakyDataStores(fx: Fixture): void {
  const { db, cacheSg, daxSg } = dataStores(fx);
  fx.add(T.ingress, "db-from-office", { securityGroupId: fx.ref(db), ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.20.0.0/16" });
  fx.add(T.sgRule, "dax-from-pl", { type: "ingress", securityGroupId: fx.ref(daxSg), protocol: "tcp", fromPort: 9111, toPort: 9111, prefixListIds: ["pl-123"] });
  const bastion = fx.add(T.sg, "bastion", {});
  fx.add(T.ingress, "cache-from-bastion", { securityGroupId: fx.ref(cacheSg), ipProtocol: "tcp", fromPort: 6379, toPort: 6379, referencedSecurityGroupId: fx.ref(bastion) });
}
