/**
 * Every rule of every pack wrapped so it honours per-resource suppressions (declared and audited in
 * ./suppressions.ts): a covered violation is reported as advisory with the suppression in front,
 * and each bad suppression as mandatory at the end of the run.
 */
import type {
  Policies,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { auditSuppressions, suppressedMessage, suppressionsFor, SUPPRESSIONS_PROPERTY, SUPPRESSIONS_SCHEMA } from "./suppressions";

type ViolationReport = { message: string; urn?: string; enforcementLevel: "advisory" | "mandatory" };

/** ReportViolation's object form (the server and the offline evaluator accept it; the SDK's type names only the string form). */
function reportObject(report: ReportViolation, violation: ViolationReport): void {
  (report as unknown as (v: ViolationReport) => void)(violation);
}

function configOf(getConfig: () => object): unknown {
  return (getConfig() as Record<string, unknown>)[SUPPRESSIONS_PROPERTY];
}

function withSuppressionsSchema(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  return { ...schema, properties: { ...schema?.properties, [SUPPRESSIONS_PROPERTY]: SUPPRESSIONS_SCHEMA } };
}

/** Reports the audit's problems as mandatory violations of the rule. */
function reportAudit(rule: string, args: StackValidationArgs, report: ReportViolation): void {
  const audit = auditSuppressions(rule, configOf(args.getConfig), args.resources);
  for (const problem of audit.problems) {
    reportObject(report, { message: problem.message, enforcementLevel: "mandatory", ...(problem.urn ? { urn: problem.urn } : {}) });
  }
}

function wrapResourceValidation(rule: string, validation: ResourceValidation): ResourceValidation {
  const wrapped: ResourceValidation = (args: ResourceValidationArgs, report: ReportViolation) => {
    const covering = suppressionsFor(rule, configOf(args.getConfig), { urn: args.urn, name: args.name, props: args.props });
    if (covering.length === 0) {
      return validation(args, report);
    }
    const filtered = ((message: string) => {
      reportObject(report, { message: suppressedMessage(covering[0], message), urn: args.urn, enforcementLevel: "advisory" });
    }) as ReportViolation;
    return validation(args, filtered);
  };
  // Keep the type the server uses to skip other resources without calling the validation.
  const pulumiType = (validation as { __pulumiType?: unknown }).__pulumiType;
  if (typeof pulumiType === "string") {
    (wrapped as { __pulumiType?: string }).__pulumiType = pulumiType;
  }
  return wrapped;
}

function wrapStackValidation(rule: string, validation: StackValidation): StackValidation {
  return async (args: StackValidationArgs, report: ReportViolation) => {
    const raw = configOf(args.getConfig);
    const byUrn = new Map<string, PolicyResource>(args.resources.map((r) => [r.urn, r]));
    const filtered = ((message: string, urn?: string) => {
      const resource = urn ? byUrn.get(urn) : undefined;
      const covering = resource ? suppressionsFor(rule, raw, resource) : [];
      if (covering.length === 0) {
        report(message, urn);
        return;
      }
      reportObject(report, { message: suppressedMessage(covering[0], message), urn, enforcementLevel: "advisory" });
    }) as ReportViolation;
    await Promise.resolve(validation(args, filtered));
    reportAudit(rule, args, report);
  };
}

/**
 * The rule with suppressions: its config schema accepts `suppressions`; a violation on a resource a
 * valid suppression covers is reported as advisory with the suppression in front; and at the end of
 * the run (the stack phase, where every resource is known) the rule audits its suppressions and
 * reports each bad one as mandatory. A resource rule gains that stack-phase audit as its
 * `validateStack` (the server runs every policy with a validateStack in AnalyzeStack).
 */
export function withSuppressions(policy: Policies[number]): Policies[number] {
  const configSchema = withSuppressionsSchema(policy.configSchema);
  const stackPolicy = policy as StackValidationPolicy;
  if (typeof stackPolicy.validateStack === "function") {
    return { ...stackPolicy, configSchema, validateStack: wrapStackValidation(policy.name, stackPolicy.validateStack) };
  }
  const resourcePolicy = policy as ResourceValidationPolicy;
  const validations = resourcePolicy.validateResource;
  const validateResource = Array.isArray(validations)
    ? validations.map((v) => wrapResourceValidation(policy.name, v))
    : validations
      ? wrapResourceValidation(policy.name, validations)
      : undefined;
  const audit: StackValidation = (args, report) => reportAudit(policy.name, args, report);
  // A resource policy that also validates the stack: the server runs each phase's function.
  const combined: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
    ...resourcePolicy,
    configSchema,
    ...(validateResource ? { validateResource } : {}),
    validateStack: audit,
  };
  return combined;
}
