/**
 * The mock cloud's recorder: Pulumi's mocks (`setMockOptions` with a recording `MockMonitor`) set up
 * for one stack, recording every registration with what the engine would see: type, name, inputs,
 * parent, dependencies, property dependencies and provider. It imports nothing of the program, so a
 * process can set it up and then load the program through another loader (tests/support/pulumiLoader.ts
 * runs the SDK's own language-host entry point this way).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { CloudQuirks } from "./fakeAccount";
import { FAKE_ACCOUNT_ID, fakeOutputs, INVOKE_FAKES } from "./fakeAws";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** True for provider-managed (custom) resources, false for components. */
  custom: boolean;
  /** Inputs as the provider would receive them; unknown values (preview) are `pulumi.unknown`. */
  inputs: Record<string, unknown>;
  /** The state the mock cloud returned: inputs plus computed fields. */
  outputs: Record<string, unknown>;
  id?: string;
  parent?: string;
  /** Provider reference ("urn::id") when one was set explicitly. */
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  ignoreChanges: string[];
  retainOnDelete: boolean;
  /** Replace by deleting first (the engine's order for a resource whose name cannot be shared). */
  deleteBeforeReplace: boolean;
  /** The region the resource lives in: its own `region` input, its provider's, or the stack's. */
  region: string;
}

export interface RecordedInvoke {
  token: string;
  inputs: Record<string, unknown>;
  region: string;
}

export interface RunOptions {
  /** Project name, as in Pulumi.yaml (`trading-platform`). */
  project: string;
  /** Stack name. */
  stack: string;
  /** Raw config (`key → string`), as the CLI passes it. */
  config: Record<string, string>;
  /** Run as `pulumi preview` (ids and computed outputs unknown) instead of `pulumi up`. */
  preview?: boolean;
  /** Outputs of the stacks a StackReference may read, by fully qualified stack name. */
  stackReferences?: Record<string, Record<string, unknown>>;
  /** Where the fake account should behave like a real one that the happy path hides. */
  quirks?: CloudQuirks;
}

class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];
  /** The root stack's outputs as registered, unknowns included (a preview's outputs have some). */
  stackOutputs: Record<string, unknown> = {};
  readonly invokes: RecordedInvoke[] = [];
  /**
   * Registrations the fake account refused. The engine fails `pulumi up` on any of them, even one
   * whose outputs the program never reads, so the run fails too (see Recording.collect).
   */
  readonly registrationErrors: Error[] = [];
  private readonly providerRegions = new Map<string, string>();
  /** ignoreChanges of the registration in flight, by type and name (newResource does not see them). */
  private readonly ignoreChangesOf = new Map<string, string[]>();

  constructor(
    private readonly stack: string,
    private readonly defaultRegion: string,
    stackReferences: Record<string, Record<string, unknown>>,
    preview: boolean,
    quirks: CloudQuirks = {},
  ) {
    super({
      call: (args) => {
        const region = this.regionOf(args.inputs as Record<string, unknown>, args.provider);
        this.invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown>, region });
        const fake = INVOKE_FAKES[args.token];
        if (!fake) {
          throw new Error(`mock cloud: no fake for invoke ${args.token}; add one to offline/cloud/fakeAws.ts`);
        }
        return fake(args.inputs as Record<string, unknown>, region, quirks.account?.accountId ?? FAKE_ACCOUNT_ID);
      },
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(inputs.name);
          const outputs = stackReferences[name];
          if (!outputs) {
            throw new Error(`mock cloud: no fake outputs for StackReference "${name}"`);
          }
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        if (!args.custom) {
          return { id: undefined, state: {} };
        }
        if (args.type.startsWith("pulumi:providers:")) {
          return { id: preview ? undefined : `${args.name}-provider-id`, state: inputs };
        }
        if (preview) {
          // As in a real preview: inputs are known, ids and computed outputs are not.
          return { id: undefined, state: inputs };
        }
        const region = this.regionOf(inputs, args.provider);
        const account = quirks.account;
        // A create the account refuses (a physical name it already holds) fails the registration.
        account?.claimNames({ stack, type: args.type, name: args.name }, region, inputs);
        const created = fakeOutputs(args.type, args.name, inputs, region, account?.accountId);
        this.applyQuirks(quirks, args.type, args.name, inputs, created);
        return created;
      },
    });
  }

  private applyQuirks(
    quirks: CloudQuirks,
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    created: { id: string; state: Record<string, unknown> },
  ): void {
    if (type === "aws:s3/bucketObjectv2:BucketObjectv2" && quirks.versioningNotYetInEffect) {
      created.state.versionId = "";
    }
    const account = quirks.account;
    if (type === "aws:kms/key:Key" && account) {
      // KMS makes a new key id for every key it creates: a key created again after a destroy differs.
      const keyId = account.generatedId({ stack: this.stack, type, name }, String(created.state.keyId));
      created.state.keyId = keyId;
      created.state.arn = String(created.state.arn).replace(/key\/[^/]+$/, `key/${keyId}`);
    }
    if (type === "aws:rds/cluster:Cluster" && account) {
      const ignored = (this.ignoreChangesOf.get(`${type}::${name}`) ?? []).includes("engineVersion");
      account.applyAuroraCluster(created.id, String(inputs.clusterIdentifier), String(inputs.engineVersion), ignored);
      created.state.engineVersion = account.auroraEngineVersion(String(inputs.clusterIdentifier));
    }
    if (type === "aws:rds/clusterInstance:ClusterInstance" && account) {
      // RDS turns automatic minor version upgrades on unless told otherwise.
      account.applyAuroraInstance(created.id, String(inputs.clusterIdentifier), inputs.autoMinorVersionUpgrade !== false);
    }
  }

  private regionOf(inputs: Record<string, unknown>, provider: string | undefined): string {
    if (typeof inputs.region === "string") {
      return inputs.region;
    }
    const providerUrn = provider?.split("::").slice(0, -1).join("::");
    return (providerUrn && this.providerRegions.get(providerUrn)) || this.defaultRegion;
  }

  // The protobuf request types are not exported by the SDK; these are the accessors used.
  override async registerResource(
    req: {
      getType(): string;
      getName(): string;
      getCustom(): boolean;
      getParent(): string;
      getProvider(): string;
      getObject(): unknown;
      getDependenciesList(): string[];
      getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
      getProtect(): boolean | undefined;
      getIgnorechangesList(): string[];
      getRetainondelete(): boolean | undefined;
      getDeletebeforereplace(): boolean | undefined;
    },
    callback: (err: unknown, response: unknown) => void,
  ): Promise<void> {
    const inputs = pulumi.runtime.deserializeProperties(req.getObject() as never, true) as Record<string, unknown>;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = value.getUrnsList();
    });
    const provider = req.getProvider() || undefined;
    this.ignoreChangesOf.set(`${req.getType()}::${req.getName()}`, req.getIgnorechangesList());
    const record: RecordedResource = {
      urn: "",
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      inputs,
      outputs: {},
      parent: req.getParent() || undefined,
      provider,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      protect: req.getProtect() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
      region: this.regionOf(inputs, provider),
    };
    await super.registerResource(req, (err: unknown, response: unknown) => {
      if (err) {
        this.registrationErrors.push(err instanceof Error ? err : new Error(String(err)));
      }
      if (!err && response) {
        const res = response as { getUrn(): string; getId(): string; getObject(): unknown };
        record.urn = res.getUrn();
        record.id = res.getId() || undefined;
        record.outputs = pulumi.runtime.deserializeProperties(res.getObject() as never, true) as Record<string, unknown>;
        if (record.type.startsWith("pulumi:providers:") && typeof inputs.region === "string") {
          this.providerRegions.set(record.urn, inputs.region);
        }
        this.recorded.push(record);
      }
      callback(err, response);
    });
  }

  // Components and the root stack register their outputs after construction; keep them, with
  // unknowns, because a preview's outputs cannot be read back through Output.promise().
  override registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): unknown },
    callback: (err: unknown, response: unknown) => void,
  ): void {
    const outputs = req.getOutputs()
      ? (pulumi.runtime.deserializeProperties(req.getOutputs() as never, true) as Record<string, unknown>)
      : {};
    const record = this.recorded.find((r) => r.urn === req.getUrn());
    if (record) {
      record.outputs = outputs;
      if (record.type === "pulumi:pulumi:Stack") {
        this.stackOutputs = outputs;
      }
    }
    super.registerResourceOutputs(req, callback);
  }

  // The SDK's language-host entry point (@pulumi/pulumi/cmd/run) asks the engine's monitor for a
  // graceful shutdown when the program's event loop empties; the engine answers once its steps are
  // done. There are none here, so answer at once.
  signalAndWaitForShutdown(_req: unknown, callback: (err: unknown, response: unknown) => void): void {
    callback(null, {});
  }
}

/** The result of one program run under the mock cloud, with queries over what was registered. */
export class StackRun {
  constructor(
    readonly stack: string,
    readonly preview: boolean,
    readonly resources: RecordedResource[],
    readonly invokes: RecordedInvoke[],
    readonly outputs: Record<string, unknown>,
  ) {}

  /** Resources of one type token, e.g. "aws:ec2/subnet:Subnet", in registration order. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` (optionally matching `predicate`); fails when there are 0 or several. */
  single(type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource {
    const found = this.ofType(type).filter(predicate);
    if (found.length !== 1) {
      throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
  }

  byUrn(urn: string): RecordedResource {
    const found = this.resources.find((r) => r.urn === urn);
    if (!found) {
      throw new Error(`no resource registered with URN ${urn}`);
    }
    return found;
  }

  byName(name: string): RecordedResource {
    const found = this.resources.filter((r) => r.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one resource named ${name}, found ${found.length}`);
    }
    return found[0];
  }

  /** Children of a component; with `recursive`, all descendants. */
  childrenOf(parent: RecordedResource, recursive = false): RecordedResource[] {
    const direct = this.resources.filter((r) => r.parent === parent.urn);
    return recursive ? direct.flatMap((child) => [child, ...this.childrenOf(child, true)]) : direct;
  }

  /** The resources the value of `property` of `resource` was computed from. */
  propertyDependencies(resource: RecordedResource, property: string): RecordedResource[] {
    return (resource.propertyDependencies[property] ?? []).map((urn) => this.byUrn(urn));
  }
}

/** The mock cloud set up for one run; the caller starts the program inside a root Stack resource. */
export interface Recording {
  /** Every registration so far, in order. */
  readonly resources: RecordedResource[];
  /** Waits for the registrations still in flight and returns the run; fails when the cloud refused one. */
  collect(): Promise<StackRun>;
  /** Clears the config the run was given. */
  end(): void;
}

/** Points the SDK at a recording mock monitor for `options.stack` and gives it the config. */
export function startRecording(options: RunOptions): Recording {
  const region = options.config["aws:region"] ?? "us-east-1";
  const preview = options.preview ?? false;
  const monitor = new RecordingMonitor(options.stack, region, options.stackReferences ?? {}, preview, options.quirks);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, preview);
  pulumi.runtime.setAllConfig(options.config);
  return {
    resources: monitor.recorded,
    async collect() {
      await pulumi.runtime.disconnect();
      const [refused] = monitor.registrationErrors;
      if (refused) {
        throw new ProgramRunFailure(refused, monitor.recorded);
      }
      return new StackRun(options.stack, preview, monitor.recorded, monitor.invokes, monitor.stackOutputs);
    },
    end() {
      pulumi.runtime.setAllConfig({});
    },
  };
}

/** A program run that threw, with what it had registered before it did. */
export class ProgramRunFailure extends Error {
  constructor(
    readonly error: Error,
    readonly registered: RecordedResource[],
  ) {
    super(error.message);
  }
}
