import { lazy, Suspense } from 'react';

// Monaco is most of the Query workspace's weight: load it when Query is first opened, not with
// the rest of the studio.
const LazyQueryWorkspace = lazy(() =>
  import('./QueryWorkspace').then((m) => ({ default: m.QueryWorkspace })),
);

export function QueryWorkspace() {
  return (
    <Suspense
      fallback={
        <p className="muted" role="status" style={{ padding: 24 }}>
          Loading the query editor…
        </p>
      }
    >
      <LazyQueryWorkspace />
    </Suspense>
  );
}
