import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

interface Props {
  icon: IconName;
  title: string;
  /** What this place will do for the user. */
  children: ReactNode;
  /** The first step, usually a button. */
  action?: ReactNode;
}

export function EmptyState({ icon, title, children, action }: Props) {
  return (
    <div className="empty-state" role="region" aria-label={title}>
      <div className="empty-state__icon">
        <Icon name={icon} size={36} />
      </div>
      <h2>{title}</h2>
      <div className="empty-state__text">{children}</div>
      {action ? <div className="empty-state__action">{action}</div> : null}
    </div>
  );
}
