// The page the Query benchmarks drive: the real SOQL editor (Monaco + the 'soql' language + the
// renderer's DescribeCatalogStore) over a synthetic catalog, or the real result grid over a
// synthetic result, built with Vite by the bench scripts. `?mode=completion` or `?mode=grid`.
import { afterPaint } from './frame-probe';
import { createRoot } from 'react-dom/client';
import { createDescribeCatalog, fieldDescribe } from '../../../src-shared/salesforce';
import type {
  ChildRelationship,
  FieldDescribe,
  GlobalSObject,
  SObjectDescribe,
} from '../../../src-shared/salesforce';
import { completeSoql, type CompletionItem } from '../../../src-shared/soql';
import { monaco } from '../../../src-renderer/components/monaco';
import { Editor, type CodeEditor } from '../../../src-renderer/components/Editor';
import { DescribeCatalogStore } from '../../../src-renderer/state/describe-catalog';
import { ResultGrid } from '../../../src-renderer/workspaces/query/ResultGrid';
import {
  resultColumns,
  type SalesforceRecord,
} from '../../../src-renderer/workspaces/query/result-model';
import {
  attachEagerSuggest,
  registerSoqlLanguage,
  setSoqlCatalog,
  SOQL_LANGUAGE,
  soqlEditorOptions,
  toMonacoSuggestion,
} from '../../../src-renderer/workspaces/query/soql-language';
import '../../../src-renderer/styles.css';

const params = new URLSearchParams(location.search);
const OBJECTS = Number(params.get('objects') ?? 1500);
const FIELDS = Number(params.get('fields') ?? 300);
const ROWS = Number(params.get('rows') ?? 100_000);
const LOOKUPS = 20;

const objectName = (i: number) => `Obj${String(i).padStart(4, '0')}__c`;
const pad3 = (i: number) => String(i).padStart(3, '0');
const TYPES = [
  'string',
  'double',
  'date',
  'datetime',
  'boolean',
  'picklist',
  'currency',
  'textarea',
];

/** One synthetic object: Id, Name, an Owner, 20 lookups to other objects, the rest of mixed types. */
function describeOf(index: number): SObjectDescribe {
  const fields: FieldDescribe[] = [
    fieldDescribe('Id', 'id'),
    fieldDescribe('Name', 'string', { nameField: true, length: 80 }),
    fieldDescribe('OwnerId', 'reference', { referenceTo: ['User'], relationshipName: 'Owner' }),
  ];
  for (let l = 0; l < LOOKUPS; l++) {
    fields.push(
      fieldDescribe(`Lookup${pad3(l)}__c`, 'reference', {
        referenceTo: [objectName((index + l * 37 + 1) % OBJECTS)],
        relationshipName: `Lookup${pad3(l)}__r`,
      }),
    );
  }
  for (let f = fields.length; f < FIELDS; f++) {
    const type = TYPES[f % TYPES.length]!;
    fields.push(
      fieldDescribe(`Field${pad3(f)}__c`, type, {
        picklistValues:
          type === 'picklist'
            ? ['Red', 'Green', 'Blue'].map((value, i) => ({
                value,
                label: value,
                active: true,
                defaultValue: i === 0,
              }))
            : [],
      }),
    );
  }
  const childRelationships: ChildRelationship[] = Array.from({ length: 10 }, (_, c) => ({
    childSObject: objectName((index + c * 53 + 7) % OBJECTS),
    field: `Lookup${pad3(c)}__c`,
    relationshipName: `Children${pad3(c)}__r`,
    cascadeDelete: false,
  }));
  return {
    name: objectName(index),
    label: `Object ${index}`,
    keyPrefix: `a${String(index).padStart(2, '0')}`,
    custom: true,
    queryable: true,
    fields,
    childRelationships,
  };
}

function userDescribe(): SObjectDescribe {
  return {
    name: 'User',
    label: 'User',
    keyPrefix: '005',
    custom: false,
    queryable: true,
    fields: [
      fieldDescribe('Id', 'id'),
      fieldDescribe('Name', 'string'),
      fieldDescribe('Email', 'email'),
    ],
    childRelationships: [],
  };
}

declare global {
  interface Window {
    bench: Record<string, unknown>;
  }
}

async function completionMode(root: HTMLElement) {
  const started = performance.now();
  const describes = new Map<string, SObjectDescribe>();
  for (let i = 0; i < OBJECTS; i++) describes.set(objectName(i).toLowerCase(), describeOf(i));
  describes.set('user', userDescribe());
  const global: GlobalSObject[] = [...describes.values()].map(
    ({ name, label, keyPrefix, custom, queryable }) => ({
      name,
      label,
      keyPrefix,
      custom,
      queryable,
    }),
  );
  // Every describe loaded up front: the catalog completion reads holds 1,500 × 300 fields.
  const store = new DescribeCatalogStore({
    listObjects: () => Promise.resolve(global),
    describeMany: (names) =>
      Promise.resolve({
        describes: names.flatMap((n) => describes.get(n.toLowerCase()) ?? []),
        missing: names.filter((n) => !describes.has(n.toLowerCase())),
      }),
  });
  await store.ensureObjectList();
  await store.ensure(global.map((g) => g.name));
  const catalog = store.catalog();
  catalog.describe(objectName(0));
  const catalogMs = performance.now() - started;
  // The baseline catalog: the same describes straight into createDescribeCatalog.
  const baselineCatalog = createDescribeCatalog(describes.values(), global);

  registerSoqlLanguage();
  setSoqlCatalog(store);
  // The baseline editor language: the same editor and trigger characters, answering with a list
  // computed before the keystroke, so it measures Monaco alone.
  let fixedItems: CompletionItem[] = [];
  monaco.languages.register({ id: 'soql-fixed' });
  monaco.languages.registerCompletionItemProvider('soql-fixed', {
    triggerCharacters: ['.', ' ', '(', ','],
    provideCompletionItems: (model) => ({
      suggestions: fixedItems.map((item) => toMonacoSuggestion(item, model)),
    }),
  });
  let editor: CodeEditor | null = null;
  await new Promise<void>((resolve) => {
    createRoot(root).render(
      <div style={{ height: 300, padding: 12 }}>
        <Editor
          initialValue=""
          language={SOQL_LANGUAGE}
          ariaLabel="SOQL query"
          options={soqlEditorOptions}
          onEditor={(e) => {
            editor = e;
            if (e) {
              attachEagerSuggest(e);
              resolve();
            }
          }}
        />
      </div>,
    );
  });

  /** One keystroke's times, from its keydown: list rows in the DOM, list shown, list painted. */
  interface Timing {
    rows: number;
    shown: number;
    painted: number;
  }
  let armed: {
    t0: number;
    expect: string;
    rows: number;
    resolve: (timing: Timing) => void;
  } | null = null;
  let pending: Promise<Timing> | null = null;
  // The keystroke's time: the keydown event, as the browser stamped it.
  window.addEventListener(
    'keydown',
    (event) => {
      if (armed && armed.t0 < 0) armed.t0 = event.timeStamp;
    },
    true,
  );
  const observer = new MutationObserver(() => {
    if (!armed || armed.t0 < 0) return;
    const widget = document.querySelector<HTMLElement>('.suggest-widget');
    const first = widget?.querySelector('.monaco-list-row .label-name');
    if (!widget || !first || !first.textContent?.startsWith(armed.expect)) return;
    const now = performance.now();
    if (armed.rows < 0) armed.rows = now - armed.t0;
    // Monaco adds the `visible` class 100 ms after showing the list (for its details pane), so
    // "shown" is the widget laid out and not hidden, which it does in its next frame callback.
    if (widget.offsetHeight === 0 || getComputedStyle(widget).visibility === 'hidden') return;
    const done = armed;
    armed = null;
    const shown = now - done.t0;
    void afterPaint().then((paintedAt) =>
      done.resolve({ rows: done.rows, shown, painted: paintedAt - done.t0 }),
    );
  });
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });

  window.bench = {
    catalogMs,
    /**
     * Puts `text` in the editor with the cursor at `offset`, suggestions closed. `fixed`: the
     * baseline language, answering with what completion gives for `after` (the text once typed).
     */
    setText(text: string, offset: number, fixed: { after: string; offset: number } | null) {
      const e = editor!;
      e.trigger('bench', 'hideSuggestWidget', {});
      const model = e.getModel()!;
      monaco.editor.setModelLanguage(model, fixed ? 'soql-fixed' : SOQL_LANGUAGE);
      if (fixed) fixedItems = completeSoql(fixed.after, fixed.offset, baselineCatalog);
      e.setValue(text);
      e.setPosition(model.getPositionAt(offset));
      e.focus();
    },
    /** Arms the next measurement: done when the list's first label starts with `expect`. */
    arm(expect: string) {
      pending = new Promise<Timing>((resolve) => {
        armed = { t0: -1, expect, rows: -1, resolve };
      });
    },
    result: () => pending,
    /** The baseline: completeSoql alone on the same text, in this page. */
    engineMs(text: string, offset: number) {
      const t0 = performance.now();
      const items = completeSoql(text, offset, baselineCatalog);
      return { ms: performance.now() - t0, first: items[0]?.label ?? '' };
    },
    ready: true,
  };
}

function syntheticRecords(count: number): SalesforceRecord[] {
  const records: SalesforceRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const contacts = i % 7 === 0 ? 3 : 0;
    records[i] = {
      attributes: { type: 'Account' },
      Id: `001${String(i).padStart(15, '0')}`,
      Name: `Account ${i}`,
      Industry: i % 3 === 0 ? 'Energy' : 'Retail',
      AnnualRevenue: i * 1000,
      Owner: { attributes: { type: 'User' }, Name: `Owner ${i % 50}` },
      Contacts:
        contacts === 0
          ? null
          : {
              totalSize: contacts,
              done: true,
              records: Array.from({ length: contacts }, (_, c) => ({
                attributes: { type: 'Contact' },
                LastName: `Contact ${i}-${c}`,
                Email: `c${i}-${c}@example.com`,
              })),
            },
    };
  }
  return records;
}

function gridMode(root: HTMLElement) {
  const soql =
    'SELECT Id, Name, Industry, AnnualRevenue, Owner.Name, (SELECT LastName, Email FROM Contacts) FROM Account';
  const generated = performance.now();
  const records = syntheticRecords(ROWS);
  const generateMs = performance.now() - generated;
  const columns = resultColumns(soql, records);
  const mounted = performance.now();
  createRoot(root).render(
    <div style={{ height: '100vh', display: 'flex', flexDirection: 'column', padding: 12 }}>
      <ResultGrid records={records} columns={columns} ariaLabel="Query results" />
    </div>,
  );
  const waitForRows = () =>
    new Promise<number>((resolve) => {
      const check = () => {
        if (document.querySelector('[role=grid] [role=rowgroup] [role=row]')) {
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - mounted)));
        } else requestAnimationFrame(check);
      };
      check();
    });

  /**
   * Scrolls `element` one step per frame for `steps` frames: `pxPerFrame` at a time from the
   * middle (a wheel or trackpad), or, without it, from top to bottom (dragging the scroll bar).
   */
  const scrollThrough = (element: HTMLElement, steps: number, pxPerFrame?: number) =>
    new Promise<{ frames: number[]; domRows: number[] }>((resolve) => {
      const max = element.scrollHeight - element.clientHeight;
      const start = pxPerFrame ? Math.round(max / 2) : 0;
      element.scrollTop = start;
      const frames: number[] = [];
      const domRows: number[] = [];
      let last = performance.now();
      let step = 0;
      const tick = () => {
        const now = performance.now();
        if (step > 0) frames.push(now - last);
        last = now;
        if (step % 10 === 0) domRows.push(element.querySelectorAll('[role=row]').length);
        if (step >= steps) {
          resolve({ frames, domRows });
          return;
        }
        step++;
        element.scrollTop = pxPerFrame
          ? start + step * pxPerFrame
          : Math.round((max * step) / steps);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });

  window.bench = {
    generateMs,
    rows: ROWS,
    firstRender: waitForRows(),
    async scrollGrid(steps: number, pxPerFrame?: number) {
      const grid = document.querySelector<HTMLElement>('[role=grid]')!;
      return scrollThrough(grid, steps, pxPerFrame);
    },
    /** The baseline: the same scroll over a plain box of the same height with nothing inside. */
    async scrollEmpty(steps: number, pxPerFrame?: number) {
      const grid = document.querySelector<HTMLElement>('[role=grid]')!;
      const box = document.createElement('div');
      box.style.cssText = `position:fixed;inset:0;overflow:auto;z-index:10;background:var(--surface)`;
      const inner = document.createElement('div');
      inner.style.height = `${grid.scrollHeight}px`;
      box.appendChild(inner);
      document.body.appendChild(box);
      const result = await scrollThrough(box, steps, pxPerFrame);
      box.remove();
      return result;
    },
    ready: true,
  };
}

const root = document.getElementById('root')!;
if (params.get('mode') === 'grid') gridMode(root);
else void completionMode(root);
