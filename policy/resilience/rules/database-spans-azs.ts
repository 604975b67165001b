// database-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { distinct } from "../../lib/graph";
import {
dbClusterPlacements,
dbStandalonePlacements
} from "../../lib/placement";
import { graphOf, MinAzsConfig, minAzsSchema, spreadMessage } from "../../lib/resilience/azSpread";

export const databaseSpansAzs: StackValidationPolicy = {
  name: "database-spans-azs",
  description:
    "Relational databases survive an AZ loss: an Aurora cluster has instances pinned to at least `minAzs` distinct AZs, or the database is an " +
    "RDS Multi-AZ DB cluster (a writer and two readable standbys in three AZs) over a subnet group in at least `minAzs` AZs. " +
    "A single DB instance (even Multi-AZ, which is two AZs) does not qualify.",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    for (const placement of dbClusterPlacements(graph)) {
      const { cluster } = placement;
      if (placement.form === "multi-az-cluster") {
        if (placement.subnetGroup && placement.subnetGroup.azs.length < minAzs) {
          reportViolation(
            spreadMessage(`the DB subnet group of Multi-AZ DB cluster ${cluster.name}`, placement.subnetGroup.azs, minAzs, placement.subnetGroup.unresolved),
            cluster.urn,
          );
        }
        continue;
      }
      const azs = distinct(placement.instances.flatMap((i) => (i.az ? [i.az] : [])));
      if (azs.length < minAzs) {
        const unplaced = placement.instances.filter((i) => !i.az).map((i) => i.resource.name);
        const unresolved = unplaced.length > 0 ? `no known availabilityZone for ${unplaced.join(", ")}` : undefined;
        reportViolation(
          `${spreadMessage(`Aurora cluster ${cluster.name} (${placement.instances.length} instance(s))`, azs, minAzs, unresolved)}; ` +
            "pin one instance to each AZ with availabilityZone, or use a Multi-AZ DB cluster",
          cluster.urn,
        );
      }
    }
    for (const { instance, multiAz } of dbStandalonePlacements(graph)) {
      reportViolation(
        `DB instance ${instance.name} is a single instance${multiAz === true ? " with a Multi-AZ standby" : ""}, which covers at most 2 AZs; ` +
          `use an Aurora cluster with instances in ${minAzs} AZs or a Multi-AZ DB cluster`,
        instance.urn,
      );
    }
  },
};
