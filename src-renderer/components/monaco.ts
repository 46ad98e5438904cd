// Monaco, trimmed to what the studio's editors use: the editor core, the contributions behind
// completion, hover (marker messages), formatting, find, error navigation and snippets, and one
// editor worker bundled with the app. Nothing is fetched from a CDN: the studio runs offline.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/placeholderText/register';
import 'monaco-editor/features/contextmenu/register';
// Postgres highlighting for the SQL tab; its tokenizer module loads when a model first uses it.
import 'monaco-editor/languages/definitions/pgsql/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

// The editor worker computes diffs and word ranges off the UI thread; languages here need no
// worker of their own (SOQL completion runs in the page, over the renderer's catalog).
self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export { monaco };
export type Monaco = typeof monaco;

const themeColors = {
  light: {
    base: 'vs' as const,
    keyword: '1d4ed8',
    dateLiteral: '0f766e',
    string: 'b45309',
    number: '7c3aed',
    operator: '5f6b7a',
    identifier: '1c2430',
    function: 'a21caf',
    background: '#ffffff',
  },
  dark: {
    base: 'vs-dark' as const,
    keyword: '7aa2f7',
    dateLiteral: '5eead4',
    string: 'fbbf24',
    number: 'c4b5fd',
    operator: '93a0b2',
    identifier: 'e4e8ee',
    function: 'f0abfc',
    background: '#1a2029',
  },
};

let themesDefined = false;

/** The two studio themes: Monaco's own, with SOQL token colours and the studio's surface. */
function defineThemes(): void {
  if (themesDefined) return;
  themesDefined = true;
  for (const [name, c] of Object.entries(themeColors)) {
    monaco.editor.defineTheme(`studio-${name}`, {
      base: c.base,
      inherit: true,
      rules: [
        { token: 'keyword', foreground: c.keyword, fontStyle: 'bold' },
        { token: 'date-literal', foreground: c.dateLiteral },
        { token: 'string', foreground: c.string },
        { token: 'number', foreground: c.number },
        { token: 'date', foreground: c.number },
        { token: 'operator', foreground: c.operator },
        { token: 'delimiter', foreground: c.operator },
        { token: 'predefined', foreground: c.function },
        { token: 'identifier', foreground: c.identifier },
        { token: 'variable', foreground: c.function },
      ],
      colors: { 'editor.background': c.background },
    });
  }
}

/** The Monaco theme matching the studio's (the App sets data-theme on <html>). */
export function studioThemeName(): string {
  return document.documentElement.dataset.theme === 'dark' ? 'studio-dark' : 'studio-light';
}

let themeObserver: MutationObserver | null = null;

/** Defines the themes once and keeps Monaco's theme in step with the studio's. */
export function followStudioTheme(): void {
  defineThemes();
  monaco.editor.setTheme(studioThemeName());
  if (themeObserver) return;
  themeObserver = new MutationObserver(() => monaco.editor.setTheme(studioThemeName()));
  themeObserver.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['data-theme'],
  });
}
