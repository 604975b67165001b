/** The lines `npm run preflight` prints: each a check that holds (OK) or something to do first (TO DO). */
export type CheckStatus = "OK" | "TO DO";

export interface CheckLine {
  status: CheckStatus;
  /** What is checked, e.g. "certificate" or "quota VPCs per Region". */
  what: string;
  /** What was found, and for a TO DO what to do about it. */
  detail: string;
}

/** A multi-line explanation as one report line. */
export const oneLine = (text: string): string => text.split("\n").join("; ");

export const ok = (what: string, detail: string): CheckLine => ({ status: "OK", what, detail });
export const todo = (what: string, detail: string): CheckLine => ({ status: "TO DO", what, detail });

export function renderReport(stack: string, header: string, lines: CheckLine[]): string {
  const width = Math.max(...lines.map((l) => l.what.length), 10);
  const todos = lines.filter((l) => l.status === "TO DO").length;
  return [
    `Preflight of ${stack}: ${header}`,
    ...lines.map((l) => `${l.status.padEnd(5)}  ${l.what.padEnd(width)}  ${l.detail}`),
    todos === 0 ? "Everything a first deploy needs is in place." : `${todos} thing${todos === 1 ? "" : "s"} to do before the first \`pulumi up\`.`,
  ].join("\n");
}
