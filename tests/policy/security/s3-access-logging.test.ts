// s3-access-logging: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("s3-access-logging", () => {
  it("passes a bucket with objects logging into another bucket; fails one without logging or logging into itself; ignores buckets without objects", async () => {
    for (const preview of [false, true]) {
      const fx = new Fixture({ preview });
      const logs = fx.add(T.bucket, "access-logs", { bucket: "access-logs" });
      const logged = fx.add(T.bucket, "artifacts", { bucket: "artifacts" });
      const unlogged = fx.add(T.bucket, "unlogged", { bucket: "unlogged" });
      const selfLogged = fx.add(T.bucket, "self-logged", { bucket: "self-logged" });
      fx.add(T.bucket, "inline", { bucket: "inline", logging: { targetBucket: "access-logs", targetPrefix: "inline/" } });
      for (const bucket of [logged, unlogged, selfLogged]) {
        fx.add(T.bucketObject, `${bucket.name}-object`, { bucket: fx.ref(bucket, "id", bucket.name), key: "app/main.js" });
      }
      fx.add(T.bucketObject, "inline-object", { bucket: "inline", key: "app/main.js" });
      fx.add(T.bucketLogging, "artifacts", { bucket: fx.ref(logged, "id", "artifacts"), targetBucket: fx.ref(logs, "id", "access-logs"), targetPrefix: "artifacts/" });
      fx.add(T.bucketLogging, "self-logged", { bucket: fx.ref(selfLogged, "id", "self-logged"), targetBucket: fx.ref(selfLogged, "id", "self-logged") });
      expect(messagesOf(await evaluate(securityPack, fx), "s3-access-logging"), `preview ${preview}`).to.deep.equal([
        "bucket unlogged holds objects the stack uploads but has no server access logging (add a BucketLogging into a log bucket)",
        "bucket self-logged delivers its server access logs into itself (self-logged); log into a separate bucket",
      ]);
    }
  });
});
