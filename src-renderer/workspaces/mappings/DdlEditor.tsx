import { useEffect, useRef } from 'react';
import { Editor, type CodeEditor } from '../../components/Editor';
import { monaco } from '../../components/monaco';
import { destructiveLines, firstTableLine } from './change-summary';

type Decorations = monaco.editor.IEditorDecorationsCollection;

/** Puts `text` in the editor (when it differs) and marks the destructive statements' lines. */
function show(
  editor: CodeEditor,
  text: string,
  table: string | undefined,
  previous: Decorations | null,
): Decorations {
  if (editor.getValue() !== text) editor.setValue(text);
  // Open on the mapped tables, past the prerequisites a first apply carries.
  editor.revealLineNearTop(firstTableLine(text, table));
  previous?.clear();
  return editor.createDecorationsCollection(
    destructiveLines(text).map((line) => ({
      range: new monaco.Range(line, 1, line, 1),
      options: {
        isWholeLine: true,
        className: 'map-ddl__destructive-line',
        linesDecorationsClassName: 'map-ddl__destructive-gutter',
      },
    })),
  );
}

/**
 * The read-only SQL view; new text replaces the old in place (no editor re-created), shown from
 * the statements about `table` (the mapping open beside it).
 */
export default function DdlEditor({ text, table }: { text: string; table?: string }) {
  const editorRef = useRef<CodeEditor | null>(null);
  const decorations = useRef<Decorations | null>(null);
  const shown = useRef<string | null>(null);

  useEffect(() => {
    const editor = editorRef.current;
    const key = `${table ?? ''}\n${text}`;
    if (!editor || shown.current === key) return;
    shown.current = key;
    decorations.current = show(editor, text, table, decorations.current);
  }, [text, table]);

  return (
    <Editor
      initialValue={text}
      language="pgsql"
      ariaLabel="DDL the change will run"
      readOnly
      className="map-ddl__editor"
      options={{ lineNumbers: 'off', folding: false, wordWrap: 'off', domReadOnly: true }}
      onEditor={(editor) => {
        editorRef.current = editor;
        if (!editor) return;
        shown.current = `${table ?? ''}\n${text}`;
        decorations.current = show(editor, text, table, decorations.current);
      }}
    />
  );
}
