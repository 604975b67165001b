/**
 * Whether a `--mermaid` file can be written, checked before any stack is planned: a missing
 * directory or a read-only file would otherwise fail only after every run has finished.
 */
import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";

/** What stops `file` from being written (a message starting with the file), or undefined when it can be. */
export function mermaidTargetProblem(file: string): string | undefined {
  if (file.trim() === "") {
    return "needs a file name, e.g. --mermaid docs/dev.md";
  }
  const dir = path.dirname(path.resolve(file));
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };
  const dirStat = stat(dir);
  if (!dirStat) {
    return `${file}: directory ${dir} does not exist`;
  }
  if (!dirStat.isDirectory()) {
    return `${file}: ${dir} is not a directory`;
  }
  const fileStat = stat(file);
  if (fileStat?.isDirectory()) {
    return `${file}: is a directory; give a file name`;
  }
  try {
    accessSync(fileStat ? file : dir, constants.W_OK);
  } catch {
    return fileStat ? `${file}: the file is not writable` : `${file}: directory ${dir} is not writable`;
  }
  return undefined;
}
