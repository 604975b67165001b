// ecs-container-hardening: root (unset, "root", uid 0), a writable root filesystem and privileged containers are each reported.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const defs = (...containers: Record<string, unknown>[]) => JSON.stringify(containers);

describe("ecs-container-hardening", () => {
  it("passes a non-root, read-only, unprivileged container", async () => {
    const fx = new Fixture();
    fx.add(TASK, "api", { family: "api", containerDefinitions: defs({ name: "api", user: "65532:65532", readonlyRootFilesystem: true, privileged: false }) });
    expect(messagesOf(await evaluate(securityPack, fx), "ecs-container-hardening")).to.deep.equal([]);
  });

  it("reports root users, writable root filesystems and privileged containers", async () => {
    const fx = new Fixture();
    fx.add(TASK, "api", {
      family: "api",
      containerDefinitions: defs(
        { name: "unset", readonlyRootFilesystem: true },
        { name: "uid0", user: "0:0", readonlyRootFilesystem: false },
        { name: "priv", user: "app", readonlyRootFilesystem: true, privileged: true },
      ),
    });
    expect(messagesOf(await evaluate(securityPack, fx), "ecs-container-hardening")).to.deep.equal([
      "container unset of task definition api runs as root (user unset: the image's default); set a non-root user",
      'container uid0 of task definition api runs as root (user "0:0"); set a non-root user',
      "container uid0 of task definition api has a writable root filesystem; set readonlyRootFilesystem: true (and mount volumes for the paths it writes)",
      "container priv of task definition api is privileged",
    ]);
  });
});
