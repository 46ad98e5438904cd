export * from './describe';
export * from './describe-wire';
export { explainWriteError, EXPLAINED_WRITE_ERROR_CODES } from './write-errors';
export type { WriteErrorExplanation, WriteErrorContext } from './write-errors';
export { idChecksumSuffix, toEighteenCharacterId } from './ids';
