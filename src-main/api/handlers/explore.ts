// The Schema, Query, SQL and Compare workspaces' methods: thin calls into the explore services
// (src-main/explore), which hold the describe cache, the query cursors and the comparisons. The
// studio makes the services (it waits for their background work when it closes).
import type { Explore } from '../../explore';
import type { HandlersOf } from '../router';

export function exploreHandlers(
  explore: Explore,
): HandlersOf<'schema'> & HandlersOf<'query'> & HandlersOf<'sql'> & HandlersOf<'compare'> {
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
