// Keyboard helpers of the Mapping editor.

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** The modifier as the platform writes it in a shortcut hint: `⌘` or `Ctrl+`. */
export const MOD = isMac ? '⌘' : 'Ctrl+';
export const MOD_ARIA = isMac ? 'Meta' : 'Control';

const NON_TEXT_INPUTS = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'file',
  'range',
  'color',
]);

/** Focus is somewhere typing goes: there Ctrl+Z belongs to the text, not to the editor. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}
