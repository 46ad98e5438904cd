import { useEffect, useRef } from 'react';
import { followStudioTheme, monaco } from './monaco';
import './Editor.css';

export type CodeEditor = monaco.editor.IStandaloneCodeEditor;

export interface EditorProps {
  /** The text when the editor is created; later changes go through the editor instance. */
  initialValue: string;
  language: string;
  /** Accessible name of the text area. */
  ariaLabel: string;
  readOnly?: boolean;
  /** Shown while the text is empty. */
  placeholder?: string;
  onChange?: (text: string) => void;
  /** The editor, once created (and null when it goes away): add actions, markers, providers. */
  onEditor?: (editor: CodeEditor | null) => void;
  /** More Monaco options, applied at creation. */
  options?: monaco.editor.IStandaloneEditorConstructionOptions;
  className?: string;
}

/**
 * A Monaco editor that fills its box. It is uncontrolled: `initialValue` seeds it, the caller
 * reads and writes through the instance handed to `onEditor`, and `onChange` reports edits.
 */
export function Editor({
  initialValue,
  language,
  ariaLabel,
  readOnly = false,
  placeholder,
  onChange,
  onEditor,
  options,
  className,
}: EditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CodeEditor | null>(null);
  // Callbacks change identity on every render; the editor listens once and reads the latest.
  const onChangeRef = useRef(onChange);
  const onEditorRef = useRef(onEditor);
  useEffect(() => {
    onChangeRef.current = onChange;
    onEditorRef.current = onEditor;
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    followStudioTheme();
    const editor = monaco.editor.create(host, {
      value: initialValue,
      language,
      readOnly,
      placeholder,
      ariaLabel,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      lineNumbersMinChars: 3,
      wordWrap: 'on',
      tabSize: 2,
      renderLineHighlight: readOnly ? 'none' : 'line',
      fixedOverflowWidgets: true,
      quickSuggestions: { other: true, strings: true, comments: false },
      suggestOnTriggerCharacters: true,
      wordBasedSuggestions: 'off',
      padding: { top: 8, bottom: 8 },
      ...options,
    });
    editorRef.current = editor;
    const changes = editor.onDidChangeModelContent(() => onChangeRef.current?.(editor.getValue()));
    onEditorRef.current?.(editor);
    return () => {
      changes.dispose();
      onEditorRef.current?.(null);
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
    };
    // The editor is created once per mount; later prop changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getLanguageId() !== language)
      monaco.editor.setModelLanguage(model, language);
  }, [language]);

  return <div ref={hostRef} className={'code-editor' + (className ? ' ' + className : '')} />;
}
