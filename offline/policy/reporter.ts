/**
 * The ReportViolation a policy is handed, in both of the server's forms (a message, or an object),
 * collecting violations with a suppressed one's suppression read back from its message; and the
 * advisory diagnostic a policy gets when it reads a value unknown during a preview.
 */
import type { EnforcementLevel, ReportViolation } from "@pulumi/policy";
import type { PolicyPackDefinition } from "../../policy/lib/packDefinition";
import { parseSuppressedMessage } from "../../policy/lib/suppressions";
import type { ReportedLevel, Violation } from "./analysis";

function withSuppressionInfo(violation: Violation): Violation {
  const suppressed = parseSuppressedMessage(violation.message);
  return suppressed ? { ...violation, suppressed } : violation;
}

export function reportedLevel(level: EnforcementLevel): ReportedLevel {
  return level === "remediate" ? "mandatory" : (level as ReportedLevel);
}

interface ViolationObject {
  name?: string;
  message?: string;
  description?: string;
  urn?: string;
  enforcementLevel?: EnforcementLevel;
}

export function makeReporter(
  pack: PolicyPackDefinition,
  policyName: string,
  description: string,
  level: ReportedLevel,
  sink: Violation[],
  fixedUrn?: string,
): ReportViolation {
  // The server also accepts an object in place of the message; mirror both forms.
  return ((message: string | ViolationObject, urn?: string) => {
    if (typeof message === "object" && message !== null) {
      sink.push(withSuppressionInfo({
        policyPack: pack.name,
        policyName: message.name ?? policyName,
        enforcementLevel: reportedLevel(message.enforcementLevel ?? level),
        urn: fixedUrn ?? message.urn,
        message: message.message ?? message.description ?? description,
        description: message.description ?? description,
        couldNotRunInPreview: false,
        objectReport: true,
      }));
      return;
    }
    sink.push({
      policyPack: pack.name,
      policyName,
      enforcementLevel: level,
      urn: fixedUrn ?? urn,
      message: message ?? "",
      description,
      couldNotRunInPreview: false,
    });
  }) as ReportViolation;
}

export function couldNotRun(pack: PolicyPackDefinition, policyName: string, description: string, error: Error, urn?: string): Violation {
  return {
    policyPack: pack.name,
    policyName,
    enforcementLevel: "advisory",
    urn,
    message: `can't run policy '${policyName}' from policy pack '${pack.name}@v${pack.version}' during preview: ${error.message}`,
    description,
    couldNotRunInPreview: true,
  };
}

