/**
 * moto_server (5.2) keeps Aurora global clusters (CreateGlobalCluster, CreateDBCluster with
 * GlobalClusterIdentifier, DescribeGlobalClusters with each member's IsWriter) but has no
 * SwitchoverGlobalCluster and no FailoverGlobalCluster (moto/rds/responses.py: neither action), so
 * a loopback proxy in front of it fakes exactly those two calls and nothing else: every other
 * request (SSM, Lambda, Route 53, Auto Scaling, the rest of RDS) goes to moto unchanged, and
 * moto's DescribeGlobalClusters answer gets the fake's state laid over it.
 *
 * The states are AWS's documented ones (RDS API Reference: SwitchoverGlobalCluster,
 * FailoverGlobalCluster, FailoverState, GlobalCluster): on the call the global cluster's Status
 * becomes "switching-over" (a switchover, or FailoverGlobalCluster without AllowDataLoss) or
 * "failing-over" (AllowDataLoss), FailoverState carries Status, FromDbClusterArn, ToDbClusterArn and
 * IsDataLossAllowed; when it ends (after `switchoverMs` / `failoverMs`) the target member IsWriter,
 * the old one is not, Status is "available" and FailoverState is gone. While one runs a second
 * call is refused (InvalidGlobalClusterStateFault), as is a switchover whose primary's region is
 * down (a switchover first synchronises the secondaries with the primary), a target that is not a
 * member (DBClusterNotFoundFault) or already the writer (InvalidParameterValue), and an unknown
 * global cluster (GlobalClusterNotFoundFault). One global cluster per moto (the tests have one).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GlobalDatabaseFake {
  /** The endpoint to point every SDK client at (moto behind it). */
  endpoint: string;
  /** Every faked call, as "<Action> <target ARN> [AllowDataLoss]", in order. */
  readonly calls: string[];
  /** Regions whose primary cluster cannot be reached: a switchover from there is refused. */
  readonly regionsDown: Set<string>;
  /** The writer as the overlay holds it (undefined: moto's own, before any switchover). */
  writer(): string | undefined;
  /** How long the next switchover or failover takes, until reset (a test that must find one still running). */
  setDurations(durations: Partial<{ switchoverMs: number; failoverMs: number }>): void;
  /** Forgets the fake's state (with moto's reset) and restores the durations it was started with. */
  reset(): void;
  close(): Promise<void>;
}

interface Operation {
  kind: "switchover" | "failover";
  from: string;
  to: string;
  endsAt: number;
}

const XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/";
const regionOfArn = (arn: string) => arn.split(":")[3] ?? "";

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Sends the request to moto and returns its answer (status, headers, body). */
function forward(motoEndpoint: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> {
  const target = new URL(motoEndpoint);
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, "content-length": String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

function send(res: ServerResponse, status: number, xml: string) {
  res.writeHead(status, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml) });
  res.end(xml);
}

const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake-${Date.now()}</RequestId></ErrorResponse>`;

/** Members and writer as moto reports them: `<DBClusterArn>` then, within the member, `<IsWriter>`. */
function membersOf(xml: string): { arn: string; isWriter: boolean }[] {
  return [...xml.matchAll(/<DBClusterArn>([^<]+)<\/DBClusterArn>(?:(?!<DBClusterArn>).)*?<IsWriter>(true|false)<\/IsWriter>/gs)].map((m) => ({ arn: m[1], isWriter: m[2] === "true" }));
}

export async function rdsGlobalFake(motoEndpoint: string, initial: { switchoverMs: number; failoverMs: number }): Promise<GlobalDatabaseFake> {
  let options = { ...initial };
  const calls: string[] = [];
  const regionsDown = new Set<string>();
  let overlayWriter: string | undefined;
  let operation: Operation | undefined;

  /** Ends an operation whose time has come. */
  const settle = () => {
    if (operation && Date.now() >= operation.endsAt) {
      overlayWriter = operation.to;
      operation = undefined;
    }
  };

  const overlay = (xml: string): string => {
    settle();
    let out = xml;
    const writer = overlayWriter;
    if (writer) {
      out = out.replace(/(<DBClusterArn>([^<]+)<\/DBClusterArn>(?:(?!<DBClusterArn>).)*?<IsWriter>)(true|false)(<\/IsWriter>)/gs, (_all, head: string, arn: string, _was: string, tail: string) => `${head}${arn === writer}${tail}`);
    }
    if (operation) {
      const status = operation.kind === "switchover" ? "switching-over" : "failing-over";
      const state =
        `<FailoverState><Status>${status}</Status><FromDbClusterArn>${operation.from}</FromDbClusterArn>` +
        `<ToDbClusterArn>${operation.to}</ToDbClusterArn><IsDataLossAllowed>${operation.kind === "failover"}</IsDataLossAllowed></FailoverState>`;
      out = out.replace("<Status>available</Status>", `<Status>${status}</Status>${state}`);
    }
    return out;
  };

  /** moto's DescribeGlobalClusters, with this fake's state over it. */
  const describe = async (req: IncomingMessage): Promise<string> => {
    const answer = await forward(motoEndpoint, req, Buffer.from("Action=DescribeGlobalClusters&Version=2014-10-31"));
    return overlay(answer.body.toString("utf8"));
  };

  const moveWriter = async (req: IncomingMessage, res: ServerResponse, params: URLSearchParams) => {
    const action = String(params.get("Action"));
    const identifier = String(params.get("GlobalClusterIdentifier") ?? "").toLowerCase();
    const targetArn = String(params.get("TargetDbClusterIdentifier") ?? "");
    const kind: Operation["kind"] = action === "FailoverGlobalCluster" && params.get("AllowDataLoss") === "true" ? "failover" : "switchover";
    const xml = await describe(req);
    if (!xml.includes(`<GlobalClusterIdentifier>${identifier}</GlobalClusterIdentifier>`)) {
      return send(res, 404, errorXml("GlobalClusterNotFoundFault", `Global cluster ${identifier} not found`));
    }
    const members = membersOf(xml);
    const current = members.find((m) => m.isWriter)?.arn;
    if (operation) return send(res, 400, errorXml("InvalidGlobalClusterStateFault", `Global cluster ${identifier} is ${operation.kind === "switchover" ? "switching-over" : "failing-over"}`));
    if (!members.some((m) => m.arn === targetArn)) return send(res, 404, errorXml("DBClusterNotFoundFault", `${targetArn} is not a member of ${identifier}`));
    if (current === targetArn) return send(res, 400, errorXml("InvalidParameterValue", `${targetArn} is already the primary of ${identifier}`));
    if (kind === "switchover" && current && regionsDown.has(regionOfArn(current))) {
      return send(res, 400, errorXml("InvalidGlobalClusterStateFault", `the primary cluster ${current} is not available: a switchover cannot synchronise it`));
    }
    calls.push(`${action} ${targetArn}${kind === "failover" ? " AllowDataLoss" : ""}`);
    operation = { kind, from: String(current), to: targetArn, endsAt: Date.now() + (kind === "switchover" ? options.switchoverMs : options.failoverMs) };
    const cluster = overlay(xml).match(/<GlobalClusters><GlobalClusterMember>(.*)<\/GlobalClusterMember><\/GlobalClusters>/s)?.[1] ?? "";
    send(res, 200, `<${action}Response xmlns="${XMLNS}"><${action}Result><GlobalCluster>${cluster}</GlobalCluster></${action}Result><ResponseMetadata><RequestId>fake-${Date.now()}</RequestId></ResponseMetadata></${action}Response>`);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const form = String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded") ? new URLSearchParams(body.toString("utf8")) : undefined;
      const action = form?.get("Action");
      if (action === "SwitchoverGlobalCluster" || action === "FailoverGlobalCluster") return moveWriter(req, res, form as URLSearchParams);
      const answer = await forward(motoEndpoint, req, body);
      if (action === "DescribeGlobalClusters" && answer.status === 200) return send(res, 200, overlay(answer.body.toString("utf8")));
      const headers = { ...answer.headers };
      delete headers["transfer-encoding"];
      res.writeHead(answer.status, { ...headers, "content-length": String(answer.body.length) });
      res.end(answer.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorXml("InternalFailure", String(error)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    regionsDown,
    writer: () => {
      settle();
      return overlayWriter;
    },
    setDurations: (durations) => {
      options = { ...options, ...durations };
    },
    reset: () => {
      options = { ...initial };
      calls.length = 0;
      regionsDown.clear();
      overlayWriter = undefined;
      operation = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
