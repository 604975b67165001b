// Entry point the Pulumi CLI runs for `--policy-pack policy/cost` (it starts the analyzer).
import { PolicyPack } from "@pulumi/policy";
import { policyPackArgs } from "../lib/packDefinition";
import { costPack } from "./policies";

new PolicyPack(costPack.name, policyPackArgs(costPack));
