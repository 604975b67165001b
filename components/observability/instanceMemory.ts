/**
 * Memory of the Aurora instance classes the data tier allows, so the freeable-memory alarm can be
 * set as a share of the instance (a fixed byte count would be 25 % of a db.t4g.medium and 3 % of a
 * db.r7g.4xlarge). Figures: Amazon Aurora user guide, "Hardware specifications for DB instance
 * classes for Aurora" (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Summary.html).
 */
export const AURORA_INSTANCE_MEMORY_GIB: Readonly<Record<string, number>> = {
  "db.t4g.medium": 4,
  "db.t4g.large": 8,
  "db.r6g.large": 16,
  "db.r6g.xlarge": 32,
  "db.r6g.2xlarge": 64,
  "db.r7g.large": 16,
  "db.r7g.xlarge": 32,
  "db.r7g.2xlarge": 64,
  "db.r7g.4xlarge": 128,
};

/** Bytes of memory of an Aurora instance class; throws for a class not in the table. */
export function auroraInstanceMemoryBytes(instanceClass: string): number {
  const gib = AURORA_INSTANCE_MEMORY_GIB[instanceClass];
  if (gib === undefined) {
    throw new Error(`no memory figure for Aurora instance class ${instanceClass}; add it to components/observability/instanceMemory.ts`);
  }
  return gib * 1024 ** 3;
}
