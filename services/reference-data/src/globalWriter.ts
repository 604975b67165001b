/**
 * An Aurora Global Database's writer endpoint, followed through DNS to the current writer's own
 * cluster endpoint and region.
 */
import { promises as dns } from "node:dns";
import { messageOf } from "../../cli/explain";

/** A DNS CNAME lookup (node:dns's resolveCname), injectable for tests. */
export type ResolveCname = (name: string) => Promise<string[]>;

const GLOBAL_WRITER_ENDPOINT = /\.global-[a-z0-9]+\.global\.rds\.amazonaws\.com(\.cn)?$/;
const CLUSTER_ENDPOINT = /^[a-z][a-z0-9-]*\.cluster-[a-z0-9]+\.([a-z]{2}(-[a-z]+)+-\d)\.rds\.amazonaws\.com(\.cn)?$/;

/** Whether `endpoint` is an Aurora Global Database's writer endpoint. */
export function isGlobalWriterEndpoint(endpoint: string): boolean {
  return GLOBAL_WRITER_ENDPOINT.test(endpoint.toLowerCase());
}

/**
 * The writer's cluster endpoint and region behind a global writer endpoint: the name is a DNS alias
 * Aurora keeps pointed at the current primary cluster's writer ("automatically updated by Aurora to
 * route requests to the current writer instance of the primary DB cluster", Amazon Aurora User
 * Guide, "Connecting to Amazon Aurora Global Database"), so its CNAME chain ends at
 * `<cluster>.cluster-<id>.<region>.rds.amazonaws.com`. A reader endpoint (`cluster-ro-`) or no
 * cluster endpoint in the chain is refused: it would not be the writer.
 */
export async function writerBehind(globalEndpoint: string, resolveCname: ResolveCname = dns.resolveCname): Promise<{ endpoint: string; region: string }> {
  let name = globalEndpoint.toLowerCase();
  for (let hop = 0; hop < 5; hop++) {
    let targets: string[];
    try {
      targets = await resolveCname(name);
    } catch (error) {
      // The first name must resolve; a later one without a CNAME is where the chain ends.
      if (hop === 0) throw new Error(`cannot resolve the global writer endpoint ${globalEndpoint}: ${messageOf(error)}`, { cause: error });
      break;
    }
    const target = targets[0]?.toLowerCase().replace(/\.$/, "");
    if (!target) break;
    const cluster = CLUSTER_ENDPOINT.exec(target);
    if (cluster) return { endpoint: target, region: cluster[1] };
    name = target;
    if (/\.cluster-ro-/.test(target)) break;
  }
  throw new Error(`the global writer endpoint ${globalEndpoint} does not lead to a writer's cluster endpoint (last name ${name}); is the global database failing over?`);
}
