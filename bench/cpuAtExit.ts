/**
 * Preloaded by bench:plan into the plan processes it starts (`--import`): at exit, writes the
 * process's CPU time (user + system, every thread) to stderr as `bench:cpu-ms <n>`, which the
 * parent cannot read for a child from Node's API.
 */
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nbench:cpu-ms ${Math.round((user + system) / 1000)}\n`);
});
