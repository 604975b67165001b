/**
 * The edge's minimum monthly cost: each AWS WAF web ACL and its rules (a managed rule group counts
 * as one rule), and each Cognito app client allowed the client-credentials grant (Cognito bills
 * machine-to-machine app clients per month). Inspected requests and token requests are billed per
 * use and are listed as usage-based. A user pool without users costs nothing by itself.
 */
import { TYPES } from "../graph";
import { peek, peekArray, UNKNOWN } from "../values";
import { addItem, note, type Context } from "./context";

const WEB_ACL = TYPES.wafWebAcl;
const APP_CLIENT = "aws:cognito/userPoolClient:UserPoolClient";

export function priceEdge(ctx: Context): void {
  const prices = ctx.prices.edge;
  for (const acl of ctx.graph.ofType(WEB_ACL)) {
    const region = ctx.graph.regionOf(acl, ctx.options.defaultRegion) ?? "global";
    if (!prices) {
      ctx.unpriced.push(note(acl, "the price snapshot has no AWS WAF prices"));
      continue;
    }
    addItem(ctx, acl, region, "WAF web ACL", 1, "web-ACL-month", prices.wafWebAclMonth);
    const rules = peekArray(acl.props, "rules");
    if (rules === UNKNOWN) {
      ctx.unpriced.push(note(acl, "its rules are unknown until the update"));
    } else if (rules && rules.length > 0) {
      addItem(ctx, acl, region, `${rules.length} WAF rule(s) and managed rule group(s)`, rules.length, "rule-month", prices.wafRuleMonth);
    }
    ctx.usageBased.push(note(acl, `WAF: $${prices.wafRequestsPerMillion} per million requests inspected`));
  }
  for (const client of ctx.graph.ofType(APP_CLIENT)) {
    const flows = peek(client.props, "allowedOauthFlows");
    const machine = Array.isArray(flows) && flows.includes("client_credentials");
    if (!machine) continue;
    const region = ctx.graph.regionOf(client, ctx.options.defaultRegion) ?? "global";
    if (!prices) {
      ctx.unpriced.push(note(client, "the price snapshot has no Amazon Cognito prices"));
      continue;
    }
    addItem(ctx, client, region, "Cognito machine-to-machine app client", 1, "app-client-month", prices.cognitoM2mAppClientMonth);
    ctx.usageBased.push(note(client, `Cognito: $${prices.cognitoM2mTokenRequestsPerThousand} per 1,000 client-credentials token requests`));
  }
}
