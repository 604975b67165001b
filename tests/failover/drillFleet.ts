/**
 * One region's fleet for the failover drill, on either platform: its members in moto (the Auto
 * Scaling group's InService instances, or the ECS service's running tasks: motoFleet.ts), one real
 * trading-api process per member naming itself as the platform makes it (the instance id in
 * WRITE_REGION_INSTANCE, as the EC2 boot script writes it; on Fargate nothing but
 * ECS_CONTAINER_METADATA_URI_V4, from which the process reads its task ARN), and the region's HTTPS
 * edge in front of them. What the region-info parameter then says of the fleet is returned with it.
 */
import type { RegionInfo } from "../../services/trading-api/src/contract";
import { freeLoopbackPort } from "../support/dynamoLocal";
import { runService, type ServiceProcess } from "../support/serviceProcess";
import { localLoadBalancer, type Certificates, type LocalLoadBalancer } from "./edge";
import { motoFleet, motoService } from "./motoFleet";
import type { TaskMetadataEndpoint } from "./taskMetadata";

export type Platform = "ec2" | "fargate";

export interface DrillInstance {
  region: string;
  /** The member's identity in moto: an instance id, or a task ARN. */
  id: string;
  port: number;
  process: ServiceProcess;
}

export interface RegionFleet {
  instances: DrillInstance[];
  edge: LocalLoadBalancer;
  /** The region-info parameter's fleet field for this platform. */
  info: Pick<RegionInfo, "autoScalingGroupName" | "ecsService">;
}

export interface RegionFleetOptions {
  platform: Platform;
  region: string;
  size: number;
  /** SDK settings for moto in the region. */
  client: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The service's environment but its identity (port, table, flags, bounds). */
  environment: (port: number) => Record<string, string>;
  certificates: Certificates;
  /** Required on fargate: the tasks' metadata endpoint. */
  metadata?: TaskMetadataEndpoint;
}

export async function startRegionFleet(o: RegionFleetOptions): Promise<RegionFleet> {
  let members: { id: string; identity: Record<string, string> }[];
  let info: RegionFleet["info"];
  if (o.platform === "ec2") {
    const { groupName, instanceIds } = await motoFleet(o.client, o.size);
    members = instanceIds.map((id) => ({ id, identity: { WRITE_REGION_INSTANCE: id } }));
    info = { autoScalingGroupName: groupName };
  } else {
    const metadata = o.metadata;
    if (!metadata) throw new Error("a Fargate fleet needs the tasks' metadata endpoint");
    const { clusterName, serviceName, taskArns } = await motoService(o.client, o.size);
    members = taskArns.map((id) => ({ id, identity: { ECS_CONTAINER_METADATA_URI_V4: metadata.uriFor(id, clusterName) } }));
    info = { ecsService: { clusterName, serviceName } };
  }
  const instances: DrillInstance[] = [];
  for (const member of members) {
    const port = await freeLoopbackPort();
    instances.push({ region: o.region, id: member.id, port, process: runService({ ...o.environment(port), ...member.identity }) });
  }
  const edge = await localLoadBalancer(
    instances.map((i) => ({ port: i.port })),
    o.certificates,
  );
  return { instances, edge, info };
}
