import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, type ConnectionTestResult, type ProfileSummary } from '../../../src-shared/api';
import { api } from '../../api';
import { Icon } from '../../components/Icon';
import {
  LOGIN_URLS,
  SIGN_IN_CHOICES,
  draftFromForm,
  escapeIsForForm,
  fieldOfProblem,
  formChanged,
  type ProfileFormValues,
} from './form-model';
import { OAuthSignIn } from './OAuthSignIn';
import { TestResultView } from './TestResultView';

interface Props {
  initial: ProfileFormValues;
  savedSecrets: string[];
  /** `message` replaces the usual "Saved" notice (e.g. after an OAuth sign-in). */
  onSaved(profile: ProfileSummary, message?: string): void;
  onClose(): void;
}

type FieldErrors = Partial<Record<keyof ProfileFormValues, string>>;

/** Add or edit one profile; test it before (or without) saving. */
export function ProfileForm({ initial, savedSecrets, onSaved, onClose }: Props) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'saving' | 'testing' | null>(null);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  /** A browser sign-in is waiting: it saves the form itself when it finishes. */
  const [signingIn, setSigningIn] = useState(false);
  /** Closing was asked while there are edits: "Discard changes?" shows. */
  const [confirmingClose, setConfirmingClose] = useState(false);
  const editing = Boolean(values.id);
  const isOrg = values.kind === 'salesforce';
  const changed = formChanged(initial, values);

  const requestClose = useCallback(() => {
    if (changed) setConfirmingClose(true);
    else onClose();
  }, [changed, onClose]);

  // The key handler lives as long as the form; it reads the latest state through this.
  const escape = useRef({ confirmingClose, requestClose });
  useEffect(() => {
    escape.current = { confirmingClose, requestClose };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!escapeIsForForm(e)) return;
      // Esc answers the question with "keep editing"; otherwise it asks to close.
      if (escape.current.confirmingClose) setConfirmingClose(false);
      else escape.current.requestClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const set = <K extends keyof ProfileFormValues>(key: K, value: ProfileFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setResult(null);
  };

  const showError = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.code === 'BAD_PARAMS') {
      const problems = (
        error.details as { problems?: { path: string; message: string }[] } | undefined
      )?.problems;
      const byField: FieldErrors = {};
      const loose: string[] = [];
      for (const p of problems ?? []) {
        const field = fieldOfProblem(p.path);
        if (field) byField[field] = p.message;
        else loose.push(p.path ? `${p.path}: ${p.message}` : p.message);
      }
      setErrors(byField);
      setFormError(loose.length ? loose.join('; ') : problems?.length ? null : error.message);
      return;
    }
    if (error instanceof ApiError && error.code === 'CONFLICT') {
      const field = (error.details as { field?: string } | undefined)?.field;
      if (field === 'name') {
        setErrors({ name: error.message });
        return;
      }
    }
    setFormError(error instanceof Error ? error.message : String(error));
  }, []);

  const draft = useCallback(() => draftFromForm(values), [values]);
  const signedIn = useCallback(
    (profile: ProfileSummary, message: string) => onSaved(profile, message),
    [onSaved],
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Saving now would take the name the sign-in is about to save under (Enter in a field
    // submits even though the button is disabled).
    if (signingIn) return;
    setBusy('saving');
    setFormError(null);
    try {
      onSaved(await api.profiles.save(draftFromForm(values)));
    } catch (error) {
      showError(error);
    } finally {
      setBusy(null);
    }
  };

  const test = async () => {
    setBusy('testing');
    setFormError(null);
    setResult(null);
    try {
      setResult(
        await api.profiles.test({
          ...(values.id ? { id: values.id } : {}),
          profile: draftFromForm(values),
        }),
      );
    } catch (error) {
      showError(error);
    } finally {
      setBusy(null);
    }
  };

  const secretPlaceholder = (name: string) =>
    savedSecrets.includes(name) ? 'saved — leave blank to keep' : '';

  // Label, input and message are tied by id, so the input's accessible name is just its label.
  const field = (key: keyof ProfileFormValues, label: string, input: ReactNode, help?: string) => (
    <div className={`field ${errors[key] ? 'field--error' : ''}`}>
      <label className="field__label" htmlFor={`pf-${key}`}>
        {label}
      </label>
      {input}
      {errors[key] ? (
        <span id={`pf-${key}-msg`} className="field__error" role="alert">
          {errors[key]}
        </span>
      ) : help ? (
        <span id={`pf-${key}-msg`} className="field__help">
          {help}
        </span>
      ) : null}
    </div>
  );

  const text = (key: keyof ProfileFormValues, props: Record<string, unknown> = {}) => (
    <input
      id={`pf-${key}`}
      name={key}
      value={String(values[key] ?? '')}
      onChange={(e) => set(key, e.target.value as never)}
      aria-invalid={Boolean(errors[key])}
      aria-describedby={`pf-${key}-msg`}
      spellCheck={false}
      autoComplete="off"
      {...props}
    />
  );

  return (
    <div
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-label={editing ? 'Edit connection' : 'New connection'}
    >
      <form className="drawer__body" onSubmit={submit} noValidate>
        <header className="drawer__header">
          <h2>
            {editing ? 'Edit' : 'New'} {isOrg ? 'Salesforce org' : 'Postgres database'}
          </h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={requestClose}
            title="Close (Esc)"
          >
            <Icon name="close" />
          </button>
        </header>

        {field(
          'name',
          'Name',
          text('name', {
            autoFocus: true,
            placeholder: isOrg ? 'e.g. Acme sandbox' : 'e.g. Local app database',
          }),
        )}

        {isOrg ? (
          <>
            {values.sfMethod === 'local' ? (
              <div className="local-profile" role="note" aria-label="Local demo org">
                <Icon name="cloud" size={18} />
                <p>
                  The built-in local org runs inside the studio with demo data and signs itself in.
                  There is nothing to configure: start it with “Use the local demo org”.
                </p>
              </div>
            ) : (
              <div
                className="segmented segmented--grid"
                role="radiogroup"
                aria-label="Sign in with"
              >
                {SIGN_IN_CHOICES.map(({ method, label }) => (
                  <button
                    key={method}
                    type="button"
                    role="radio"
                    aria-checked={values.sfMethod === method}
                    className={values.sfMethod === method ? 'is-selected' : ''}
                    onClick={() => set('sfMethod', method)}
                  >
                    {label}
                  </button>
                ))}
              </div>
            )}
            {values.sfMethod === 'password' || values.sfMethod === 'oauth'
              ? field(
                  'loginUrl',
                  'Login URL',
                  <div className="input-with-chips">
                    {text('loginUrl', { className: 'mono' })}
                    {Object.entries(LOGIN_URLS).map(([label, url]) => (
                      <button
                        key={label}
                        type="button"
                        className="chip"
                        onClick={() => set('loginUrl', url)}
                      >
                        {label}
                      </button>
                    ))}
                  </div>,
                  'Production, sandbox, your My Domain, or a local org',
                )
              : null}
            {values.sfMethod === 'password' ? (
              <>
                {field(
                  'username',
                  'Username',
                  text('username', { className: 'mono', placeholder: 'you@example.com' }),
                )}
                {field(
                  'password',
                  'Password',
                  text('password', {
                    type: 'password',
                    placeholder: secretPlaceholder('password'),
                  }),
                )}
                {field(
                  'securityToken',
                  'Security token',
                  text('securityToken', {
                    type: 'password',
                    placeholder: secretPlaceholder('securityToken') || 'optional',
                  }),
                  'Needed from networks your org does not trust; it is appended to the password',
                )}
              </>
            ) : null}
            {values.sfMethod === 'token' ? (
              <>
                {field(
                  'instanceUrl',
                  'Instance URL',
                  text('instanceUrl', {
                    className: 'mono',
                    placeholder: 'https://yourdomain.my.salesforce.com',
                  }),
                )}
                {field(
                  'accessToken',
                  'Access token',
                  text('accessToken', {
                    type: 'password',
                    placeholder: secretPlaceholder('accessToken'),
                  }),
                  'A session id or OAuth access token, e.g. from `sf org display`',
                )}
              </>
            ) : null}
            {values.sfMethod === 'sfdx'
              ? field(
                  'authUrl',
                  'SFDX auth URL',
                  text('authUrl', {
                    type: 'password',
                    className: 'mono',
                    placeholder:
                      secretPlaceholder('authUrl') ||
                      'force://<client id>:<secret>:<refresh token>@<instance>',
                  }),
                  values.sfdxInstanceUrl && savedSecrets.includes('authUrl')
                    ? `Signs in to ${values.sfdxInstanceUrl}. Paste a new URL to replace it.`
                    : 'The “Sfdx Auth Url” line of `sf org display --verbose --target-org <alias>`',
                )
              : null}
            {values.sfMethod === 'oauth' ? (
              <>
                {field(
                  'clientId',
                  'Client id',
                  text('clientId', {
                    className: 'mono',
                    placeholder: 'Consumer key of your connected app',
                  }),
                  'A connected app’s consumer key whose callback allows http://127.0.0.1 on any ' +
                    'port (…/oauth/callback). Against a local org any text works.',
                )}
                <OAuthSignIn
                  profileId={values.id}
                  draft={draft}
                  signedIn={values.signedIn}
                  onSignedIn={signedIn}
                  onError={showError}
                  onWaitingChange={setSigningIn}
                />
              </>
            ) : null}
            {field('apiVersion', 'API version', text('apiVersion', { className: 'input--short' }))}
          </>
        ) : (
          <>
            <div className="segmented" role="radiogroup" aria-label="Database">
              {(['url', 'embedded'] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  role="radio"
                  aria-checked={values.pgMethod === m}
                  className={values.pgMethod === m ? 'is-selected' : ''}
                  onClick={() => set('pgMethod', m)}
                >
                  {m === 'url' ? 'Database URL' : 'Embedded'}
                </button>
              ))}
            </div>
            {values.pgMethod === 'url' ? (
              field(
                'url',
                'Database URL',
                text('url', {
                  className: 'mono',
                  placeholder: 'postgres://user:password@localhost:5432/app',
                }),
                savedSecrets.includes('password')
                  ? 'The saved password is kept unless the URL carries a new one'
                  : 'For Heroku, add ?sslmode=require',
              )
            ) : (
              <p className="muted">
                The studio runs its own PostgreSQL in its data folder. Nothing to install.
              </p>
            )}
            {field(
              'schema',
              'Schema',
              text('schema', { className: 'input--short' }),
              'Where the mapped tables live (Heroku Connect uses salesforce)',
            )}
          </>
        )}

        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        {result ? <TestResultView result={result} /> : null}

        {confirmingClose ? (
          <div className="discard-confirm" role="alertdialog" aria-label="Discard changes?">
            <p>Close without saving? Your changes to this form will be lost.</p>
            <div className="discard-confirm__actions">
              <button
                type="button"
                className="button button--small"
                onClick={() => setConfirmingClose(false)}
                autoFocus
              >
                Keep editing
              </button>
              <button
                type="button"
                className="button button--small button--danger"
                onClick={onClose}
              >
                Discard changes
              </button>
            </div>
          </div>
        ) : null}

        <footer className="drawer__footer">
          <button type="button" className="button" onClick={test} disabled={busy !== null}>
            {busy === 'testing' ? 'Testing…' : 'Test connection'}
          </button>
          <span className="spacer" />
          <button type="button" className="button button--quiet" onClick={requestClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button--primary"
            disabled={busy !== null || signingIn}
            title={signingIn ? 'The sign-in saves this profile when it finishes' : undefined}
          >
            {busy === 'saving' ? 'Saving…' : 'Save'}
          </button>
        </footer>
      </form>
    </div>
  );
}
