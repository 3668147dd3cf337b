/**
 * DynamoDB expressions, for the subset documented in functions/commons/tables.ts (and a little
 * more: BETWEEN, IN, size, contains, attribute_type, ADD/DELETE are accepted too):
 * condition / key-condition expressions, update expressions and projection expressions, with
 * `#name` and `:value` placeholders. Errors are ValidationExceptions worded like DynamoDB's.
 */
import { ServiceError } from '../../aws/service-error';
import { clone, compare, equals, typeOf, type AttributeValue, type Item } from './attribute-value';

// ---------------------------------------------------------------- tokens
type Token = {
  kind: 'name' | 'placeholder' | 'value' | 'number' | 'op' | 'punct' | 'end';
  text: string;
  at: number;
};

const invalid = (what: string, message: string) =>
  new ServiceError('ValidationException', `Invalid ${what}: ${message}`);

function tokenize(text: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const match =
      /^#[A-Za-z0-9_]+/.exec(rest) ??
      /^:[A-Za-z0-9_]+/.exec(rest) ??
      /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest) ??
      /^[0-9]+/.exec(rest) ??
      /^(<>|<=|>=|=|<|>)/.exec(rest) ??
      /^[(),.[\]+-]/.exec(rest);
    if (!match)
      throw invalid(what, `Syntax error; token: "${c}", near: "${text.slice(Math.max(0, i - 5), i + 5)}"`);
    const t = match[0];
    const kind: Token['kind'] = t.startsWith('#')
      ? 'placeholder'
      : t.startsWith(':')
        ? 'value'
        : /^[0-9]/.test(t)
          ? 'number'
          : /^[A-Za-z_]/.test(t)
            ? 'name'
            : /^[<>=]/.test(t)
              ? 'op'
              : 'punct';
    tokens.push({ kind, text: t, at: i });
    i += t.length;
  }
  tokens.push({ kind: 'end', text: '<EOF>', at: text.length });
  return tokens;
}

// ---------------------------------------------------------------- AST
export type PathElement = string | number;
export type Operand =
  | { kind: 'path'; path: PathElement[] }
  | { kind: 'value'; name: string }
  | { kind: 'size'; path: PathElement[] }
  | { kind: 'if_not_exists'; path: PathElement[]; fallback: Operand }
  | { kind: 'list_append'; left: Operand; right: Operand }
  | { kind: 'arith'; op: '+' | '-'; left: Operand; right: Operand };

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand }
  | { kind: 'between'; value: Operand; low: Operand; high: Operand }
  | { kind: 'in'; value: Operand; list: Operand[] }
  | {
      kind: 'function';
      name: 'attribute_exists' | 'attribute_not_exists' | 'attribute_type' | 'begins_with' | 'contains';
      path: PathElement[];
      arg?: Operand;
    };

export type UpdateAction =
  | { kind: 'SET'; path: PathElement[]; value: Operand }
  | { kind: 'REMOVE'; path: PathElement[] }
  | { kind: 'ADD' | 'DELETE'; path: PathElement[]; value: Operand };

export interface Placeholders {
  names?: Record<string, string> | undefined;
  values?: Record<string, AttributeValue> | undefined;
}

const RESERVED_CONDITION_FUNCTIONS = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
]);

class Parser {
  private pos = 0;
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    private readonly tokens: Token[],
    private readonly what: string,
    private readonly placeholders: Placeholders,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }
  next(): Token {
    return this.tokens[this.pos++] ?? this.tokens[this.tokens.length - 1]!;
  }
  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'name' && t.text.toUpperCase() === word;
  }
  expect(text: string): void {
    const t = this.next();
    if (t.text !== text) throw this.syntax(t);
  }
  syntax(t: Token): ServiceError {
    return invalid(this.what, `Syntax error; token: "${t.text}", near: "${t.text}"`);
  }
  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  // --- paths and operands
  pathElement(t: Token): string {
    if (t.kind === 'placeholder') {
      const name = this.placeholders.names?.[t.text];
      if (name === undefined)
        throw invalid(
          this.what,
          `An expression attribute name used in the document path is not defined; attribute name: ${t.text}`,
        );
      this.usedNames.add(t.text);
      return name;
    }
    if (t.kind === 'name') return t.text;
    throw this.syntax(t);
  }
  path(): PathElement[] {
    const path: PathElement[] = [this.pathElement(this.next())];
    for (;;) {
      if (this.peek().text === '.') {
        this.next();
        path.push(this.pathElement(this.next()));
      } else if (this.peek().text === '[') {
        this.next();
        const n = this.next();
        if (n.kind !== 'number') throw this.syntax(n);
        path.push(Number(n.text));
        this.expect(']');
      } else return path;
    }
  }
  value(t: Token): Operand {
    if (!this.placeholders.values || !(t.text in this.placeholders.values)) {
      throw invalid(
        this.what,
        `An expression attribute value used in expression is not defined; attribute value: ${t.text}`,
      );
    }
    this.usedValues.add(t.text);
    return { kind: 'value', name: t.text };
  }
  operand(update = false): Operand {
    const t = this.peek();
    if (t.kind === 'value') return this.value(this.next());
    if (t.kind === 'name' && this.peek(1).text === '(') {
      const fn = t.text;
      this.next();
      this.next();
      let result: Operand;
      if (fn === 'size' && !update) result = { kind: 'size', path: this.path() };
      else if (fn === 'if_not_exists' && update) {
        const path = this.path();
        this.expect(',');
        result = { kind: 'if_not_exists', path, fallback: this.operand(true) };
      } else if (fn === 'list_append' && update) {
        const left = this.operand(true);
        this.expect(',');
        result = { kind: 'list_append', left, right: this.operand(true) };
      } else throw invalid(this.what, `Invalid function name; function: ${fn}`);
      this.expect(')');
      return result;
    }
    return { kind: 'path', path: this.path() };
  }

  // --- conditions
  condition(): Condition {
    let left = this.conjunction();
    while (this.isKeyword('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }
  conjunction(): Condition {
    let left = this.negation();
    while (this.isKeyword('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }
  negation(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', inner: this.negation() };
    }
    return this.primary();
  }
  primary(): Condition {
    const t = this.peek();
    if (t.text === '(') {
      this.next();
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    if (t.kind === 'name' && RESERVED_CONDITION_FUNCTIONS.has(t.text) && this.peek(1).text === '(') {
      this.next();
      this.next();
      const path = this.path();
      let arg: Operand | undefined;
      if (t.text === 'attribute_type' || t.text === 'begins_with' || t.text === 'contains') {
        this.expect(',');
        arg = this.operand();
      }
      this.expect(')');
      return { kind: 'function', name: t.text as 'attribute_exists', path, ...(arg && { arg }) };
    }
    const left = this.operand();
    const op = this.peek();
    if (op.kind === 'op') {
      this.next();
      return { kind: 'compare', op: op.text as '=', left, right: this.operand() };
    }
    if (this.isKeyword('BETWEEN')) {
      this.next();
      const low = this.operand();
      if (!this.isKeyword('AND')) throw this.syntax(this.peek());
      this.next();
      return { kind: 'between', value: left, low, high: this.operand() };
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.expect('(');
      const list = [this.operand()];
      while (this.peek().text === ',') {
        this.next();
        list.push(this.operand());
      }
      this.expect(')');
      return { kind: 'in', value: left, list };
    }
    throw this.syntax(op);
  }

  // --- updates
  updateActions(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    const seen = new Set<string>();
    while (!this.atEnd()) {
      const clause = this.next();
      const keyword = clause.kind === 'name' ? clause.text.toUpperCase() : '';
      if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(keyword)) throw this.syntax(clause);
      if (seen.has(keyword))
        throw invalid(this.what, `The "${keyword}" section can only be used once in an update expression;`);
      seen.add(keyword);
      do {
        if (actions.length && this.peek().text === ',') this.next();
        const path = this.path();
        if (keyword === 'SET') {
          this.expect('=');
          let value = this.operand(true);
          const op = this.peek().text;
          if (op === '+' || op === '-') {
            this.next();
            value = { kind: 'arith', op, left: value, right: this.operand(true) };
          }
          actions.push({ kind: 'SET', path, value });
        } else if (keyword === 'REMOVE') actions.push({ kind: 'REMOVE', path });
        else actions.push({ kind: keyword as 'ADD', path, value: this.operand(true) });
      } while (this.peek().text === ',');
    }
    if (!actions.length) throw invalid(this.what, 'The expression can not be empty;');
    return actions;
  }
}

function parser(text: string | undefined, what: string, placeholders: Placeholders): Parser {
  if (text === undefined || text.trim() === '') throw invalid(what, 'The expression can not be empty;');
  return new Parser(tokenize(text, what), what, placeholders);
}

/** Parses a ConditionExpression or KeyConditionExpression. */
export function parseCondition(
  text: string | undefined,
  placeholders: Placeholders,
  what = 'ConditionExpression',
): { ast: Condition; usedNames: Set<string>; usedValues: Set<string> } {
  const p = parser(text, what, placeholders);
  const ast = p.condition();
  if (!p.atEnd()) throw p.syntax(p.peek());
  return { ast, usedNames: p.usedNames, usedValues: p.usedValues };
}

/** Parses an UpdateExpression. */
export function parseUpdate(
  text: string | undefined,
  placeholders: Placeholders,
): { actions: UpdateAction[]; usedNames: Set<string>; usedValues: Set<string> } {
  const p = parser(text, 'UpdateExpression', placeholders);
  return { actions: p.updateActions(), usedNames: p.usedNames, usedValues: p.usedValues };
}

/** Parses a ProjectionExpression into paths. */
export function parseProjection(
  text: string,
  placeholders: Placeholders,
): { paths: PathElement[][]; usedNames: Set<string> } {
  const p = parser(text, 'ProjectionExpression', placeholders);
  const paths = [p.path()];
  while (p.peek().text === ',') {
    p.next();
    paths.push(p.path());
  }
  if (!p.atEnd()) throw p.syntax(p.peek());
  return { paths, usedNames: p.usedNames };
}

// ---------------------------------------------------------------- evaluation
/** The value at a document path, or undefined. */
export function getPath(item: Item, path: PathElement[]): AttributeValue | undefined {
  let current: AttributeValue | undefined = { M: item };
  for (const part of path) {
    const node: AttributeValue | undefined = current;
    if (node === undefined) return undefined;
    if (typeof part === 'number') current = 'L' in node ? (node.L as AttributeValue[])[part] : undefined;
    else current = 'M' in node ? (node.M as Item)[part] : undefined;
  }
  return current;
}

function setPath(item: Item, path: PathElement[], value: AttributeValue, what: string): void {
  let container: AttributeValue = { M: item };
  path.forEach((part, i) => {
    const last = i === path.length - 1;
    if (typeof part === 'number') {
      if (!('L' in container))
        throw invalid(what, 'The document path provided in the update expression is invalid for update');
      const list: AttributeValue[] = container.L;
      if (last) {
        if (part >= list.length) list.push(value);
        else list[part] = value;
      } else
        container =
          list[part] ??
          (() => {
            throw invalid(what, 'The document path provided in the update expression is invalid for update');
          })();
    } else {
      if (!('M' in container))
        throw invalid(what, 'The document path provided in the update expression is invalid for update');
      const map: Record<string, AttributeValue> = container.M;
      if (last) map[part] = value;
      else if (map[part] === undefined)
        throw invalid(what, 'The document path provided in the update expression is invalid for update');
      else container = map[part];
    }
  });
}

function removePath(item: Item, path: PathElement[]): void {
  const parent = path.length === 1 ? ({ M: item } as AttributeValue) : getPath(item, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (!parent) return;
  if (typeof last === 'number' && 'L' in parent) parent.L.splice(last, 1);
  else if (typeof last === 'string' && 'M' in parent) delete parent.M[last];
}

function operandValue(
  operand: Operand,
  item: Item,
  placeholders: Placeholders,
  what: string,
): AttributeValue | undefined {
  switch (operand.kind) {
    case 'path':
      return getPath(item, operand.path);
    case 'value':
      return placeholders.values![operand.name];
    case 'size': {
      const v = getPath(item, operand.path);
      if (!v) return undefined;
      const t = typeOf(v);
      const inner = (v as Record<string, unknown>)[t];
      const size =
        t === 'S'
          ? Buffer.byteLength(inner as string)
          : t === 'B'
            ? Buffer.from(inner as string, 'base64').length
            : t === 'M'
              ? Object.keys(inner as object).length
              : Array.isArray(inner)
                ? inner.length
                : undefined;
      return size === undefined ? undefined : { N: String(size) };
    }
    case 'if_not_exists':
      return getPath(item, operand.path) ?? operandValue(operand.fallback, item, placeholders, what);
    case 'list_append': {
      const l = operandValue(operand.left, item, placeholders, what);
      const r = operandValue(operand.right, item, placeholders, what);
      if (!l || !r || !('L' in l) || !('L' in r))
        throw invalid(
          what,
          'Incorrect operand type for operator or function; operator or function: list_append',
        );
      return { L: [...l.L, ...r.L] };
    }
    case 'arith': {
      const l = operandValue(operand.left, item, placeholders, what);
      const r = operandValue(operand.right, item, placeholders, what);
      if (!l || !r)
        throw invalid(what, 'The provided expression refers to an attribute that does not exist in the item');
      if (!('N' in l) || !('N' in r))
        throw invalid(what, `Incorrect operand type for operator or function; operator: ${operand.op}`);
      return { N: String(operand.op === '+' ? Number(l.N) + Number(r.N) : Number(l.N) - Number(r.N)) };
    }
  }
}

/** Evaluates a condition against an item (an empty object when the item does not exist). */
export function evaluateCondition(
  ast: Condition,
  item: Item,
  placeholders: Placeholders,
  what = 'ConditionExpression',
): boolean {
  const value = (o: Operand) => operandValue(o, item, placeholders, what);
  switch (ast.kind) {
    case 'and':
      return (
        evaluateCondition(ast.left, item, placeholders, what) &&
        evaluateCondition(ast.right, item, placeholders, what)
      );
    case 'or':
      return (
        evaluateCondition(ast.left, item, placeholders, what) ||
        evaluateCondition(ast.right, item, placeholders, what)
      );
    case 'not':
      return !evaluateCondition(ast.inner, item, placeholders, what);
    case 'compare': {
      const l = value(ast.left);
      const r = value(ast.right);
      if (ast.op === '=') return equals(l, r);
      if (ast.op === '<>') return l !== undefined && r !== undefined && !equals(l, r);
      const c = compare(l, r);
      if (c === undefined) return false;
      return ast.op === '<' ? c < 0 : ast.op === '<=' ? c <= 0 : ast.op === '>' ? c > 0 : c >= 0;
    }
    case 'between': {
      const v = value(ast.value);
      const lo = compare(v, value(ast.low));
      const hi = compare(v, value(ast.high));
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case 'in': {
      const v = value(ast.value);
      return ast.list.some((o) => equals(v, value(o)));
    }
    case 'function': {
      const v = getPath(item, ast.path);
      switch (ast.name) {
        case 'attribute_exists':
          return v !== undefined;
        case 'attribute_not_exists':
          return v === undefined;
        case 'attribute_type': {
          const t = value(ast.arg!);
          return v !== undefined && t !== undefined && 'S' in t && typeOf(v) === t.S;
        }
        case 'begins_with': {
          const prefix = value(ast.arg!);
          if (!v || !prefix) return false;
          if ('S' in v && 'S' in prefix) return v.S.startsWith(prefix.S);
          if ('B' in v && 'B' in prefix)
            return Buffer.from(v.B, 'base64')
              .subarray(0, Buffer.from(prefix.B, 'base64').length)
              .equals(Buffer.from(prefix.B, 'base64'));
          return false;
        }
        case 'contains': {
          const needle = value(ast.arg!);
          if (!v || !needle) return false;
          if ('S' in v && 'S' in needle) return v.S.includes(needle.S);
          if ('SS' in v && 'S' in needle) return v.SS.includes(needle.S);
          if ('NS' in v && 'N' in needle) return v.NS.some((n) => Number(n) === Number(needle.N));
          if ('L' in v) return v.L.some((x) => equals(x, needle));
          return false;
        }
      }
    }
  }
}

/** Applies update actions to a copy of `item`; `keyNames` may not be changed. */
export function applyUpdate(
  actions: UpdateAction[],
  item: Item,
  placeholders: Placeholders,
  keyNames: string[],
): Item {
  const what = 'UpdateExpression';
  const original = clone(item);
  const out = clone(item);
  for (const action of actions) {
    if (typeof action.path[0] === 'string' && keyNames.includes(action.path[0]) && action.path.length === 1) {
      throw new ServiceError(
        'ValidationException',
        `One or more parameter values were invalid: Cannot update attribute ${action.path[0]}. This attribute is part of the key`,
      );
    }
    switch (action.kind) {
      case 'SET': {
        // Right-hand sides read the item as it was before this update, as DynamoDB does.
        const value = operandValue(action.value, original, placeholders, what);
        if (value === undefined)
          throw invalid(
            what,
            'The provided expression refers to an attribute that does not exist in the item',
          );
        setPath(out, action.path, clone(value), what);
        break;
      }
      case 'REMOVE':
        removePath(out, action.path);
        break;
      case 'ADD':
      case 'DELETE': {
        const value = operandValue(action.value, original, placeholders, what)!;
        const current = getPath(out, action.path);
        if (action.kind === 'ADD' && 'N' in value) {
          const base = current && 'N' in current ? Number(current.N) : 0;
          setPath(out, action.path, { N: String(base + Number(value.N)) }, what);
        } else {
          const t = typeOf(value);
          if (!['SS', 'NS', 'BS'].includes(t))
            throw invalid(what, `Incorrect operand type for operator or function; operator: ${action.kind}`);
          const existing = current ? ((current as Record<string, string[]>)[t] ?? []) : [];
          const members = (value as Record<string, string[]>)[t]!;
          const next =
            action.kind === 'ADD'
              ? [...new Set([...existing, ...members])]
              : existing.filter((m) => !members.includes(m));
          if (next.length) setPath(out, action.path, { [t]: next } as AttributeValue, what);
          else removePath(out, action.path);
        }
        break;
      }
    }
  }
  return out;
}

/** Keeps only the projected paths of an item. */
export function project(item: Item, paths: PathElement[][]): Item {
  const out: Item = {};
  for (const path of paths) {
    const top = path[0] as string;
    if (path.length === 1) {
      if (item[top] !== undefined) out[top] = clone(item[top]);
    } else {
      const v = getPath(item, path);
      if (v !== undefined && item[top] !== undefined) out[top] ??= clone(item[top]);
    }
  }
  return out;
}

/** Every placeholder given must be used, as DynamoDB insists. */
export function checkUnused(
  placeholders: Placeholders,
  usedNames: Set<string>,
  usedValues: Set<string>,
): void {
  const names = Object.keys(placeholders.names ?? {}).filter((n) => !usedNames.has(n));
  if (names.length)
    throw new ServiceError(
      'ValidationException',
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(', ')}}`,
    );
  const values = Object.keys(placeholders.values ?? {}).filter((v) => !usedValues.has(v));
  if (values.length)
    throw new ServiceError(
      'ValidationException',
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(', ')}}`,
    );
}
