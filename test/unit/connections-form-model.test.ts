import { describe, expect, it } from 'vitest';
import {
  emptyForm,
  escapeIsForForm,
  formChanged,
  formFromProfile,
} from '../../src-renderer/workspaces/connections/form-model';
import type { ProfileSummary } from '../../src-shared/api';

// The profile form's Esc and close rules, without a browser: Esc that something inside used
// (or that closes a list of choices) is not the form's, and closing asks only when edits would
// be lost.

const element = (tagName: string, role: string | null = null) => ({
  tagName,
  getAttribute: (name: string) => (name === 'role' ? role : null),
});

describe('escapeIsForForm', () => {
  it('takes an Esc pressed in an ordinary field', () => {
    expect(
      escapeIsForForm({ key: 'Escape', defaultPrevented: false, target: element('INPUT') }),
    ).toBe(true);
    expect(escapeIsForForm({ key: 'Escape', defaultPrevented: false, target: null })).toBe(true);
  });

  it('leaves an Esc something else used, and other keys', () => {
    expect(
      escapeIsForForm({ key: 'Escape', defaultPrevented: true, target: element('INPUT') }),
    ).toBe(false);
    expect(
      escapeIsForForm({ key: 'Enter', defaultPrevented: false, target: element('INPUT') }),
    ).toBe(false);
  });

  it('leaves an Esc pressed in a select or a combobox (it closes their list)', () => {
    for (const target of [
      element('SELECT'),
      element('select'),
      element('INPUT', 'combobox'),
      element('DIV', 'listbox'),
    ]) {
      expect(escapeIsForForm({ key: 'Escape', defaultPrevented: false, target })).toBe(false);
    }
  });
});

describe('formChanged', () => {
  const saved: ProfileSummary = {
    kind: 'salesforce',
    id: 'p1',
    name: 'Dev org',
    apiVersion: '62.0',
    auth: { method: 'password', loginUrl: 'https://login.salesforce.com', username: 'dev@x.com' },
    savedSecrets: ['password'],
    secretsReadable: true,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };

  it('is false for a form as it opened, true once something that would be saved differs', () => {
    const initial = formFromProfile(saved);
    expect(formChanged(initial, { ...initial })).toBe(false);
    expect(formChanged(initial, { ...initial, name: 'Dev org 2' })).toBe(true);
    expect(formChanged(initial, { ...initial, password: 'typed' })).toBe(true);
    expect(formChanged(initial, { ...initial, sfMethod: 'token' })).toBe(true);
  });

  it('ignores what would not be saved: fields of another sign-in method', () => {
    const initial = emptyForm('salesforce');
    expect(formChanged(initial, { ...initial, accessToken: 'typed, then password chosen' })).toBe(
      false,
    );
    expect(formChanged(initial, { ...initial, username: 'me@x.com' })).toBe(true);
  });
});
