/**
 * Tokenizer, recursive-descent parser and printer for law expressions (private to lib/laws).
 *
 * Grammar, loosest binding first:
 *
 *     expr    := term (("+" | "-") term)*
 *     term    := unary (("*" | "/") unary)*
 *     unary   := ("-" | "+") unary | power
 *     power   := primary (("^" | "**") unary)?        right-associative; -x^2 = -(x^2)
 *     primary := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
 *
 * Numbers: `2`, `0.5`, `.5`, `1e-3`, `6.02E23`. Names: letters (any script, so `α` works),
 * digits and `_`, not starting with a digit, or any text between backticks (for column names
 * such as `` `embed dim` ``).
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { closest } from "./_suggest.ts";

/** Binary operators. */
export type BinaryOp = "+" | "-" | "*" | "/" | "^";

/** A parsed expression. `pos` is the 0-based offset of the node's first character. */
export type Node =
  | { kind: "num"; value: number; pos: number }
  | { kind: "name"; name: string; pos: number }
  | { kind: "neg"; arg: Node; pos: number }
  | { kind: "bin"; op: BinaryOp; left: Node; right: Node; pos: number }
  | { kind: "call"; fn: string; args: Node[]; pos: number };

/** Known functions and their argument counts. */
export const FUNCTIONS: Readonly<Record<string, { min: number; max: number }>> = {
  exp: { min: 1, max: 1 },
  log: { min: 1, max: 1 },
  log10: { min: 1, max: 1 },
  sqrt: { min: 1, max: 1 },
  abs: { min: 1, max: 1 },
  sigmoid: { min: 1, max: 1 },
  min: { min: 2, max: Infinity },
  max: { min: 2, max: Infinity },
};

const FUNCTION_LIST = Object.keys(FUNCTIONS).join(", ");

type TokenType = "num" | "name" | "op" | "end";

interface Token {
  type: TokenType;
  text: string;
  pos: number;
  value: number;
}

const NAME_START = /[\p{L}_]/u;
const NAME_CHAR = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;

/** Throw the parser's one-line error at a 0-based position. */
function fail(label: string, source: string, pos: number, what: string, expected?: string): never {
  const tail = expected ? `; expected ${expected}` : "";
  throw new InputError(
    `Cannot parse ${label} at column ${pos + 1}: ${what}${tail}`,
    source,
    pos,
  );
}

function tokenize(source: string, label: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const ch = source[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (DIGIT.test(ch) || (ch === "." && i + 1 < n && DIGIT.test(source[i + 1]))) {
      while (i < n && DIGIT.test(source[i])) i++;
      if (source[i] === ".") {
        i++;
        while (i < n && DIGIT.test(source[i])) i++;
      }
      if (source[i] === "e" || source[i] === "E") {
        let j = i + 1;
        if (source[j] === "+" || source[j] === "-") j++;
        if (j < n && DIGIT.test(source[j])) {
          while (j < n && DIGIT.test(source[j])) j++;
          i = j;
        } else {
          fail(
            label,
            source,
            start,
            `invalid number ${JSON.stringify(source.slice(start, j))}`,
            "digits after the exponent, as in 1e-3",
          );
        }
      }
      if (i < n && NAME_START.test(source[i])) {
        fail(
          label,
          source,
          i,
          `unexpected name right after the number ${JSON.stringify(source.slice(start, i))}`,
          "an operator such as '*' between them",
        );
      }
      const text = source.slice(start, i);
      const value = Number(text);
      if (!Number.isFinite(value)) {
        fail(label, source, start, `number ${text} is too large`, "a finite number");
      }
      tokens.push({ type: "num", text, pos: start, value });
      continue;
    }
    if (NAME_START.test(ch)) {
      while (i < n && NAME_CHAR.test(source[i])) i++;
      tokens.push({ type: "name", text: source.slice(start, i), pos: start, value: NaN });
      continue;
    }
    if (ch === "`") {
      const close = source.indexOf("`", i + 1);
      if (close < 0) fail(label, source, start, "unclosed '`'", "a closing '`' after the name");
      const text = source.slice(i + 1, close);
      if (text.length === 0) fail(label, source, start, "empty name '``'", "a name between '`'");
      tokens.push({ type: "name", text, pos: start, value: NaN });
      i = close + 1;
      continue;
    }
    if (ch === "*" && source[i + 1] === "*") {
      tokens.push({ type: "op", text: "^", pos: start, value: NaN });
      i += 2;
      continue;
    }
    if ("+-*/^(),".includes(ch)) {
      tokens.push({ type: "op", text: ch, pos: start, value: NaN });
      i++;
      continue;
    }
    fail(
      label,
      source,
      start,
      `unexpected character ${JSON.stringify(ch)}`,
      "numbers, names, + - * / ^, parentheses and commas",
    );
  }
  tokens.push({ type: "end", text: "", pos: n, value: NaN });
  return tokens;
}

function describe(t: Token): string {
  if (t.type === "end") return "end of expression";
  if (t.type === "num") return `number ${t.text}`;
  if (t.type === "name") return `name '${t.text}'`;
  return `'${t.text}'`;
}

/**
 * Parse an expression into an AST.
 *
 * @param source The expression text.
 * @param label What is being parsed, for messages (`"law expression"`).
 * @throws {InputError} With the 1-based column in the message and a 0-based `position`.
 */
export function parseExpression(source: string, label: string): Node {
  const tokens = tokenize(source, label);
  let k = 0;
  const peek = (): Token => tokens[k];
  const isOp = (text: string): boolean => tokens[k].type === "op" && tokens[k].text === text;

  function parseSum(): Node {
    let left = parseProduct();
    while (isOp("+") || isOp("-")) {
      const op = tokens[k++].text as BinaryOp;
      const right = parseProduct();
      left = { kind: "bin", op, left, right, pos: left.pos };
    }
    return left;
  }

  function parseProduct(): Node {
    let left = parseUnary();
    while (isOp("*") || isOp("/")) {
      const op = tokens[k++].text as BinaryOp;
      const right = parseUnary();
      left = { kind: "bin", op, left, right, pos: left.pos };
    }
    return left;
  }

  function parseUnary(): Node {
    if (isOp("-")) {
      const pos = tokens[k++].pos;
      return { kind: "neg", arg: parseUnary(), pos };
    }
    if (isOp("+")) {
      k++;
      return parseUnary();
    }
    return parsePower();
  }

  function parsePower(): Node {
    const base = parsePrimary();
    if (isOp("^")) {
      k++;
      const exponent = parseUnary();
      return { kind: "bin", op: "^", left: base, right: exponent, pos: base.pos };
    }
    return base;
  }

  function parsePrimary(): Node {
    const t = peek();
    if (t.type === "num") {
      k++;
      return { kind: "num", value: t.value, pos: t.pos };
    }
    if (t.type === "name") {
      k++;
      if (isOp("(")) return parseCall(t);
      if (Object.hasOwn(FUNCTIONS, t.text)) {
        fail(label, source, t.pos, `function '${t.text}' has no arguments`, `'${t.text}(...)'`);
      }
      return { kind: "name", name: t.text, pos: t.pos };
    }
    if (isOp("(")) {
      const open = tokens[k++];
      const inner = parseSum();
      if (!isOp(")")) {
        fail(
          label,
          source,
          peek().pos,
          `unexpected ${describe(peek())}`,
          `')' to close '(' at column ${open.pos + 1}`,
        );
      }
      k++;
      return inner;
    }
    return fail(label, source, t.pos, `unexpected ${describe(t)}`, "a number, a name or '('");
  }

  function parseCall(name: Token): Node {
    const fn = name.text;
    if (!Object.hasOwn(FUNCTIONS, fn)) {
      const guess = closest(fn, Object.keys(FUNCTIONS));
      const hint = guess ? ` (did you mean '${guess}'?)` : "";
      fail(label, source, name.pos, `unknown function '${fn}'${hint}`, `one of ${FUNCTION_LIST}`);
    }
    const open = tokens[k++];
    const args: Node[] = [];
    if (!isOp(")")) {
      args.push(parseSum());
      while (isOp(",")) {
        k++;
        args.push(parseSum());
      }
    }
    if (!isOp(")")) {
      fail(
        label,
        source,
        peek().pos,
        `unexpected ${describe(peek())}`,
        `',' or ')' to close '(' at column ${open.pos + 1}`,
      );
    }
    k++;
    const { min, max } = FUNCTIONS[fn];
    if (args.length < min || args.length > max) {
      const wanted = max === Infinity
        ? `at least ${min} arguments`
        : `${min} argument${min === 1 ? "" : "s"}`;
      fail(label, source, name.pos, `function '${fn}' got ${args.length} arguments`, wanted);
    }
    return { kind: "call", fn, args, pos: name.pos };
  }

  if (peek().type === "end") fail(label, source, 0, "the expression is empty", "a formula");
  const root = parseSum();
  if (peek().type !== "end") {
    const t = peek();
    const what = t.type === "op" && t.text === ")" ? "unmatched ')'" : `unexpected ${describe(t)}`;
    fail(label, source, t.pos, what, "an operator (+ - * / ^) or the end");
  }
  return root;
}

/** Names used in the expression (not function names), in order of first appearance. */
export function namesOf(node: Node): string[] {
  const seen = new Set<string>();
  const visit = (n: Node): void => {
    switch (n.kind) {
      case "name":
        seen.add(n.name);
        break;
      case "neg":
        visit(n.arg);
        break;
      case "bin":
        visit(n.left);
        visit(n.right);
        break;
      case "call":
        n.args.forEach(visit);
        break;
    }
  };
  visit(node);
  return [...seen];
}

/** First node naming `name`, in source order. */
export function findName(node: Node, name: string): Node | undefined {
  switch (node.kind) {
    case "name":
      return node.name === name ? node : undefined;
    case "neg":
      return findName(node.arg, name);
    case "bin":
      return findName(node.left, name) ?? findName(node.right, name);
    case "call":
      for (const a of node.args) {
        const hit = findName(a, name);
        if (hit) return hit;
      }
      return undefined;
    default:
      return undefined;
  }
}

const PRECEDENCE: Record<BinaryOp, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "^": 4 };
const NEG_PRECEDENCE = 3;

function precedence(node: Node): number {
  if (node.kind === "bin") return PRECEDENCE[node.op];
  if (node.kind === "neg") return NEG_PRECEDENCE;
  return 5;
}

function formatName(name: string): string {
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) ? name : "`" + name + "`";
}

/**
 * Print an AST with the fewest parentheses that parse back to the same tree: spaces around
 * `+` and `-`, none around `*`, `/`, `^` (`E + A/N^alpha + B/D^beta`).
 */
export function formatExpression(node: Node): string {
  const wrap = (child: Node, needParens: boolean): string =>
    needParens ? `(${formatExpression(child)})` : formatExpression(child);
  switch (node.kind) {
    case "num":
      return String(node.value);
    case "name":
      return formatName(node.name);
    case "neg":
      return "-" + wrap(node.arg, precedence(node.arg) < NEG_PRECEDENCE);
    case "call":
      return `${node.fn}(${node.args.map(formatExpression).join(", ")})`;
    case "bin": {
      const p = PRECEDENCE[node.op];
      if (node.op === "^") {
        const left = wrap(node.left, precedence(node.left) <= p);
        const right = wrap(node.right, precedence(node.right) < NEG_PRECEDENCE);
        return `${left}^${right}`;
      }
      const left = wrap(node.left, precedence(node.left) < p);
      const right = wrap(node.right, precedence(node.right) <= p);
      const sep = p === 1 ? ` ${node.op} ` : node.op;
      return left + sep + right;
    }
  }
}
