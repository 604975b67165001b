// Stops a command at once, with one line saying what to run, when the Node.js running it is older
// than package.json's `engines.node` floor (">=MAJOR.MINOR"). Plain CommonJS with no syntax newer
// than Node 12, so it runs and says so on any Node a machine may have.
//
// Used two ways: `node .ci/require-node.cjs && <command>` in package.json scripts, and as a mocha
// `require` (.mocharc.json), so `npx mocha tests/some.test.ts` is stopped the same way.
"use strict";
const path = require("path");

const root = path.resolve(__dirname, "..");
const floor = require(path.join(root, "package.json")).engines.node;
const wanted = /^>=(\d+)\.(\d+)$/.exec(floor);
if (!wanted) {
  process.stderr.write("require-node: package.json engines.node must read \">=MAJOR.MINOR\", got \"" + floor + "\"\n");
  process.exit(1);
}
const have = process.versions.node.split(".").map(Number);
const major = Number(wanted[1]);
const minor = Number(wanted[2]);
if (have[0] < major || (have[0] === major && have[1] < minor)) {
  process.stderr.write(
    "trading-platform needs Node.js " + floor + " but this is v" + process.versions.node + " (" + process.execPath + "): " +
      "run `source .ci/node.sh` (installs the pinned Node 24 into .tools/ and puts it first on PATH), then run the command again\n",
  );
  process.exit(1);
}
