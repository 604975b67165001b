import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatWriteRegionFlag, writeRegionParameterName } from "../../services/trading-api/src/contract";

/** Inputs of WriteRegionFlag. */
export interface WriteRegionFlagArgs {
  /** Pulumi project, the first segment of the parameter name. Required. */
  project: string;
  /** Environment ("prod", "dev"): one flag per environment, the same name in each of its regions. Required. */
  environment: string;
  /**
   * The region that accepts writes when the flag is created: the environment's primary region (the
   * primary stack's own region; a replica passes its primary's). Plain, because it is the value the
   * parameter is created with. Required.
   */
  initialWriteRegion: string;
}

/**
 * The write-region flag of an environment in this stack's region: an SSM String parameter whose
 * value is the region that accepts writes. Instances of this region poll it (they may read only this
 * parameter) and the failover command changes it.
 *
 * Operational state, not code: Pulumi creates it with `initialWriteRegion` and then never changes
 * its value (`ignoreChanges: ["insecureValue"]`), so a `pulumi up` after a failover cannot fail a
 * region back by accident. The value is `insecureValue` (a region name is not a secret), so a
 * preview shows it instead of [secret].
 */
export class WriteRegionFlag extends pulumi.ComponentResource {
  /** Name of the SSM parameter (`/<project>/<environment>/write-region`), the same in every region. */
  public readonly parameterName: pulumi.Output<string>;
  /** ARN of the parameter in this region. */
  public readonly parameterArn: pulumi.Output<string>;
  /** The value the flag was created with. */
  public readonly initialWriteRegion: string;
  /** The parameter resource (its value is ignored after creation). */
  public readonly parameter: aws.ssm.Parameter;

  constructor(name: string, args: WriteRegionFlagArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:region:WriteRegionFlag", name, {}, opts);
    this.initialWriteRegion = args.initialWriteRegion;
    this.parameter = new aws.ssm.Parameter(
      `${name}-write-region`,
      {
        name: writeRegionParameterName(args.project, args.environment),
        description: `Region that accepts writes for ${args.environment}. Operational state: change it with the failover command (npm run failover), never by hand or by pulumi up`,
        type: "String",
        // Epoch 0: every failover writes a higher one (see WriteRegionFlagValue).
        insecureValue: formatWriteRegionFlag({ writeRegion: args.initialWriteRegion, epoch: 0 }),
      },
      // The value belongs to operators after creation: an update must never revert a failover.
      { parent: this, ignoreChanges: ["insecureValue"] },
    );
    this.parameterName = this.parameter.name;
    this.parameterArn = this.parameter.arn;
    this.registerOutputs({ parameterName: this.parameterName, parameterArn: this.parameterArn, initialWriteRegion: this.initialWriteRegion });
  }
}
