/**
 * Terminal formatting for the plan: aligned tables, durations, money, and colour that is used only
 * on a terminal (never in a pipe, a file or CI logs, and never when NO_COLOR is set).
 */

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

const plainStyle: Style = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
};

const sgr = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;

const ansiStyle: Style = { bold: sgr(1), dim: sgr(2), red: sgr(31), yellow: sgr(33), green: sgr(32) };

/** Colour when writing to a terminal that has not opted out (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && env.NO_COLOR === undefined && env.TERM !== "dumb" ? ansiStyle : plainStyle;
}

export const PLAIN: Style = plainStyle;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Width as a terminal shows it: escape codes take no room. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleWidth(text)));
  return align === "right" ? fill + text : text + fill;
}

export interface Column {
  header: string;
  align?: "left" | "right";
}

/**
 * An aligned table: a header, a rule, the rows. Cells may carry colour codes; widths ignore them.
 * `footer` rows are set off by a second rule (totals).
 */
export function table(columns: Column[], rows: string[][], footer: string[][] = [], indent = "  "): string {
  const all = [columns.map((c) => c.header), ...rows, ...footer];
  const widths = columns.map((_, i) => Math.max(...all.map((row) => visibleWidth(row[i] ?? ""))));
  const line = (row: string[]) =>
    indent +
    columns
      .map((c, i) => pad(row[i] ?? "", widths[i], c.align ?? "left"))
      .join("  ")
      .trimEnd();
  const rule = indent + widths.map((w) => "-".repeat(w)).join("  ");
  const out = [line(columns.map((c) => c.header)), rule, ...rows.map(line)];
  if (footer.length > 0) {
    out.push(rule, ...footer.map(line));
  }
  return out.join("\n");
}

/** "1 h 02 min", "12 min 30 s", "45 s": seconds as a person reads a deploy time. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  if (minutes < 60) {
    return rest === 0 ? `${minutes} min` : `${minutes} min ${String(rest).padStart(2, "0")} s`;
  }
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** US dollars with cents and thousands separators: "$1,234.56". */
export function formatUsd(amount: number): string {
  const sign = amount < 0 ? "-" : "";
  return `${sign}$${Math.abs(amount).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A section heading with an underline the width of its text. */
export function heading(style: Style, text: string): string {
  return `${style.bold(text)}\n${"=".repeat(visibleWidth(text))}`;
}

/** Wraps `text` to `width` columns, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line.length > 0 && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line.length > 0 ? `${line} ${word}` : word;
      }
    }
    out.push(line);
  }
  return out.join(`\n${indent}`);
}
