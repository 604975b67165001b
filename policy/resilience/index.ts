// Entry point the Pulumi CLI runs for `--policy-pack policy/resilience` (it starts the analyzer).
import { PolicyPack } from "@pulumi/policy";
import { policyPackArgs } from "../lib/packDefinition";
import { resiliencePack } from "./policies";

new PolicyPack(resiliencePack.name, policyPackArgs(resiliencePack));
