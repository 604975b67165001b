/**
 * DynamoDB condition and update expressions for the benchmark's in-memory document (memoryDocument.ts),
 * evaluated with DynamoDB's rules for the subset the order store writes:
 *
 * - conditions: `attribute_exists(p)`, `attribute_not_exists(p)`, `=`, `<`, `<=`, `>`, `>=` on
 *   numbers, strings and booleans (booleans only with `=`), `AND`, `OR`, `NOT`, parentheses. A
 *   comparison with a missing attribute, or between different types, is false;
 * - updates: `SET p = v`, `SET p = a + b` / `a - b` (numbers), `SET p = if_not_exists(q, v)`,
 *   `REMOVE p, q`, `ADD p :n` (a missing number counts as 0); a path may appear once, key
 *   attributes never.
 *
 * As DynamoDB does, every `#name` and `:value` must be defined and every defined one used. Anything
 * outside the subset (nested paths, `<>`, `IN`, `BETWEEN`, `begins_with`, `size`, sets, `DELETE`)
 * throws rather than being guessed at. Parsed expressions are cached by their text.
 * Rules: "Condition and filter expressions, operators, and functions in DynamoDB" and "Using update
 * expressions in DynamoDB" in the DynamoDB Developer Guide.
 */
import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";

export type Item = Record<string, NativeAttributeValue>;
export type Names = Record<string, string>;
export type Values = Record<string, NativeAttributeValue>;

/** An error DynamoDB would answer with a 400 ValidationException. */
export class ValidationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValidationException";
  }
}

/**
 * A refusal that depends on the item, not the request's shape (updating a key attribute): inside a
 * transaction DynamoDB reports it as the item's cancellation reason `ValidationError`.
 */
export class ItemValidationError extends ValidationException {}

/** A path: an attribute name as written (`#n` placeholder or a plain name). */
type Path = { kind: "path"; token: string };
type Operand =
  | Path
  | { kind: "value"; token: string }
  | { kind: "arith"; op: "+" | "-"; left: Operand; right: Operand }
  | { kind: "if_not_exists"; path: Path; fallback: Operand };
type Comparator = "=" | "<" | "<=" | ">" | ">=";
type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "exists" | "not_exists"; path: Path }
  | { kind: "compare"; op: Comparator; left: Operand; right: Operand };

interface ParsedUpdate {
  set: [Path, Operand][];
  remove: Path[];
  add: [Path, Operand][];
}

interface Parsed<T> {
  tree: T;
  /** Every `#name` and `:value` token the expression uses. */
  names: Set<string>;
  values: Set<string>;
}

const TOKEN = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|=|<|>|\(|\)|,|\+|-|\.|\[))/y;

class Tokens {
  private readonly list: string[] = [];
  private at = 0;
  readonly names = new Set<string>();
  readonly values = new Set<string>();

  constructor(readonly text: string) {
    TOKEN.lastIndex = 0;
    let match: RegExpExecArray | null;
    while (TOKEN.lastIndex < text.length && (match = TOKEN.exec(text))) {
      const token = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (token === "." || token === "[") throw new ValidationException(`MemoryDocument: nested paths are not supported: ${text}`);
      if (token === "<>") throw new ValidationException(`MemoryDocument: <> is not supported: ${text}`);
      if (match[1]) this.names.add(token);
      if (match[2]) this.values.add(token);
      this.list.push(token);
    }
    if (text.slice(TOKEN.lastIndex).trim() !== "") throw new ValidationException(`Invalid expression: unexpected text in ${text}`);
  }

  peek(offset = 0): string | undefined {
    return this.list[this.at + offset];
  }

  /** The next token upper-cased if it is a keyword, else as written. */
  peekKeyword(): string | undefined {
    const next = this.peek();
    return next && /^[A-Za-z_]/.test(next) ? next.toUpperCase() : next;
  }

  next(): string {
    const token = this.list[this.at++];
    if (token === undefined) throw new ValidationException(`Invalid expression: unexpected end of ${this.text}`);
    return token;
  }

  expect(token: string): void {
    const got = this.next();
    if (got.toUpperCase() !== token) throw new ValidationException(`Invalid expression: expected ${token}, got ${got} in ${this.text}`);
  }

  done(): boolean {
    return this.at >= this.list.length;
  }
}

const RESERVED_IN_SUBSET = new Set(["AND", "OR", "NOT", "SET", "REMOVE", "ADD", "DELETE"]);

function path(tokens: Tokens): Path {
  const token = tokens.next();
  if (token.startsWith(":") || !/^[#A-Za-z_]/.test(token) || RESERVED_IN_SUBSET.has(token.toUpperCase())) {
    throw new ValidationException(`Invalid expression: expected an attribute, got ${token} in ${tokens.text}`);
  }
  return { kind: "path", token };
}

function operand(tokens: Tokens): Operand {
  const left = primaryOperand(tokens);
  const op = tokens.peek();
  if (op === "+" || op === "-") {
    tokens.next();
    return { kind: "arith", op, left, right: primaryOperand(tokens) };
  }
  return left;
}

function primaryOperand(tokens: Tokens): Operand {
  const token = tokens.peek();
  if (token?.startsWith(":")) return { kind: "value", token: tokens.next() };
  if (token?.toLowerCase() === "if_not_exists") {
    tokens.next();
    tokens.expect("(");
    const checked = path(tokens);
    tokens.expect(",");
    const fallback = operand(tokens);
    tokens.expect(")");
    return { kind: "if_not_exists", path: checked, fallback };
  }
  if (token !== undefined && /^[A-Za-z_]/.test(token) && tokens.peek(1) === "(") {
    throw new ValidationException(`MemoryDocument: function ${token} is not supported: ${tokens.text}`);
  }
  return path(tokens);
}

function condition(tokens: Tokens): Condition {
  let left = conjunction(tokens);
  while (tokens.peekKeyword() === "OR") {
    tokens.next();
    left = { kind: "or", left, right: conjunction(tokens) };
  }
  return left;
}

function conjunction(tokens: Tokens): Condition {
  let left = negation(tokens);
  while (tokens.peekKeyword() === "AND") {
    tokens.next();
    left = { kind: "and", left, right: negation(tokens) };
  }
  return left;
}

function negation(tokens: Tokens): Condition {
  if (tokens.peekKeyword() === "NOT") {
    tokens.next();
    return { kind: "not", operand: negation(tokens) };
  }
  if (tokens.peek() === "(") {
    tokens.next();
    const inner = condition(tokens);
    tokens.expect(")");
    return inner;
  }
  const name = tokens.peek()?.toLowerCase();
  if (name === "attribute_exists" || name === "attribute_not_exists") {
    tokens.next();
    tokens.expect("(");
    const checked = path(tokens);
    tokens.expect(")");
    return { kind: name === "attribute_exists" ? "exists" : "not_exists", path: checked };
  }
  const left = operand(tokens);
  const op = tokens.next();
  if (op !== "=" && op !== "<" && op !== "<=" && op !== ">" && op !== ">=") {
    throw new ValidationException(`MemoryDocument: comparator ${op} is not supported: ${tokens.text}`);
  }
  return { kind: "compare", op, left, right: operand(tokens) };
}

function parseUpdate(tokens: Tokens): ParsedUpdate {
  const update: ParsedUpdate = { set: [], remove: [], add: [] };
  while (!tokens.done()) {
    const clause = tokens.next().toUpperCase();
    do {
      if (clause === "SET") {
        const target = path(tokens);
        tokens.expect("=");
        update.set.push([target, operand(tokens)]);
      } else if (clause === "REMOVE") {
        update.remove.push(path(tokens));
      } else if (clause === "ADD") {
        const target = path(tokens);
        update.add.push([target, primaryOperand(tokens)]);
      } else {
        throw new ValidationException(`MemoryDocument: update clause ${clause} is not supported: ${tokens.text}`);
      }
    } while (tokens.peek() === "," && tokens.next());
  }
  return update;
}

const conditions = new Map<string, Parsed<Condition>>();
const updates = new Map<string, Parsed<ParsedUpdate>>();

function parsed<T>(cache: Map<string, Parsed<T>>, text: string, parse: (tokens: Tokens) => T): Parsed<T> {
  let entry = cache.get(text);
  if (!entry) {
    const tokens = new Tokens(text);
    const tree = parse(tokens);
    if (!tokens.done()) throw new ValidationException(`Invalid expression: unexpected ${tokens.peek()} in ${text}`);
    entry = { tree, names: tokens.names, values: tokens.values };
    cache.set(text, entry);
  }
  return entry;
}

/** The parts of one write request that hold expressions. */
export interface Expressions {
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Values;
}

interface Compiled {
  condition?: Condition;
  update?: ParsedUpdate;
  names: string[];
  values: string[];
}

const compiled = new Map<string, Compiled>();

function keyCount(record: Record<string, unknown>): number {
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key)) count += 1;
  return count;
}

/** The request's expressions, parsed (cached), with its placeholders checked both ways as DynamoDB does. */
export function compile(request: Expressions): Compiled {
  const cacheKey = `${request.ConditionExpression ?? ""}\u0000${request.UpdateExpression ?? "\u0000"}`;
  let entry = compiled.get(cacheKey);
  if (!entry) {
    const c = request.ConditionExpression === undefined ? undefined : parsed(conditions, request.ConditionExpression, condition);
    const u = request.UpdateExpression === undefined ? undefined : parsed(updates, request.UpdateExpression, parseUpdate);
    entry = {
      ...(c ? { condition: c.tree } : {}),
      ...(u ? { update: u.tree } : {}),
      names: [...new Set([...(c?.names ?? []), ...(u?.names ?? [])])],
      values: [...new Set([...(c?.values ?? []), ...(u?.values ?? [])])],
    };
    compiled.set(cacheKey, entry);
  }
  const names = request.ExpressionAttributeNames ?? {};
  const values = request.ExpressionAttributeValues ?? {};
  for (const name of entry.names) if (!(name in names)) throw new ValidationException(`An expression attribute name used in the document path is not defined; attribute name: ${name}`);
  for (const value of entry.values) if (!(value in values)) throw new ValidationException(`An expression attribute value used in expression is not defined; attribute value: ${value}`);
  // Every used placeholder is defined, so any further key is an unused one.
  if (keyCount(names) > entry.names.length) {
    const unused = Object.keys(names).filter((n) => !entry.names.includes(n));
    throw new ValidationException(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unused.join(", ")}}`);
  }
  if (keyCount(values) > entry.values.length) {
    const unused = Object.keys(values).filter((v) => !entry.values.includes(v));
    throw new ValidationException(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unused.join(", ")}}`);
  }
  return entry;
}

function attributeName(p: Path, names: Names): string {
  return p.token.startsWith("#") ? names[p.token] : p.token;
}

type Scalar = number | string | boolean;

function scalar(value: unknown, where: string): Scalar | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  throw new ValidationException(`MemoryDocument: only number, string and boolean values are supported (${where})`);
}

function evaluate(o: Operand, item: Item | undefined, names: Names, values: Values): Scalar | undefined {
  switch (o.kind) {
    case "path":
      return scalar(item?.[attributeName(o, names)], o.token);
    case "value":
      return scalar(values[o.token], o.token);
    case "if_not_exists": {
      const current = evaluate(o.path, item, names, values);
      return current !== undefined ? current : evaluate(o.fallback, item, names, values);
    }
    case "arith": {
      const left = evaluate(o.left, item, names, values);
      const right = evaluate(o.right, item, names, values);
      if (left === undefined || right === undefined) {
        throw new ValidationException("The provided expression refers to an attribute that does not exist in the item");
      }
      if (typeof left !== "number" || typeof right !== "number") throw new ValidationException("An operand in the update expression has an incorrect data type");
      return o.op === "+" ? left + right : left - right;
    }
  }
}

function compare(op: Comparator, left: Scalar | undefined, right: Scalar | undefined): boolean {
  if (left === undefined || right === undefined || typeof left !== typeof right) return false;
  if (typeof left === "boolean") return op === "=" && left === right;
  if (typeof left === "string") {
    // DynamoDB orders strings by their UTF-8 bytes.
    const order = Buffer.compare(Buffer.from(left), Buffer.from(right as string));
    return op === "=" ? order === 0 : op === "<" ? order < 0 : op === "<=" ? order <= 0 : op === ">" ? order > 0 : order >= 0;
  }
  const r = right as number;
  return op === "=" ? left === r : op === "<" ? left < r : op === "<=" ? left <= r : op === ">" ? left > r : left >= r;
}

function holds(c: Condition, item: Item | undefined, names: Names, values: Values): boolean {
  switch (c.kind) {
    case "and":
      return holds(c.left, item, names, values) && holds(c.right, item, names, values);
    case "or":
      return holds(c.left, item, names, values) || holds(c.right, item, names, values);
    case "not":
      return !holds(c.operand, item, names, values);
    case "exists":
    case "not_exists": {
      const present = item !== undefined && item[attributeName(c.path, names)] !== undefined;
      return c.kind === "exists" ? present : !present;
    }
    case "compare":
      return compare(c.op, evaluate(c.left, item, names, values), evaluate(c.right, item, names, values));
  }
}

/** Whether the request's condition (if any) holds for `item` (undefined: no such item). */
export function conditionHolds(request: Expressions, item: Item | undefined): boolean {
  const { condition: tree } = compile(request);
  return tree === undefined || holds(tree, item, request.ExpressionAttributeNames ?? {}, request.ExpressionAttributeValues ?? {});
}

/**
 * The item after the request's update expression, from `item` (undefined: the update creates it
 * from its key). The input is not modified.
 */
export function applyUpdate(request: Expressions, key: Item, item: Item | undefined): Item {
  const { update } = compile(request);
  if (!update) throw new ValidationException("MemoryDocument: an Update needs an UpdateExpression");
  const names = request.ExpressionAttributeNames ?? {};
  const values = request.ExpressionAttributeValues ?? {};
  const next: Item = item ? structuredClone(item) : structuredClone(key);
  const touched = new Set<string>();
  const target = (p: Path) => {
    const name = attributeName(p, names);
    if (name in key) throw new ItemValidationError(`One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`);
    if (touched.has(name)) throw new ValidationException(`Two document paths overlap with each other: ${name}`);
    touched.add(name);
    return name;
  };
  // Every right-hand side reads the item as it was before the update, as DynamoDB evaluates them.
  const assignments = update.set.map(([p, o]) => [target(p), evaluate(o, item, names, values)] as const);
  const additions = update.add.map(([p, o]) => {
    const name = target(p);
    const amount = evaluate(o, item, names, values);
    const current = scalar(item?.[name], name) ?? 0;
    if (typeof amount !== "number" || typeof current !== "number") {
      throw new ValidationException("An operand in the update expression has an incorrect data type");
    }
    return [name, current + amount] as const;
  });
  const removals = update.remove.map(target);
  for (const [name, value] of [...assignments, ...additions]) {
    if (value === undefined) throw new ValidationException("The provided expression refers to an attribute that does not exist in the item");
    next[name] = value;
  }
  for (const name of removals) Reflect.deleteProperty(next, name);
  return next;
}
