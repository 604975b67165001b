/** Cognito domain prefixes: what Cognito accepts, and the stacks' default (pure functions). */
import { expect } from "chai";
import { defaultDomainPrefix, DOMAIN_PREFIX_MAX, domainPrefixProblem } from "../../../components/edge/domainPrefix";

describe("Cognito domain prefixes", () => {
  it("accepts what CreateUserPoolDomain's pattern accepts, and nothing with aws, amazon or cognito", () => {
    for (const ok of ["a", "7", "trading-dev", "acme-desk-login", "x".repeat(DOMAIN_PREFIX_MAX)]) {
      expect(domainPrefixProblem(ok), ok).to.equal(undefined);
    }
    expect(domainPrefixProblem("")).to.equal("it is 0 characters");
    expect(domainPrefixProblem("x".repeat(64))).to.equal("it is 64 characters");
    expect(domainPrefixProblem("Trading")).to.equal('it contains "T"');
    expect(domainPrefixProblem("trading.dev")).to.equal('it contains "."');
    expect(domainPrefixProblem("-trading")).to.equal("it starts or ends with a hyphen");
    expect(domainPrefixProblem("trading-")).to.equal("it starts or ends with a hyphen");
    expect(domainPrefixProblem("my-aws-login")).to.equal('it contains the reserved word "aws"');
    expect(domainPrefixProblem("amazonian")).to.equal('it contains the reserved word "amazon"');
    expect(domainPrefixProblem("my-cognito-login")).to.equal('it contains the reserved word "cognito"');
  });

  it("defaults to trading-<stack>-<hash>: stable, and different for every account, region and stack", () => {
    const dev = defaultDomainPrefix("dev", "123456789012", "us-east-1");
    expect(dev).to.match(/^trading-dev-[0-9a-f]{10}$/);
    expect(defaultDomainPrefix("dev", "123456789012", "us-east-1")).to.equal(dev);
    const others = [
      defaultDomainPrefix("dev", "210987654321", "us-east-1"),
      defaultDomainPrefix("dev", "123456789012", "eu-west-1"),
      defaultDomainPrefix("prod-us-east-1", "123456789012", "us-east-1"),
    ];
    expect(new Set([dev, ...others]).size).to.equal(4);
    expect(dev).to.not.contain("123456789012", "the account id stays out of a public DNS name");
  });

  it("leaves out a stack name Cognito would refuse and shortens a long one, and the result is always usable", () => {
    expect(defaultDomainPrefix("aws-sandbox", "123456789012", "us-east-1")).to.match(/^trading-[0-9a-f]{10}$/);
    expect(defaultDomainPrefix("Team_A", "123456789012", "us-east-1")).to.match(/^trading-[0-9a-f]{10}$/);
    const long = defaultDomainPrefix(`prod-${"x".repeat(80)}`, "123456789012", "us-east-1");
    expect(long.length).to.equal(DOMAIN_PREFIX_MAX);
    for (const stack of ["dev", "prod-us-east-1", "aws", "Team_A", "a-", `p-${"y".repeat(70)}-`, "cognito-test"]) {
      const prefix = defaultDomainPrefix(stack, "123456789012", "eu-west-1");
      expect(domainPrefixProblem(prefix), `${stack}: ${prefix}`).to.equal(undefined);
    }
  });
});
