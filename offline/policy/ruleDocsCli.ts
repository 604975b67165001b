// npm run docs:policy: regenerates the rule tables of policy/README.md from the rules' metadata.
import * as path from "node:path";
import { README_PATH, writeRuleTables } from "./ruleDocs";

const changed = writeRuleTables();
console.log(`${path.relative(process.cwd(), README_PATH)}: rule tables ${changed ? "regenerated" : "already up to date"}`);
