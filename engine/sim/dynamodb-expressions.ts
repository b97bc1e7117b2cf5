import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fail } from './sdk-errors.js';

/**
 * The few DynamoDB expressions the lock step writes, parsed and evaluated as the service does:
 * condition expressions with `attribute_exists(p)`, `attribute_not_exists(p)`, comparisons
 * (`=`, `<>`, `<`, `<=`, `>`, `>=`), `AND`, `OR`, `NOT` and parentheses; update expressions with
 * `SET p = :v, …` and `REMOVE p, …`. Paths are top-level attributes (`name` or `#placeholder`).
 * Anything else fails loudly with a ValidationException naming what is not modeled, rather than
 * being evaluated wrongly. Like DynamoDB, every placeholder must be defined and every defined
 * placeholder used.
 */

export type Item = Record<string, AttributeValue>;

export interface ExpressionInput {
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue>;
}

const invalid = (what: string, message: string) =>
  fail('ValidationException', 400, `Invalid ${what}: ${message}`);

type Token =
  | { readonly kind: 'name' | 'value' | 'word'; readonly text: string }
  | { readonly kind: 'op'; readonly text: '=' | '<>' | '<' | '<=' | '>' | '>=' }
  | { readonly kind: '(' | ')' | ','; readonly text: string };

function tokenize(expression: string, what: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|=|<|>)|([(),]))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(expression);
    if (!match) {
      throw invalid(
        what,
        `the simulated DynamoDB does not model the syntax at "${expression.slice(at).trim()}"`,
      );
    }
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'name', text: match[1] });
    else if (match[2]) tokens.push({ kind: 'value', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'word', text: match[3] });
    else if (match[4]) tokens.push({ kind: 'op', text: match[4] as '=' });
    else tokens.push({ kind: match[5] as '(', text: match[5] ?? '' });
  }
  return tokens;
}

/** Resolves placeholders and records which were used. */
class Placeholders {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  public constructor(private readonly input: ExpressionInput) {}

  public attribute(token: Token, what: string): string {
    if (token.kind === 'word') return token.text;
    if (token.kind !== 'name') throw invalid(what, `expected an attribute name, got "${token.text}"`);
    const name = this.input.ExpressionAttributeNames?.[token.text];
    if (name === undefined) {
      throw invalid(
        what,
        `An expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
      );
    }
    this.usedNames.add(token.text);
    return name;
  }

  public value(token: Token, what: string): AttributeValue {
    const value = this.input.ExpressionAttributeValues?.[token.text];
    if (value === undefined) {
      throw invalid(
        what,
        `An expression attribute value used in expression is not defined; attribute value: ${token.text}`,
      );
    }
    this.usedValues.add(token.text);
    return value;
  }

  /** DynamoDB rejects a request that defines placeholders no expression uses, or an empty map. */
  public checkAllUsed(): void {
    for (const [member, map] of [
      ['ExpressionAttributeNames', this.input.ExpressionAttributeNames],
      ['ExpressionAttributeValues', this.input.ExpressionAttributeValues],
    ] as const) {
      if (map !== undefined && Object.keys(map).length === 0)
        throw fail('ValidationException', 400, `${member} must not be empty`);
    }
    const unusedValues = Object.keys(this.input.ExpressionAttributeValues ?? {}).filter(
      (key) => !this.usedValues.has(key),
    );
    if (unusedValues.length > 0) {
      throw fail(
        'ValidationException',
        400,
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
    const unusedNames = Object.keys(this.input.ExpressionAttributeNames ?? {}).filter(
      (key) => !this.usedNames.has(key),
    );
    if (unusedNames.length > 0) {
      throw fail(
        'ValidationException',
        400,
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
  }
}

type Operand = { readonly path: string } | { readonly value: AttributeValue };
type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'exists'; readonly path: string; readonly exists: boolean }
  | {
      readonly kind: 'compare';
      readonly op: '=' | '<>' | '<' | '<=' | '>' | '>=';
      readonly left: Operand;
      readonly right: Operand;
    };

const isWord = (token: Token | undefined, word: string): boolean =>
  token?.kind === 'word' && token.text.toUpperCase() === word;

class ConditionParser {
  private at = 0;

  public constructor(
    private readonly tokens: readonly Token[],
    private readonly placeholders: Placeholders,
    private readonly what: string,
  ) {}

  public parse(): Condition {
    const condition = this.or();
    if (this.at < this.tokens.length) throw invalid(this.what, `unexpected "${this.tokens[this.at]?.text}"`);
    return condition;
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (token === undefined) throw invalid(this.what, 'the expression ends too early');
    return token;
  }

  private expect(kind: Token['kind']): void {
    const token = this.next();
    if (token.kind !== kind) throw invalid(this.what, `expected "${kind}", got "${token.text}"`);
  }

  private or(): Condition {
    let left = this.and();
    while (isWord(this.tokens[this.at], 'OR')) {
      this.at++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Condition {
    let left = this.unary();
    while (isWord(this.tokens[this.at], 'AND')) {
      this.at++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Condition {
    const token = this.tokens[this.at];
    if (isWord(token, 'NOT')) {
      this.at++;
      return { kind: 'not', operand: this.unary() };
    }
    if (token?.kind === '(') {
      this.at++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token?.kind === 'word' && this.tokens[this.at + 1]?.kind === '(') {
      const name = token.text;
      if (name !== 'attribute_exists' && name !== 'attribute_not_exists') {
        throw invalid(this.what, `the simulated DynamoDB does not model the function ${name}`);
      }
      this.at += 2;
      const path = this.placeholders.attribute(this.next(), this.what);
      this.expect(')');
      return { kind: 'exists', path, exists: name === 'attribute_exists' };
    }
    const left = this.operand();
    const op = this.next();
    if (op.kind !== 'op') throw invalid(this.what, `expected a comparator, got "${op.text}"`);
    return { kind: 'compare', op: op.text, left, right: this.operand() };
  }

  private operand(): Operand {
    const token = this.next();
    if (token.kind === 'value') return { value: this.placeholders.value(token, this.what) };
    return { path: this.placeholders.attribute(token, this.what) };
  }
}

function scalar(value: AttributeValue): { type: string; key: string | number | boolean | null } | undefined {
  if (value.S !== undefined) return { type: 'S', key: value.S };
  if (value.N !== undefined) return { type: 'N', key: Number(value.N) };
  if (value.BOOL !== undefined) return { type: 'BOOL', key: value.BOOL };
  if (value.NULL !== undefined) return { type: 'NULL', key: null };
  return undefined;
}

function compare(
  op: Extract<Condition, { kind: 'compare' }>['op'],
  left: AttributeValue | undefined,
  right: AttributeValue | undefined,
): boolean {
  // A comparison with a missing attribute, or between different types, is false (never an error).
  if (left === undefined || right === undefined) return false;
  const a = scalar(left);
  const b = scalar(right);
  if (a === undefined || b === undefined)
    throw fail('ValidationException', 400, 'the simulated DynamoDB compares only S, N, BOOL and NULL values');
  if (a.type !== b.type) return op === '<>';
  switch (op) {
    case '=':
      return a.key === b.key;
    case '<>':
      return a.key !== b.key;
    default: {
      if (a.type !== 'S' && a.type !== 'N') return false;
      const [x, y] = [a.key as string | number, b.key as string | number];
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
  }
}

function evaluate(condition: Condition, item: Item | undefined): boolean {
  const read = (operand: Operand) => ('value' in operand ? operand.value : item?.[operand.path]);
  switch (condition.kind) {
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item);
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item);
    case 'not':
      return !evaluate(condition.operand, item);
    case 'exists':
      return (item?.[condition.path] !== undefined) === condition.exists;
    case 'compare':
      return compare(condition.op, read(condition.left), read(condition.right));
  }
}

export interface UpdateAction {
  readonly set: ReadonlyMap<string, AttributeValue>;
  readonly remove: readonly string[];
}

function parseUpdate(expression: string, placeholders: Placeholders, item: Item | undefined): UpdateAction {
  const what = 'UpdateExpression';
  const tokens = tokenize(expression, what);
  const set = new Map<string, AttributeValue>();
  const remove: string[] = [];
  const seen = new Set<string>();
  let at = 0;
  const next = (): Token => {
    const token = tokens[at++];
    if (token === undefined) throw invalid(what, 'the expression ends too early');
    return token;
  };
  while (at < tokens.length) {
    const clause = next();
    const keyword = clause.kind === 'word' ? clause.text.toUpperCase() : '';
    if (keyword !== 'SET' && keyword !== 'REMOVE') {
      throw invalid(what, `the simulated DynamoDB models SET and REMOVE clauses only, got "${clause.text}"`);
    }
    if (seen.has(keyword))
      throw invalid(what, `The "${keyword}" section can only be used once in an update expression`);
    seen.add(keyword);
    for (;;) {
      const path = placeholders.attribute(next(), what);
      if (keyword === 'SET') {
        const equals = next();
        if (equals.kind !== 'op' || equals.text !== '=') throw invalid(what, `expected "=" after ${path}`);
        const source = next();
        const value =
          source.kind === 'value'
            ? placeholders.value(source, what)
            : item?.[placeholders.attribute(source, what)];
        if (value === undefined)
          throw invalid(
            what,
            'The provided expression refers to an attribute that does not exist in the item',
          );
        set.set(path, value);
      } else {
        remove.push(path);
      }
      if (tokens[at]?.kind !== ',') break;
      at++;
    }
  }
  if (seen.size === 0) throw invalid(what, 'The expression can not be empty');
  const overlap = remove.find((path) => set.has(path));
  if (overlap !== undefined)
    throw invalid(
      what,
      `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${overlap}], path two: [${overlap}]`,
    );
  return { set, remove };
}

/** A parsed request's expressions, checked together for unused placeholders as DynamoDB does. */
export interface ParsedExpressions {
  /** Whether the item (undefined: absent) satisfies the ConditionExpression (true without one). */
  readonly conditionHolds: (item: Item | undefined) => boolean;
  readonly update?: UpdateAction;
}

export function parseExpressions(
  input: ExpressionInput & { readonly ConditionExpression?: string; readonly UpdateExpression?: string },
  item: Item | undefined,
): ParsedExpressions {
  const placeholders = new Placeholders(input);
  const what = 'ConditionExpression';
  const condition =
    input.ConditionExpression === undefined
      ? undefined
      : new ConditionParser(tokenize(input.ConditionExpression, what), placeholders, what).parse();
  const update =
    input.UpdateExpression === undefined
      ? undefined
      : parseUpdate(input.UpdateExpression, placeholders, item);
  placeholders.checkAllUsed();
  return {
    conditionHolds: (current) => (condition === undefined ? true : evaluate(condition, current)),
    ...(update ? { update } : {}),
  };
}
