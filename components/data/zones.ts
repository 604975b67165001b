import * as pulumi from "@pulumi/pulumi";
import type { AzNetwork } from "../network/haNetwork";

/** One AZ's share of the data tier: its data subnet. */
export interface DataZone {
  /** AZ ID of the subnet (e.g. use1-az4), used in names and tags. */
  readonly azId: string;
  /** The data subnet in this AZ. */
  readonly subnetId: pulumi.Input<string>;
  /**
   * The AZ name of that subnet as this account sees it. Pass the subnet's own `availabilityZone`
   * output: placement then follows the configured AZ IDs, and every node's AZ input depends on
   * exactly one subnet resource, so a preview (where names are unknown) still shows where it is.
   */
  readonly availabilityZoneName: pulumi.Input<string>;
}

/** The data zones of an HaNetwork, in its AZ order. */
export function dataZonesOf(zones: AzNetwork[]): DataZone[] {
  return zones.map((zone) => ({
    azId: zone.azId,
    subnetId: zone.dataSubnet.id,
    availabilityZoneName: zone.dataSubnet.availabilityZone,
  }));
}
