/**
 * Terminal formatting for the plan: aligned tables, durations, money, and colour that is used only
 * on a terminal (never in a pipe, a file or CI logs, and never when NO_COLOR is set).
 */

export interface Style {
  /** Columns the text may take: the terminal's width, or DEFAULT_WIDTH when the output is not a terminal. */
  width: number;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

/** Width of text written to a pipe or a file (and of tests' PLAIN style): readable in a review and a CI log. */
export const DEFAULT_WIDTH = 100;

const plainStyle: Style = {
  width: DEFAULT_WIDTH,
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
};

const sgr = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;

const ansiColours = { bold: sgr(1), dim: sgr(2), red: sgr(31), yellow: sgr(33), green: sgr(32) };

/**
 * Colour when writing to a terminal that has not opted out (https://no-color.org); the terminal's
 * width when it reports one, DEFAULT_WIDTH otherwise.
 */
export function styleFor(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): Style {
  const width = stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : DEFAULT_WIDTH;
  const colour = stream.isTTY && env.NO_COLOR === undefined && env.TERM !== "dumb";
  return colour ? { width, ...ansiColours } : { ...plainStyle, width };
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

/** Narrowest a text column is squeezed to before its words are broken. */
const MIN_COLUMN = 8;

/** Splits a word too long for `width`: after the last - _ / . : that fits, else at the width. */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > width) {
    const head = rest.slice(0, width);
    const at = Math.max(...["-", "_", "/", ".", ":"].map((c) => head.lastIndexOf(c)));
    const cut = at >= width / 3 ? at + 1 : width;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return [...pieces, rest];
}

/** The lines of one cell at `width`: the cell itself when it fits, else its words wrapped (long ones broken). */
function cellLines(text: string, width: number): string[] {
  if (visibleWidth(text) <= width) {
    return [text];
  }
  const plain = text.replace(ANSI, ""); // colour is dropped from a wrapped cell rather than split across lines
  const lines: string[] = [];
  let line = "";
  for (const word of plain.split(/\s+/).filter((w) => w.length > 0)) {
    for (const piece of word.length > width ? breakWord(word, width) : [word]) {
      if (line && line.length + 1 + piece.length > width) {
        lines.push(line);
        line = piece;
      } else {
        line = line ? `${line} ${piece}` : piece;
      }
    }
  }
  if (line) {
    lines.push(line);
  }
  return lines;
}

/** Narrows the widest column above its floor, a character at a time, until `total` fits `available`. */
function shrink(widths: number[], floor: number[], available: number): void {
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > available) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floor[i] && (widest < 0 || w > widths[widest])) {
        widest = i;
      }
    });
    if (widest < 0) {
      return;
    }
    widths[widest] -= 1;
    total -= 1;
  }
}

/**
 * Column widths that fit `available`: first the widest text columns give way down to their longest
 * word (cells wrap between words), then, if that is not enough, down to MIN_COLUMN (words break).
 * Right-aligned (number) columns keep their width.
 */
function fitWidths(columns: Column[], cells: string[][], available: number): number[] {
  const natural = columns.map((_, i) => Math.max(...cells.map((row) => visibleWidth(row[i] ?? ""))));
  const longestWord = columns.map((_, i) =>
    Math.max(...cells.flatMap((row) => (row[i] ?? "").replace(ANSI, "").split(/\s+/).map((w) => w.length))),
  );
  const widths = [...natural];
  const keep = (i: number, floor: number) => (columns[i].align === "right" ? natural[i] : Math.min(natural[i], floor));
  shrink(widths, columns.map((_, i) => keep(i, longestWord[i])), available);
  shrink(widths, columns.map((_, i) => keep(i, MIN_COLUMN)), available);
  return widths;
}

/**
 * An aligned table: a header, a rule, the rows. Cells may carry colour codes; widths ignore them.
 * `footer` rows are set off by a second rule (totals). A table wider than `width` columns has its
 * widest text columns narrowed and their cells wrapped onto continuation lines.
 */
export function table(columns: Column[], rows: string[][], footer: string[][] = [], indent = "  ", width = DEFAULT_WIDTH): string {
  const all = [columns.map((c) => c.header), ...rows, ...footer];
  const widths = fitWidths(columns, all, width - indent.length - 2 * (columns.length - 1));
  const lines = (row: string[]) => {
    const cells = columns.map((_, i) => cellLines(row[i] ?? "", widths[i]));
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, n) =>
      (
        indent +
        columns
          .map((c, i) => pad(cells[i][n] ?? "", widths[i], c.align ?? "left"))
          .join("  ")
      ).trimEnd(),
    );
  };
  const rule = indent + widths.map((w) => "-".repeat(w)).join("  ");
  const out = [...lines(columns.map((c) => c.header)), rule, ...rows.flatMap(lines)];
  if (footer.length > 0) {
    out.push(rule, ...footer.flatMap(lines));
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

/**
 * Wraps each line of `text` wider than `width` (prose: notes under a table, sources, bullets), its
 * continuation lines indented past the line's own indent and bullet. Table rows already fit (see
 * table()); tree lines are left whole, since a broken tree branch reads worse than a long line.
 */
export function fitLines(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => {
      if (visibleWidth(line) <= width || /[│├└]/.test(line)) {
        return line;
      }
      const lead = /^(\s*(?:- )?)/.exec(line)?.[1] ?? "";
      const indent = " ".repeat(lead.length + (lead.endsWith("- ") ? 0 : 2));
      const [first, ...rest] = breakAtSpaces(line.slice(lead.length), width - lead.length, Math.max(20, width - indent.length));
      return [lead + first, ...rest.map((l) => indent + l)].join("\n");
    })
    .join("\n");
}

/**
 * Breaks text at spaces into lines of at most `firstWidth`, then `width`, keeping the spacing inside
 * each line (an aligned "name:   value" stays aligned); a word longer than the width stays whole.
 */
function breakAtSpaces(text: string, firstWidth: number, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  let limit = firstWidth;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(" ", limit);
    if (cut <= 0) {
      cut = rest.indexOf(" ", limit);
    }
    if (cut <= 0) {
      break;
    }
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    limit = width;
  }
  return [...lines, rest];
}
