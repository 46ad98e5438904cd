import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal <dialog>: the browser keeps focus inside and Esc asks to close. Focus goes back where
 * it was when it closes. A click on the dimmed page outside it closes it too. The control marked
 * `data-autofocus` gets the focus first.
 */
export function Modal({
  label,
  onClose,
  children,
  className,
}: {
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
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
      className={'map-modal' + (className ? ` ${className}` : '')}
      aria-label={label}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="map-modal__box">{children}</div>
    </dialog>
  );
}
