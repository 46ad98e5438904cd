// SCAFFOLD (replaced by the explore services of issue 7).
import { ApiError } from '../../../src-shared/api';
import type { Cache } from '../../cache';
import type { StudioConnections } from '../../connections';
import type { EventBus } from '../event-bus';
import type { HandlersOf } from '../router';

export interface ExploreHandlerDeps {
  connections: StudioConnections;
  cache: Cache;
  events: EventBus;
  log: (line: string) => void;
}

const notYet = (): never => {
  throw new ApiError('UNAVAILABLE', 'This studio build does not have this yet.');
};

export function exploreHandlers(
  _deps: ExploreHandlerDeps,
): HandlersOf<'schema'> & HandlersOf<'query'> & HandlersOf<'sql'> & HandlersOf<'compare'> {
  return {
    'schema.objects': notYet,
    'schema.describe': notYet,
    'schema.describeMany': notYet,
    'schema.count': notYet,
    'query.run': notYet,
    'query.more': notYet,
    'query.history': notYet,
    'query.saved': notYet,
    'query.save': notYet,
    'query.removeSaved': notYet,
    'sql.compile': notYet,
    'sql.run': notYet,
    'compare.run': notYet,
  };
}
