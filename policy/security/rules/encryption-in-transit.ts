// encryption-in-transit (security pack): the rule's description below is what the CLI prints with each violation.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const encryptionInTransit: ResourceValidationPolicy = {
  name: "encryption-in-transit",
  description: "DAX clusters serve a TLS endpoint, and ElastiCache replication groups require in-transit encryption (not merely prefer it).",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
      if (cluster.clusterEndpointEncryptionType !== "TLS") {
        reportViolation(`DAX cluster ${args.name} serves an unencrypted endpoint; set clusterEndpointEncryptionType: "TLS"`);
      }
    }),
    validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, reportViolation) => {
      if (group.transitEncryptionEnabled !== true) {
        reportViolation(`replication group ${args.name} does not encrypt traffic in transit (transitEncryptionEnabled)`);
      } else if (group.transitEncryptionMode === "preferred") {
        reportViolation(`replication group ${args.name} still accepts unencrypted connections (transitEncryptionMode "preferred"; use "required")`);
      }
    }),
  ],
};
