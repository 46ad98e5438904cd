import { useEffect, useRef, type ReactNode } from 'react';

/** How the dialog is named: by a label, or by the ids of its title (and text) inside it. */
type ModalName = { label: string } | { labelledBy: string; describedBy?: string };

/**
 * A modal <dialog> (showModal): the page behind is inert, the browser keeps focus inside, and
 * Esc asks to close. A press on the dimmed page outside it asks to close too. The control marked
 * `data-autofocus` gets the focus when it opens, once: a parent that re-renders (the Sync
 * dashboard does every second) must not pull the focus back. Focus returns where it was when it
 * closes. The parent closes it by unmounting it. The workspace's stylesheet styles the classes.
 */
export function Modal(
  props: ModalName & {
    onClose: () => void;
    children: ReactNode;
    /** The <dialog>'s class, and the class of the box inside it that holds the content. */
    className: string;
    boxClassName: string;
    /** alertdialog for a confirmation of something that cannot be undone. */
    role?: 'dialog' | 'alertdialog';
  },
) {
  const { onClose, children, className, boxClassName, role } = props;
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement;
    if (dialog && !dialog.open) dialog.showModal();
    // showModal focuses the first control; the dialog may name a better one.
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      dialog?.close();
      if (before instanceof HTMLElement) before.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={className}
      {...(role ? { role } : {})}
      {...('label' in props
        ? { 'aria-label': props.label }
        : { 'aria-labelledby': props.labelledBy, 'aria-describedby': props.describedBy })}
      onCancel={(e) => {
        // Esc: the parent unmounts the dialog (closing it here would leave React's copy open).
        e.preventDefault();
        onClose();
      }}
      onMouseDown={(e) => {
        // A press on the backdrop lands on the <dialog> itself, outside its box.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className={boxClassName}>{children}</div>
    </dialog>
  );
}
