import { useStudio } from '../state/studio';
import { Icon } from './Icon';

export function Notices() {
  const { notices, dismiss } = useStudio();
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice--${n.level}`}>
          <span>{n.message}</span>
          <button className="icon-button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
