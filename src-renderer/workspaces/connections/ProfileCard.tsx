import { useState } from 'react';
import type { ConnectionTestResult, ProfileSummary } from '../../../src-shared/api';
import { api } from '../../api';
import { Icon } from '../../components/Icon';
import { useStudio } from '../../state/studio';
import { describeProfile } from './form-model';
import { TestResultView } from './TestResultView';

interface Props {
  profile: ProfileSummary;
  active: boolean;
  onEdit(): void;
}

export function ProfileCard({ profile, active, onEdit }: Props) {
  const { notify, updateSettings } = useStudio();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);

  const test = async () => {
    setTesting(true);
    setResult(null);
    try {
      setResult(await api.profiles.test({ id: profile.id }));
    } catch (error) {
      notify('error', error instanceof Error ? error.message : String(error));
    } finally {
      setTesting(false);
    }
  };

  const remove = async () => {
    try {
      await api.profiles.remove({ id: profile.id });
      notify('info', `Removed “${profile.name}”.`);
    } catch (error) {
      notify('error', error instanceof Error ? error.message : String(error));
    }
  };

  const use = () =>
    updateSettings(
      profile.kind === 'salesforce'
        ? { activeOrgProfileId: profile.id }
        : { activeDbProfileId: profile.id },
    );

  return (
    <article
      className={`profile-card ${active ? 'profile-card--active' : ''}`}
      aria-label={profile.name}
      data-testid="profile-card"
    >
      <div className="profile-card__main">
        <div className="profile-card__icon">
          <Icon name={profile.kind === 'salesforce' ? 'cloud' : 'database'} size={20} />
        </div>
        <div className="profile-card__text">
          <h3>
            {profile.name}
            {active ? <span className="badge badge--accent">Active</span> : null}
            {!profile.secretsReadable ? (
              <span
                className="badge badge--warning"
                title="The saved password or token cannot be decrypted on this machine"
              >
                Re-enter secret
              </span>
            ) : null}
          </h3>
          <p className="muted mono">{describeProfile(profile)}</p>
        </div>
        <div className="profile-card__actions">
          {!active ? (
            <button className="button button--small" onClick={use}>
              Use
            </button>
          ) : null}
          <button className="button button--small" onClick={test} disabled={testing}>
            {testing ? 'Testing…' : 'Test'}
          </button>
          <button className="button button--small" onClick={onEdit}>
            Edit
          </button>
          {confirmRemove ? (
            <span className="confirm">
              Remove?
              <button className="button button--small button--danger" onClick={remove}>
                Remove
              </button>
              <button
                className="button button--small button--quiet"
                onClick={() => setConfirmRemove(false)}
              >
                Keep
              </button>
            </span>
          ) : (
            <button
              className="button button--small button--quiet"
              onClick={() => setConfirmRemove(true)}
            >
              Remove
            </button>
          )}
        </div>
      </div>
      {result ? <TestResultView result={result} /> : null}
    </article>
  );
}
