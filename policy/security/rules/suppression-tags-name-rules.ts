/**
 * A suppression tag names a rule that exists. Each rule honours only the tags carrying its own name
 * (policy/lib/suppressions.ts), so `policy-suppress:no-world-ingres` silences nothing and fails
 * nothing: the owner believes a violation is excepted while the rule keeps failing, or, worse,
 * copies the tag elsewhere as a pattern. This rule reports every tag with the suppression prefix
 * whose rule is in no pack. It belongs to the security pack, which owns the exception process; the
 * other packs' names come from policy/lib/ruleNames.ts, tested against the packs.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { ALL_RULE_NAMES } from "../../lib/ruleNames";
import { ownTags, SUPPRESSION_TAG_PREFIX } from "../../lib/suppressions";

export const suppressionTagsNameRules: StackValidationPolicy = {
  name: "suppression-tags-name-rules",
  description:
    "Every tag of the form policy-suppress:<rule> on a resource names a rule of the trading-resilience, trading-cost or trading-security pack, " +
    "so no suppression silently applies to nothing.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const resource of args.resources) {
      for (const key of ownTags(resource).keys()) {
        if (key.startsWith(SUPPRESSION_TAG_PREFIX) && !ALL_RULE_NAMES.includes(key.slice(SUPPRESSION_TAG_PREFIX.length))) {
          reportViolation(`tag ${key} on ${resource.name} names no rule of any pack: it suppresses nothing (check the rule's name in policy/README.md)`, resource.urn);
        }
      }
    }
  },
};
