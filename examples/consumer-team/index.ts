// Pulumi entry point: the runtime calls the exported function and uses its result as stack outputs.
import { main } from "./main";

export = main;
