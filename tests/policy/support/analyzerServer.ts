/**
 * A policy pack started the way the Pulumi CLI starts it (the `pulumi-analyzer-policy` plugin
 * resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's directory and runs it with node and
 * the pack directory as the program: ts-node compiles and type-checks index.ts, the PolicyPack
 * constructor starts the analyzer's gRPC server and prints its port), and a client speaking the
 * analyzer protocol to it as the engine does: GetAnalyzerInfo, Configure, Analyze, AnalyzeStack.
 *
 * The tests use it to hold the offline evaluator to what @pulumi/policy's own server returns.
 */
import * as grpc from "@grpc/grpc-js"; // @pulumi/pulumi's own gRPC runtime, which its generated stubs use
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { ChildProcess, spawn } from "node:child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { EnforcementLevel } from "@pulumi/policy";
import type { AnalyzedResource } from "../../../offline/policy/evaluator";
import type { ResolvedPolicyConfig } from "../../../offline/policy/packConfig";

const LEVELS: Record<EnforcementLevel, proto.EnforcementLevel> = {
  advisory: proto.EnforcementLevel.ADVISORY,
  mandatory: proto.EnforcementLevel.MANDATORY,
  disabled: proto.EnforcementLevel.DISABLED,
  remediate: proto.EnforcementLevel.REMEDIATE,
};
const LEVEL_NAMES = Object.fromEntries(Object.entries(LEVELS).map(([name, value]) => [value, name])) as Record<proto.EnforcementLevel, EnforcementLevel>;

/** A diagnostic as the engine receives it. */
export interface ServerDiagnostic {
  policyName: string;
  policyPackName: string;
  enforcementLevel: EnforcementLevel;
  /** As the policy reported it; "" for resource policies, where the engine attaches the resource. */
  urn: string;
  message: string;
  description: string;
}

export interface ServerPolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchemaProperties?: Record<string, unknown>;
  configSchemaRequired: string[];
}

function call<Req, Res>(method: (req: Req, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function options(resource: AnalyzedResource): proto.AnalyzerResourceOptions {
  const opts = new proto.AnalyzerResourceOptions();
  opts.setProtect(resource.options.protect);
  opts.setIgnorechangesList(resource.options.ignoreChanges);
  opts.setAliasesList(resource.options.aliases);
  opts.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
  opts.setParent(resource.options.parent ?? "");
  const timeouts = new proto.AnalyzerResourceOptions.CustomTimeouts();
  opts.setCustomtimeouts(timeouts);
  return opts;
}

function provider(resource: AnalyzedResource): proto.AnalyzerProviderResource | undefined {
  if (!resource.provider) {
    return undefined;
  }
  const p = new proto.AnalyzerProviderResource();
  p.setType(resource.provider.type);
  p.setName(resource.provider.name);
  p.setUrn(resource.provider.urn);
  p.setProperties(Struct.fromJavaScript(resource.provider.props as Record<string, never>));
  return p;
}

function diagnostics(response: proto.AnalyzeResponse): ServerDiagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()],
    urn: d.getUrn(),
    message: d.getMessage(),
    description: d.getDescription(),
  }));
}

export class AnalyzerServer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly client: AnalyzerClient,
  ) {}

  /** Starts the pack in `packDirectory` as the CLI does; resolves once it serves. */
  static async start(packDirectory: string, timeoutMs: number): Promise<AnalyzerServer> {
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDirectory] });
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], { cwd: packDirectory, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`policy pack ${packDirectory} did not start within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split("\n")[0];
        if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
          clearTimeout(timer);
          resolve(Number(line.trim()));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack ${packDirectory} exited with ${code}:\n${stderr}`));
      });
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new AnalyzerServer(child, client);
  }

  async info(): Promise<{ name: string; version: string; policies: ServerPolicyInfo[] }> {
    const info = await call<Empty, proto.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
    return {
      name: info.getName(),
      version: info.getVersion(),
      policies: info.getPoliciesList().map((p) => ({
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()],
        configSchemaProperties: p.getConfigschema()?.getProperties()?.toJavaScript(),
        configSchemaRequired: p.getConfigschema()?.getRequiredList() ?? [],
      })),
    };
  }

  /** Sends the (already reconciled) config, as the CLI does after ReconcilePolicyPackConfig. */
  async configure(config: Map<string, ResolvedPolicyConfig>): Promise<void> {
    const request = new proto.ConfigureAnalyzerRequest();
    for (const [name, resolved] of config) {
      const policyConfig = new proto.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVELS[resolved.enforcementLevel]);
      policyConfig.setProperties(Struct.fromJavaScript(resolved.properties as Record<string, never>));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    await call<proto.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), request);
  }

  async analyze(resource: AnalyzedResource): Promise<ServerDiagnostic[]> {
    const request = new proto.AnalyzeRequest();
    request.setUrn(resource.urn);
    request.setType(resource.type);
    request.setName(resource.name);
    request.setProperties(Struct.fromJavaScript(resource.inputs as Record<string, never>));
    request.setOptions(options(resource));
    const p = provider(resource);
    if (p) {
      request.setProvider(p);
    }
    return diagnostics(await call<proto.AnalyzeRequest, proto.AnalyzeResponse>(this.client.analyze.bind(this.client), request));
  }

  async analyzeStack(resources: readonly AnalyzedResource[]): Promise<ServerDiagnostic[]> {
    const request = new proto.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const r = new proto.AnalyzerResource();
        r.setUrn(resource.urn);
        r.setType(resource.type);
        r.setName(resource.name);
        r.setProperties(Struct.fromJavaScript(resource.outputs as Record<string, never>));
        r.setOptions(options(resource));
        const p = provider(resource);
        if (p) {
          r.setProvider(p);
        }
        r.setParent(resource.parent ?? "");
        r.setDependenciesList(resource.dependencies);
        for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
          if (urns.length > 0) {
            const deps = new proto.AnalyzerPropertyDependencies();
            deps.setUrnsList(urns);
            r.getPropertydependenciesMap().set(key, deps);
          }
        }
        return r;
      }),
    );
    return diagnostics(await call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(this.client.analyzeStack.bind(this.client), request));
  }

  stop(): void {
    this.client.close();
    this.process.kill();
  }
}
