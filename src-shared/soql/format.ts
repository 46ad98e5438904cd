// The SOQL formatter: prints a tree as tidy text. Output depends on the tree alone, so
// formatting twice changes nothing, and parsing the output gives the same tree back. A query
// that fits the width stays on one line; a longer one gets a clause per line, long SELECT lists
// wrapped, and long AND/OR chains one operand per line.
import type {
  Condition,
  FieldPath,
  FunctionArg,
  Literal,
  LiteralList,
  OrderByItem,
  Query,
  SelectItem,
  SemiJoin,
  TypeofBranch,
  ValueExpr,
} from './ast';

export interface FormatOptions {
  /** Preferred line width; default 80. */
  width?: number;
}

export function formatSoql(query: Query, options: FormatOptions = {}): string {
  return printQuery(query, 0, options.width ?? 80);
}

function printQuery(q: Query, indent: number, width: number): string {
  const flat = flatQuery(q);
  if (indent + flat.length <= width) return flat;
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  lines.push(...printSelect(q.select, indent, width));
  if (q.from) lines.push(`${pad}FROM ${flatFrom(q)}`);
  if (q.usingScope) lines.push(`${pad}USING SCOPE ${q.usingScope.name}`);
  if (q.where) lines.push(...printCondition('WHERE', q.where, indent, width));
  if (q.with) lines.push(`${pad}${flatWith(q)}`);
  if (q.groupBy) lines.push(`${pad}${flatGroupBy(q)}`);
  if (q.having) lines.push(...printCondition('HAVING', q.having, indent, width));
  if (q.orderBy) lines.push(`${pad}ORDER BY ${q.orderBy.map(flatOrderItem).join(', ')}`);
  lines.push(...tailClauses(q).map((c) => pad + c));
  return lines.join('\n');
}

function printSelect(items: SelectItem[], indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  const inner = ' '.repeat(indent + 2);
  const lines: string[] = [];
  let line = `${pad}SELECT`;
  let first = true;
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    const comma = last ? '' : ',';
    let text = flatSelectItem(item);
    if (item.kind === 'selectSubquery' && indent + 2 + text.length + 1 > width) {
      text = `(${printQuery(item.query, indent + 3, width).trimStart()})`;
    }
    const multiline = text.includes('\n');
    if (first) {
      if (multiline) {
        lines.push(line);
        line = inner + text + comma;
      } else if (line.length + 1 + text.length + comma.length <= width) {
        line += ' ' + text + comma;
      } else {
        lines.push(line);
        line = inner + text + comma;
      }
      first = false;
      return;
    }
    if (!multiline && line.length + 1 + text.length + comma.length <= width) {
      line += ' ' + text + comma;
    } else {
      lines.push(line);
      line = inner + text + comma;
    }
  });
  lines.push(line);
  return lines;
}

function printCondition(keyword: string, c: Condition, indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  const flat = `${pad}${keyword} ${flatCondition(c)}`;
  if (flat.length <= width || (c.kind !== 'and' && c.kind !== 'or')) return [flat];
  const op = c.kind === 'and' ? 'AND' : 'OR';
  return c.operands.map((operand, i) =>
    i === 0
      ? `${pad}${keyword} ${flatCondition(operand)}`
      : `${pad}  ${op} ${flatCondition(operand)}`,
  );
}

// --- one-line forms ---------------------------------------------------------------------------

function flatQuery(q: Query): string {
  const parts = [`SELECT ${q.select.map(flatSelectItem).join(', ')}`];
  if (q.from) parts.push(`FROM ${flatFrom(q)}`);
  if (q.usingScope) parts.push(`USING SCOPE ${q.usingScope.name}`);
  if (q.where) parts.push(`WHERE ${flatCondition(q.where)}`);
  if (q.with) parts.push(flatWith(q));
  if (q.groupBy) parts.push(flatGroupBy(q));
  if (q.having) parts.push(`HAVING ${flatCondition(q.having)}`);
  if (q.orderBy) parts.push(`ORDER BY ${q.orderBy.map(flatOrderItem).join(', ')}`);
  parts.push(...tailClauses(q));
  return parts.join(' ');
}

function tailClauses(q: Query): string[] {
  const parts: string[] = [];
  if (q.limit) parts.push(`LIMIT ${q.limit.raw}`);
  if (q.offset) parts.push(`OFFSET ${q.offset.raw}`);
  for (const mode of q.forModes ?? []) parts.push(`FOR ${mode}`);
  if (q.update) parts.push(`UPDATE ${q.update}`);
  return parts;
}

function flatFrom(q: Query): string {
  const from = q.from!;
  let text = from.name.name;
  if (from.alias) text += ` ${from.alias.name}`;
  for (const related of from.relatedAliases ?? []) {
    text += `, ${flatPath(related.path)} ${related.alias.name}`;
  }
  return text;
}

function flatWith(q: Query): string {
  const w = q.with!;
  return w.mode === 'DATA CATEGORY'
    ? `WITH DATA CATEGORY ${w.text ?? ''}`.trimEnd()
    : `WITH ${w.mode}`;
}

function flatGroupBy(q: Query): string {
  const g = q.groupBy!;
  const items = g.items.map(flatValue).join(', ');
  if (g.type === 'plain') return `GROUP BY ${items}`;
  return `GROUP BY ${g.type.toUpperCase()}(${items})`;
}

function flatOrderItem(item: OrderByItem): string {
  let text = flatValue(item.expr);
  if (item.direction) text += ` ${item.direction}`;
  if (item.nulls) text += ` NULLS ${item.nulls}`;
  return text;
}

function flatSelectItem(item: SelectItem): string {
  switch (item.kind) {
    case 'selectExpr':
      return item.alias ? `${flatValue(item.expr)} ${item.alias.name}` : flatValue(item.expr);
    case 'selectSubquery':
      return `(${flatQuery(item.query)})`;
    case 'selectFields':
      return `FIELDS(${item.mode ?? ''})`;
    case 'selectTypeof': {
      const branches = item.whens.map(
        (w: TypeofBranch) =>
          `WHEN ${w.objectType?.name ?? ''} THEN ${w.fields.map(flatPath).join(', ')}`,
      );
      if (item.otherwise) branches.push(`ELSE ${item.otherwise.fields.map(flatPath).join(', ')}`);
      return `TYPEOF ${flatPath(item.field)} ${branches.join(' ')} END`;
    }
  }
}

function flatPath(field: FieldPath): string {
  return field.path.map((p) => p.name).join('.');
}

function flatValue(expr: ValueExpr | FunctionArg): string {
  if (expr.kind === 'field') return flatPath(expr);
  if (expr.kind === 'call') return `${expr.name.name}(${expr.args.map(flatValue).join(', ')})`;
  return flatLiteral(expr);
}

function flatCondition(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.operands.map(flatCondition).join(c.kind === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT ${flatCondition(c.operand)}`;
    case 'paren':
      return `(${flatCondition(c.inner)})`;
    case 'compare': {
      const left = flatValue(c.left);
      if (!c.right) return `${left} ${c.operator}`;
      return `${left} ${c.operator} ${flatRight(c.right)}`;
    }
  }
}

function flatRight(right: Literal | LiteralList | SemiJoin): string {
  if (right.kind === 'list') return `(${right.items.map(flatLiteral).join(', ')})`;
  if (right.kind === 'semiJoin') return `(${flatQuery(right.query)})`;
  return flatLiteral(right);
}

function flatLiteral(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
    case 'number':
    case 'currency':
    case 'date':
    case 'datetime':
      return literal.raw;
    case 'boolean':
      return literal.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'dateLiteral':
      return literal.n === undefined ? literal.name : `${literal.name}:${literal.n}`;
    case 'bind':
      return `:${literal.name}`;
  }
}
