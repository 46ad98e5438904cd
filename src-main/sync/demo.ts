// The demo's mappings (`connect-studio demo`, the app's embedded default): Account and Contact
// read-write with their external IDs as unique identifiers, Opportunity, Case and Lead read-only,
// polled every two minutes. Kept as a Heroku Connect export so users can read and reuse it.
import {
  formatConnectExport,
  parseConnectExport,
  type MappingDocument,
} from '../../src-shared/mapping';
import demoMappingsJson from './demo-mappings.json';

/** The demo mappings as a mapping document (a fresh copy on each call). */
export function loadDemoMappings(): MappingDocument {
  return parseConnectExport(structuredClone(demoMappingsJson) as unknown);
}

/** The demo mappings as an export file's text, e.g. to save beside a project. */
export function demoMappingsExport(): string {
  return formatConnectExport(loadDemoMappings());
}
