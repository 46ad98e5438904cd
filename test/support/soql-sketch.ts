// A compact, range-free picture of a SOQL tree, used by the corpus to state the expected tree of
// each query in one readable line, e.g.
//   (query (select Id (as (count Id) cnt)) (from Contact) (where (= Name 'A')) (limit 10))
// Keywords, operators and function names are lower-cased (SOQL is case-insensitive there);
// identifiers keep the case they were written in. A string shows its *value* (escapes resolved,
// then re-escaped canonically), so `'\u0041'` and `'A'` sketch alike, except a LIKE pattern,
// which shows as written; numbers, dates and currency
// amounts show their raw text. An identifier the parser had to invent (missing) shows as `?`.
import type {
  Condition,
  FieldPath,
  FromClause,
  FunctionArg,
  Identifier,
  Literal,
  LiteralList,
  OrderByItem,
  Query,
  SelectItem,
  SemiJoin,
  TypeofBranch,
  ValueExpr,
} from '../../src-shared/soql';

export function sketchQuery(query: Query): string {
  const parts = [
    'query',
    `(select${query.select.map((item) => ' ' + sketchSelectItem(item)).join('')})`,
  ];
  if (query.from) parts.push(sketchFrom(query.from));
  if (query.usingScope) parts.push(`(scope ${name(query.usingScope)})`);
  if (query.where) parts.push(`(where ${sketchCondition(query.where)})`);
  if (query.with) {
    const mode = query.with.mode.toLowerCase().replace(' ', '-');
    // A DATA CATEGORY filter is kept as text; spacing is not part of the tree.
    const filter = query.with.text?.replace(/\s+/g, ' ').trim();
    parts.push(filter ? `(with ${mode} '${filter}')` : `(with ${mode})`);
  }
  if (query.groupBy) {
    const items = query.groupBy.items.map(sketchValue).join(' ');
    parts.push(
      query.groupBy.type === 'plain'
        ? `(group ${items})`
        : `(group (${query.groupBy.type} ${items}))`,
    );
  }
  if (query.having) parts.push(`(having ${sketchCondition(query.having)})`);
  if (query.orderBy) parts.push(`(order ${query.orderBy.map(sketchOrderItem).join(' ')})`);
  if (query.limit) parts.push(`(limit ${query.limit.raw})`);
  if (query.offset) parts.push(`(offset ${query.offset.raw})`);
  if (query.forModes?.length) parts.push(`(for ${query.forModes.join(' ').toLowerCase()})`);
  if (query.update) parts.push(`(update ${query.update.toLowerCase()})`);
  return `(${parts.join(' ')})`;
}

function name(id: Identifier): string {
  return id.name === '' ? '?' : id.name;
}

function sketchPath(field: FieldPath): string {
  return field.path.map(name).join('.');
}

function sketchValue(expr: ValueExpr | FunctionArg): string {
  switch (expr.kind) {
    case 'field':
      return sketchPath(expr);
    case 'call': {
      const args = expr.args.map((arg) => ' ' + sketchValue(arg)).join('');
      return `(${expr.name.name.toLowerCase()}${args})`;
    }
    default:
      return sketchLiteral(expr);
  }
}

function sketchSelectItem(item: SelectItem): string {
  switch (item.kind) {
    case 'selectExpr':
      return item.alias
        ? `(as ${sketchValue(item.expr)} ${name(item.alias)})`
        : sketchValue(item.expr);
    case 'selectSubquery':
      return `(sub ${sketchQuery(item.query)})`;
    case 'selectFields':
      return `(fields ${item.mode === null ? '?' : item.mode.toLowerCase()})`;
    case 'selectTypeof': {
      const branches = item.whens.map((branch) => sketchBranch('when', branch));
      if (item.otherwise) branches.push(sketchBranch('else', item.otherwise));
      return `(typeof ${sketchPath(item.field)} ${branches.join(' ')})`;
    }
  }
}

function sketchBranch(head: string, branch: TypeofBranch): string {
  const type = branch.objectType ? ' ' + name(branch.objectType) : '';
  return `(${head}${type}${branch.fields.map((f) => ' ' + sketchPath(f)).join('')})`;
}

function sketchFrom(from: FromClause): string {
  let text = `(from ${name(from.name)}`;
  if (from.alias) text += ' ' + name(from.alias);
  for (const related of from.relatedAliases ?? []) {
    text += ` (${sketchPath(related.path)} ${name(related.alias)})`;
  }
  return text + ')';
}

function sketchOrderItem(item: OrderByItem): string {
  let text = sketchValue(item.expr);
  if (item.direction) text += ' ' + item.direction.toLowerCase();
  if (item.nulls) text += ' nulls-' + item.nulls.toLowerCase();
  return `(${text})`;
}

function sketchCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return `(${condition.kind} ${condition.operands.map(sketchCondition).join(' ')})`;
    case 'not':
      return `(not ${sketchCondition(condition.operand)})`;
    case 'paren':
      return `(paren ${sketchCondition(condition.inner)})`;
    case 'compare': {
      const operator = condition.operator.toLowerCase().replace(' ', '-');
      // A LIKE pattern shows as written: there an escaped `\_` and a wildcard `_` differ.
      const right = !condition.right
        ? '?'
        : condition.operator === 'LIKE' && condition.right.kind === 'string'
          ? condition.right.raw
          : sketchRight(condition.right);
      return `(${operator} ${sketchValue(condition.left)} ${right})`;
    }
  }
}

function sketchRight(right: Literal | LiteralList | SemiJoin): string {
  if (right.kind === 'list')
    return `(list${right.items.map((i) => ' ' + sketchLiteral(i)).join('')})`;
  if (right.kind === 'semiJoin') return `(semi ${sketchQuery(right.query)})`;
  return sketchLiteral(right);
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function sketchLiteral(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
      return `'${literal.value.replace(/[\\'\n\r\t\b\f]/g, (c) => STRING_ESCAPES[c] ?? c)}'`;
    case 'number':
    case 'currency':
    case 'date':
    case 'datetime':
      return literal.raw;
    case 'boolean':
      return String(literal.value);
    case 'null':
      return 'null';
    case 'dateLiteral':
      return literal.n === undefined ? literal.name : `${literal.name}:${literal.n}`;
    case 'bind':
      return `:${literal.name}`;
  }
}
