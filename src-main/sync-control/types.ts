// What the Mappings, Sync and Trigger Log workspaces ask of the main process. Each service works
// on the active org and database (src-main/connections) and answers in the contract's shapes.
import type { ApiResult } from '../../src-shared/api';
import type { TriggerLogFilterJson } from '../../src-shared/api';

export interface MappingsService {
  state(): Promise<ApiResult<'mappings.state'>>;
  validate(document: string): Promise<ApiResult<'mappings.validate'>>;
  apply(document: string, allowDrop: boolean): Promise<ApiResult<'mappings.apply'>>;
  saveDraft(document: string | null): Promise<ApiResult<'mappings.saveDraft'>>;
}

export interface SyncService {
  status(): Promise<ApiResult<'sync.status'>>;
  start(): Promise<ApiResult<'sync.status'>>;
  stop(): Promise<ApiResult<'sync.status'>>;
  pause(objectName?: string): Promise<ApiResult<'sync.status'>>;
  resume(objectName?: string): Promise<ApiResult<'sync.status'>>;
  reload(objectName: string): Promise<ApiResult<'sync.status'>>;
  log(limit: number): ApiResult<'sync.log'>;
  /** demo.open: the local org, embedded Postgres, the demo mappings, the engine started. */
  openDemo(): Promise<ApiResult<'demo.open'>>;
  /** The engine running on the active database now, if any (the trigger log asks). */
  running(): { schemaName: string; writeAlgorithm: 'merged' | 'ordered' } | null;
}

export interface TriggerLogService {
  list(params: {
    filter: TriggerLogFilterJson;
    limit: number;
    beforeId?: number;
  }): Promise<ApiResult<'triggerLog.list'>>;
  rows(ids: number[]): Promise<ApiResult<'triggerLog.rows'>>;
  summary(): Promise<ApiResult<'triggerLog.summary'>>;
  detail(id: number): Promise<ApiResult<'triggerLog.detail'>>;
  retry(ids: number[]): Promise<ApiResult<'triggerLog.retry'>>;
  retryMatching(filter: TriggerLogFilterJson): Promise<ApiResult<'triggerLog.retryMatching'>>;
  ignore(ids: number[]): Promise<ApiResult<'triggerLog.ignore'>>;
}

export interface SyncControl {
  mappings: MappingsService;
  sync: SyncService;
  triggerLog: TriggerLogService;
  /** Stops the engine and the trigger-log watcher, and closes their pools. */
  close(): Promise<void>;
}
