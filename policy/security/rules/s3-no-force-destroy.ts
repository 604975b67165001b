// s3-no-force-destroy (security pack): the rule's description below is what the CLI prints with each violation.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const s3NoForceDestroy: ResourceValidationPolicy = {
  name: "s3-no-force-destroy",
  description:
    "S3 buckets do not set forceDestroy, so no deployment or destroy deletes the objects and versions they hold. Meant to be mandatory in " +
    "production and disabled in disposable environments, which need it to be torn down.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.s3.Bucket, (bucket, args, reportViolation) => {
    if (bucket.forceDestroy === true) {
      reportViolation(`bucket ${args.name} sets forceDestroy: a destroy or replacement deletes every object and version in it`);
    }
  }),
};
