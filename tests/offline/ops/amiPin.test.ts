import { expect } from "chai";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { AMI_KEY, amiParameterForStackFile, pinAmi } from "../../../offline/ops/amiPin";
import { REPO_ROOT } from "../../../offline/cloud/stackFiles";

describe("AMI pin (npm run ami:latest)", () => {
  let dir: string;
  const copy = (stack: string) => {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    copyFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), file);
    return file;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ami-pin-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the public AL2023 parameter of the stack's architecture (Graviton types: arm64)", () => {
    expect(amiParameterForStackFile(copy("prod-us-east-1"))).to.equal("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
  });

  it("writes the new id into the stack file, keeping its comments and every other key", () => {
    const file = copy("prod-eu-west-1");
    const before = readFileSync(file, "utf8");
    const previous = pinAmi(file, "ami-0123456789abcdef0");
    const after = readFileSync(file, "utf8");
    expect(previous).to.match(/^ami-/);
    expect((parse(after) as { config: Record<string, unknown> }).config[AMI_KEY]).to.equal("ami-0123456789abcdef0");
    expect(after.split("\n").filter((l) => l.trim().startsWith("#"))).to.deep.equal(before.split("\n").filter((l) => l.trim().startsWith("#")));
    const { [AMI_KEY]: _old, ...restBefore } = (parse(before) as { config: Record<string, unknown> }).config;
    const { [AMI_KEY]: _new, ...restAfter } = (parse(after) as { config: Record<string, unknown> }).config;
    expect(restAfter).to.deep.equal(restBefore);
  });

  it("refuses what is not an AMI id (a failed lookup never lands in a stack file)", () => {
    const file = copy("dev");
    const before = readFileSync(file, "utf8");
    expect(() => pinAmi(file, "")).to.throw("is not an AMI id");
    expect(readFileSync(file, "utf8")).to.equal(before);
  });
});
