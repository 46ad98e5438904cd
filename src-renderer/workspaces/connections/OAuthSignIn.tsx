import { useEffect, useRef, useState } from 'react';
import {
  ProfileInput,
  parseOrThrow,
  type ProfileInputDraft,
  type ProfileSummary,
} from '../../../src-shared/api';
import { api, host } from '../../api';
import { Icon } from '../../components/Icon';

type SignInState =
  | { state: 'idle' }
  | { state: 'opening' }
  | { state: 'waiting'; authorizeUrl: string; popupBlocked: boolean }
  | { state: 'failed'; message: string };

interface Props {
  /** The saved profile being edited, if any. */
  profileId: string | undefined;
  /** The form as it stands (saved by the main process once the sign-in succeeds). */
  draft(): ProfileInputDraft;
  /** Who the last sign-in was; null when it has not happened. */
  signedIn: { instanceUrl: string; username: string | null } | null;
  onSignedIn(profile: ProfileSummary, message: string): void;
  onError(error: unknown): void;
  /** Told when a sign-in starts or stops waiting for the browser (the form holds Save meanwhile). */
  onWaitingChange?(waiting: boolean): void;
}

/**
 * "Sign in with Salesforce": asks the main process to start the PKCE flow, opens the sign-in
 * page (a popup in a browser; in Electron the main process opens the system browser) and waits
 * for profiles.oauthFinished.
 */
export function OAuthSignIn({
  profileId,
  draft,
  signedIn,
  onSignedIn,
  onError,
  onWaitingChange,
}: Props) {
  const [flow, setFlow] = useState<SignInState>({ state: 'idle' });
  const popup = useRef<Window | null>(null);
  const waiting = flow.state === 'waiting';
  const started = flow.state === 'opening' || waiting;
  useEffect(() => {
    onWaitingChange?.(started);
    // Gone from the form (another sign-in method chosen): nothing here holds Save any more.
    return () => onWaitingChange?.(false);
  }, [started, onWaitingChange]);
  // The latest callbacks, read when the event comes: the subscription lives as long as the wait.
  const callbacks = useRef({ onSignedIn, onError });
  useEffect(() => {
    callbacks.current = { onSignedIn, onError };
  });

  useEffect(() => {
    if (!waiting) return undefined;
    return api.on('profiles.oauthFinished', (outcome) => {
      if (!outcome.ok || !outcome.profileId) {
        setFlow({ state: 'failed', message: outcome.message });
        return;
      }
      const id = outcome.profileId;
      popup.current?.close();
      popup.current = null;
      setFlow({ state: 'idle' });
      api.profiles
        .list()
        .then(({ profiles }) => {
          const profile = profiles.find((p) => p.id === id);
          if (profile) callbacks.current.onSignedIn(profile, outcome.message);
        })
        .catch((error: unknown) => callbacks.current.onError(error));
    });
  }, [waiting]);

  const start = async () => {
    let form: ProfileInputDraft;
    try {
      // The form's own mistakes (an empty client id) are shown before any window opens.
      form = draft();
      parseOrThrow(ProfileInput, form, 'profiles.oauthStart');
    } catch (error) {
      onError(error);
      return;
    }
    // Opened now, while the click still counts as the user's: a window opened after an await
    // is blocked by the browser. It is pointed at the sign-in page once the URL is known.
    popup.current?.close();
    popup.current =
      host === 'web'
        ? window.open('', 'connect-studio-sign-in', 'popup,width=520,height=720')
        : null;
    setFlow({ state: 'opening' });
    try {
      const { authorizeUrl } = await api.profiles.oauthStart({
        ...(profileId ? { id: profileId } : {}),
        profile: form,
      });
      if (popup.current) popup.current.location.href = authorizeUrl;
      setFlow({
        state: 'waiting',
        authorizeUrl,
        popupBlocked: host === 'web' && popup.current === null,
      });
    } catch (error) {
      popup.current?.close();
      popup.current = null;
      setFlow({ state: 'idle' });
      onError(error);
    }
  };

  const stop = () => {
    popup.current?.close();
    popup.current = null;
    setFlow({ state: 'idle' });
    // The studio stops listening too, so a late answer from the browser saves nothing.
    api.profiles.oauthCancel().catch((error: unknown) => callbacks.current.onError(error));
  };

  return (
    <div className="oauth-sign-in" data-testid="oauth-sign-in">
      <p className="oauth-sign-in__status" role="status">
        {signedIn ? (
          <>
            <Icon name="check" size={14} /> Signed in
            {signedIn.username ? ` as ${signedIn.username}` : ''} at {signedIn.instanceUrl}
          </>
        ) : (
          'Not signed in yet.'
        )}
      </p>
      {flow.state === 'waiting' ? (
        <div className="oauth-sign-in__waiting" role="status" aria-live="polite">
          <span className="quick-card__bar" aria-hidden="true" />
          <span>
            Waiting for the browser… finish the sign-in there.{' '}
            {flow.popupBlocked ? 'The browser blocked the sign-in window: ' : ''}
            <a href={flow.authorizeUrl} target="_blank" rel="noreferrer">
              {flow.popupBlocked ? 'open the sign-in page' : 'Open the sign-in page again'}
            </a>
          </span>
        </div>
      ) : null}
      {flow.state === 'failed' ? (
        <p className="form-error" role="alert">
          {flow.message}
        </p>
      ) : null}
      <div className="oauth-sign-in__actions">
        <button
          type="button"
          className="button button--primary"
          onClick={start}
          disabled={flow.state === 'opening' || waiting}
        >
          {flow.state === 'opening'
            ? 'Opening…'
            : signedIn
              ? 'Sign in again'
              : 'Sign in with Salesforce'}
        </button>
        {waiting ? (
          <button type="button" className="button button--quiet" onClick={stop}>
            Stop waiting
          </button>
        ) : null}
      </div>
    </div>
  );
}
