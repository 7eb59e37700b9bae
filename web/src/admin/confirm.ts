// A confirmation as a native modal <dialog>: the safe choice (Cancelar) has the focus, Escape
// cancels, and the focus goes back to the button that opened it (or elsewhere when it is gone).
import { h } from '../ui';

export interface ConfirmOptions {
  title: string;
  /** Paragraphs saying exactly what will happen. */
  text: string[];
  confirmLabel: string;
  busyLabel: string;
  tone: 'go' | 'stop';
  /**
   * Runs once confirmed, the dialog still open and its buttons disabled; it handles its own
   * errors. What it returns is called once the dialog has closed (e.g. to show the outcome in a
   * live region, which screen readers skip while a modal is open).
   */
  run(): Promise<(() => void) | void>;
  /** Where the focus goes when the opener is no longer on the page. */
  fallbackFocus(): HTMLElement | null;
}

export function confirmAction(options: ConfirmOptions): void {
  const opener = document.activeElement as HTMLElement | null;
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'qc-title', 'aria-describedby': 'qc-text' });
  const no = h('button', { type: 'button', class: 'btn btn-secondary', autofocus: true, onclick: () => dialog.close() }, 'Cancelar');
  const yes = h('button', { type: 'button', class: `btn ${options.tone === 'stop' ? 'btn-stop' : 'btn-go'}` }, options.confirmLabel);
  let busy = false;
  let then: (() => void) | void;
  dialog.append(
    h('h2', { id: 'qc-title', class: 'confirm-title' }, options.title),
    h('div', { id: 'qc-text', class: 'confirm-text' }, ...options.text.map((p) => h('p', {}, p))),
    h('div', { class: 'confirm-actions' }, no, yes));
  // While the server is answering, Escape does not hide the outcome.
  dialog.addEventListener('cancel', (e) => { if (busy) e.preventDefault(); });
  dialog.addEventListener('close', () => {
    dialog.remove();
    (opener?.isConnected ? opener : options.fallbackFocus())?.focus();
    then?.();
  });
  yes.addEventListener('click', async () => {
    busy = true;
    yes.disabled = no.disabled = true;
    yes.textContent = options.busyLabel;
    try {
      then = await options.run();
    } finally {
      busy = false;
      dialog.close();
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}
