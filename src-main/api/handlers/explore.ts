// The Schema, Query, SQL and Compare workspaces' methods: thin calls into the explore services
// (src-main/explore), which hold the describe cache, the query cursors and the comparisons.
import type { Cache } from '../../cache';
import type { StudioConnections } from '../../connections';
import { createExplore } from '../../explore';
import type { EventBus } from '../event-bus';
import type { HandlersOf } from '../router';

export interface ExploreHandlerDeps {
  connections: StudioConnections;
  cache: Cache;
  events: EventBus;
  log: (line: string) => void;
}

export function exploreHandlers(
  deps: ExploreHandlerDeps,
): HandlersOf<'schema'> & HandlersOf<'query'> & HandlersOf<'sql'> & HandlersOf<'compare'> {
  const explore = createExplore(deps);
  return {
    'schema.objects': (p) => explore.schema.objects(p.refresh),
    'schema.describe': (p) => explore.schema.describe(p.object, p.refresh),
    'schema.describeMany': (p) => explore.schema.describeMany(p.objects),
    'schema.count': (p) => explore.schema.count(p.object),
    'query.run': (p) => explore.query.run(p),
    'query.more': (p) => explore.query.more(p.cursor),
    'query.history': (p) => explore.query.history(p.limit),
    'query.saved': () => explore.query.saved(),
    'query.save': (p) => explore.query.save(p),
    'query.removeSaved': (p) => explore.query.removeSaved(p.id),
    'sql.compile': async (p) => (await explore.sql.compile(p.soql)).result,
    'sql.run': (p) => explore.sql.run(p.soql),
    'compare.run': (p) => explore.compare.run(p.soql),
  };
}
