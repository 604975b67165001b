import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { artifactFromCode, artifactKey, bundleService } from "../../../components/cluster/artifact";
import { READINESS_PATH } from "../../../services/trading-api/src/contract";

describe("service artifact", function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "cluster-artifact-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("bundles the trading API into one self-contained CommonJS file", () => {
    const artifact = bundleService();
    expect(artifact.code).to.contain(READINESS_PATH);
    // Dependencies are inlined: nothing is left for the instance to install.
    expect(artifact.code).to.not.match(/require\("(fastify|@aws-sdk\/[a-z-]+|@amazon-dax-sdk\/[a-z-]+|zod)"\)/);
    expect(artifact.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(bundleService()).to.equal(artifact);
  });

  it("names the object after the content, so a changed service is a new key", () => {
    const first = path.join(dir, "a.ts");
    const second = path.join(dir, "b.ts");
    writeFileSync(first, "export const port: number = 8080;\nconsole.log(port);\n");
    writeFileSync(second, "export const port: number = 8081;\nconsole.log(port);\n");
    const a = bundleService(first);
    const b = bundleService(second);
    expect(a.code).to.contain("8080");
    expect(a.sha256).to.not.equal(b.sha256);
    expect(artifactKey(a)).to.equal(`trading-api/${a.sha256}/main.js`);
    expect(artifactKey(a)).to.not.equal(artifactKey(b));
    expect(artifactFromCode(a.code)).to.deep.equal(a);
  });

  it("fails the deployment with esbuild's message when the service does not build", () => {
    const broken = path.join(dir, "broken.ts");
    writeFileSync(broken, 'import { missing } from "./nowhere";\nconsole.log(missing);\n');
    expect(() => bundleService(broken)).to.throw(/Could not resolve "\.\/nowhere"/);
  });
});
