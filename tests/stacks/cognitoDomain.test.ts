/**
 * Cognito prefix domains (<prefix>.auth.<region>.amazoncognito.com) are one namespace for every AWS
 * account in a region: the stacks' default prefix must be one no other account deploying this
 * program holds, and authCognitoDomainPrefix still overrides it.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { FakeWorld } from "../../offline/cloud/fakeAccount";
import { configKey } from "../support/badConfig";
import { FakeAccount, runProgram, runStackFile } from "../support/mockCloud";

const DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain";

describe("the Cognito domain prefix of a stack", function () {
  this.timeout(120_000);

  it("dev deploys into an account although another account already holds trading-dev in us-east-1", async () => {
    const world = new FakeWorld();
    const theirs = new FakeAccount({ world, accountId: "210987654321" });
    // Someone else's pool took the obvious prefix first (any account may, in any region).
    await runProgram(
      async () => {
        new aws.cognito.UserPoolDomain("login", { domain: "trading-dev", userPoolId: "us-east-1_Theirs" });
        return {};
      },
      { stack: "dev", config: { "aws:region": "us-east-1" }, quirks: { account: theirs } },
    );
    // Refused with "InvalidParameterException: Domain already exists." when dev asks for trading-dev.
    const run = await runStackFile("dev", { quirks: { account: new FakeAccount({ world }) } });
    const domain = String(run.single(DOMAIN).inputs.domain);
    expect(domain).to.not.equal("trading-dev");
    expect((run.outputs.auth as { tokenEndpoint: string }).tokenEndpoint).to.equal(`https://${domain}.auth.us-east-1.amazoncognito.com/oauth2/token`);
  });

  it("authCognitoDomainPrefix overrides the default, and the token endpoint follows it", async () => {
    const run = await runStackFile("dev", { overrides: { [configKey("authCognitoDomainPrefix")]: "acme-desk-login" } });
    expect(run.single(DOMAIN).inputs.domain).to.equal("acme-desk-login");
    expect((run.outputs.auth as { tokenEndpoint: string }).tokenEndpoint).to.equal("https://acme-desk-login.auth.us-east-1.amazoncognito.com/oauth2/token");
  });
});
