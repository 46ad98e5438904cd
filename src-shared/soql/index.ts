// The SOQL engine: one lexer, parser, validator, completion, formatter and compiler shared by
// the Query workspace, the local org and the CLI.
export * from './ast';
export * from './diagnostics';
export { tokenize } from './lexer';
export type { Token, TokenType } from './lexer';
export { parseSoql } from './parser';
export type { ParseResult } from './parser';
export { DATE_LITERALS, PARAMETRIC_DATE_LITERALS } from './date-literals';
export { formatSoql } from './format';
export type { FormatOptions } from './format';
export { validateSoql, checkSoql, checkResult, DEFAULT_SOQL_API_VERSION } from './validate';
export type { ValidateOptions, SoqlCheckResult, SoqlCheckDiagnostic } from './validate';
export {
  compileSoql,
  CompileError,
  dateLiteralRange,
  quoteIdentifier,
  sqliteColumnType,
} from './compile';
export type {
  CompileInput,
  CompiledQuery,
  ResultRow,
  PhysicalSchema,
  PhysicalTable,
  QueryResult,
  JsonObject,
  JsonValue,
  SqlDialect,
  DayRange,
} from './compile';
export { completeSoql } from './complete';
export type { CompletionItem, CompletionKind } from './complete';
