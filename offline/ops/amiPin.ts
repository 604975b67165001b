/**
 * The AMI pin of a stack: which public SSM parameter names the current Amazon Linux 2023 AMI for the
 * stack's instance type, and writing a new AMI id into the stack file, keeping its comments. Pure
 * except for the file it is given, so the bump command (amiLatestCli.ts) is tested without AWS.
 *
 * The pin is operational state: the fleet rolls only when someone runs the bump and merges the
 * stack file, never because AWS published an AMI (the launch template no longer reads SSM at
 * `pulumi up`), and the next `pulumi up` keeps whatever the stack file says.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { al2023AmiParameter } from "../../components/cluster/launchTemplate";
import { AMI_ID_PATTERN } from "../../components/cluster/config";

export const AMI_KEY = "trading-platform:clusterAmiId";
const INSTANCE_TYPE_KEY = "trading-platform:clusterInstanceType";
/** Pulumi.yaml's default of clusterInstanceType, when the stack file does not set one. */
const DEFAULT_INSTANCE_TYPE = "m7g.large";

/** The SSM parameter whose value is the AMI to pin for the stack file's instance type. */
export function amiParameterForStackFile(stackFile: string): string {
  const doc = parseDocument(readFileSync(stackFile, "utf8"));
  const instanceType = doc.getIn(["config", INSTANCE_TYPE_KEY]);
  return al2023AmiParameter(typeof instanceType === "string" ? instanceType : DEFAULT_INSTANCE_TYPE);
}

/**
 * Writes `amiId` as the stack file's clusterAmiId (comments and order kept) and returns the id it
 * replaced. Refuses anything that is not an AMI id, so a failed lookup never lands in a stack file.
 */
export function pinAmi(stackFile: string, amiId: string): string | undefined {
  if (!AMI_ID_PATTERN.test(amiId)) {
    throw new Error(`"${amiId}" is not an AMI id (ami- and 8 or 17 hex digits); ${stackFile} left unchanged`);
  }
  const doc = parseDocument(readFileSync(stackFile, "utf8"));
  const previous = doc.getIn(["config", AMI_KEY]);
  doc.setIn(["config", AMI_KEY], amiId);
  writeFileSync(stackFile, doc.toString());
  return typeof previous === "string" ? previous : undefined;
}
