// Entry point the Pulumi CLI runs for `--policy-pack policy/security` (it starts the analyzer).
import { PolicyPack } from "@pulumi/policy";
import { policyPackArgs } from "../lib/packDefinition";
import { securityPack } from "./policies";

new PolicyPack(securityPack.name, policyPackArgs(securityPack));
