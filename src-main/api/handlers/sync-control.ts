// The Mappings, Sync and Trigger Log workspaces' methods (and the first-run demo): thin calls
// into src-main/sync-control, which holds the engine and the trigger-log watcher.
import type { SyncControl } from '../../sync-control';
import type { HandlersOf } from '../router';

export function syncControlHandlers(
  control: SyncControl,
): HandlersOf<'mappings'> & HandlersOf<'sync'> & HandlersOf<'demo'> & HandlersOf<'triggerLog'> {
  const { mappings, sync, triggerLog } = control;
  return {
    'mappings.state': () => mappings.state(),
    'mappings.validate': (p) => mappings.validate(p.document),
    'mappings.apply': (p) => mappings.apply(p.document, p.allowDrop),
    'mappings.saveDraft': (p) => mappings.saveDraft(p.document),
    'sync.status': () => sync.status(),
    'sync.start': () => sync.start(),
    'sync.stop': () => sync.stop(),
    'sync.pause': (p) => sync.pause(p.object),
    'sync.resume': (p) => sync.resume(p.object),
    'sync.reload': (p) => sync.reload(p.object),
    'sync.log': (p) => sync.log(p.limit),
    'demo.open': () => sync.openDemo(),
    'triggerLog.list': (p) => triggerLog.list(p),
    'triggerLog.rows': (p) => triggerLog.rows(p.ids),
    'triggerLog.summary': () => triggerLog.summary(),
    'triggerLog.detail': (p) => triggerLog.detail(p.id),
    'triggerLog.retry': (p) => triggerLog.retry(p.ids),
    'triggerLog.retryMatching': (p) => triggerLog.retryMatching(p.filter),
    'triggerLog.ignore': (p) => triggerLog.ignore(p.ids),
  };
}
