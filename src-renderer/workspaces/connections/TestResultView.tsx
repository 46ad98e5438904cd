import type { ConnectionTestResult } from '../../../src-shared/api';
import { Icon } from '../../components/Icon';

export function TestResultView({ result }: { result: ConnectionTestResult }) {
  const details = Object.entries(result.details);
  return (
    <div
      className={`test-result test-result--${result.ok ? 'ok' : 'failed'}`}
      role="status"
      data-testid="test-result"
    >
      <div className="test-result__head">
        <Icon name={result.ok ? 'check' : 'alert'} size={16} />
        <strong>{result.message}</strong>
        <span className="muted">{result.durationMs} ms</span>
      </div>
      {result.hint ? <p className="test-result__hint">{result.hint}</p> : null}
      {details.length > 0 ? (
        <dl className="test-result__details">
          {details.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
