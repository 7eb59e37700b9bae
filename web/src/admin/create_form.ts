// "Novo paredão": title, 2–20 participants (name + optional photo URL), optional opening and
// closing times (datetime-local, sent as RFC 3339 with the browser's offset) and the partials switch.
// The server validates; its problem `detail` is shown next to the form, in Portuguese when known.
import { ApiError, type Poll } from '../api';
import { h } from '../ui';
import type { AdminClient, NewPollBody } from './client';

const MIN = 2;
const MAX = 20;

/** "2026-11-25T20:00" (local wall time) → "2026-11-25T20:00:00-03:00", with that date's offset. */
export function localToRfc3339(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return null;
  const offset = -at.getTimezoneOffset();
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = value.length === 16 ? ':00' : '';
  return `${value}${seconds}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const FIELD_MESSAGES: [RegExp, string][] = [
  [/names must be distinct/, 'Os nomes dos participantes precisam ser diferentes (maiúsculas e espaços nas pontas não contam).'],
  [/title must have/, 'O título precisa ter de 1 a 200 caracteres.'],
  [/candidates must list/, 'Um paredão tem de 2 a 20 participantes.'],
  [/name must have/, 'O nome precisa ter de 1 a 100 caracteres.'],
  [/id must match/, 'Use só letras minúsculas, números e hífens (até 64), começando por letra ou número.'],
  [/photo_url must have/, 'O endereço da foto é longo demais (até 2048 bytes).'],
  [/closes_at must be in the future/, 'O encerramento precisa ser no futuro.'],
  [/closes_at must be after opens_at/, 'O encerramento precisa ser depois da abertura.'],
];

interface Problem { message: string; field: string | null; detail: string | null }

/** Maps a refused creation to a Portuguese message and the form field it is about. */
function describe(err: ApiError): Problem {
  if (err.code === 'network') {
    return { message: 'Sem conexão com o servidor. Verifique a rede e tente de novo.', field: null, detail: null };
  }
  if (err.status === 409) {
    return { message: 'Já existe um paredão com esse identificador. Escolha outro ou deixe em branco.', field: 'id', detail: err.detail };
  }
  const m = /^([a-z_]+(?:\[(\d+)\]\.([a-z_]+))?):\s*(.*)$/.exec(err.detail);
  if (err.status === 400 && m) {
    const known = FIELD_MESSAGES.find(([re]) => re.test(m[4]));
    let field: string | null = m[1];
    let where = '';
    if (m[2] !== undefined) {
      const n = Number(m[2]) + 1;
      field = `${m[3]}-${n}`;
      where = `Participante ${n}: `;
    }
    return { message: where + (known ? known[1] : 'o servidor recusou este campo.'), field, detail: err.detail };
  }
  return { message: 'O servidor recusou o paredão.', field: null, detail: err.detail || null };
}

export function createForm(client: AdminClient, onCreated: (poll: Poll) => void, onUnauthorized: () => void): HTMLElement {
  const rows: { name: string; photo: string }[] = [];
  const rowList = h('ol', { class: 'cand-rows', role: 'list' });
  const addButton = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => addRow(true) },
    '+ Adicionar participante');
  const count = h('p', { class: 'field-hint', id: 'cf-count' });
  const error = h('div', { class: 'form-error', id: 'cf-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Criar paredão');

  const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
    h('div', { class: 'field' },
      h('label', { for: id }, label),
      hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null,
      input);

  const title = h('input', { id: 'cf-title', name: 'title', type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
  const pollId = h('input', {
    id: 'cf-id', name: 'id', type: 'text', maxlength: 64, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'none', 'aria-describedby': 'cf-id-hint',
  });
  const opens = h('input', { id: 'cf-opens', name: 'opens_at', type: 'datetime-local', 'aria-describedby': 'cf-times-hint' });
  const closes = h('input', { id: 'cf-closes', name: 'closes_at', type: 'datetime-local', 'aria-describedby': 'cf-times-hint' });
  const partials = h('input', { id: 'cf-partials', name: 'show_partial_results', type: 'checkbox', checked: true });

  function syncRows(): void {
    rowList.replaceChildren(...rows.map((row, i) => {
      const n = i + 1;
      const name = h('input', {
        id: `cf-name-${n}`, type: 'text', required: true, maxlength: 100, autocomplete: 'off', value: row.name,
        oninput: (e: Event) => { row.name = (e.target as HTMLInputElement).value; },
      });
      const photo = h('input', {
        id: `cf-photo-${n}`, type: 'url', inputmode: 'url', autocomplete: 'off', placeholder: 'https://…', value: row.photo,
        oninput: (e: Event) => { row.photo = (e.target as HTMLInputElement).value; },
      });
      const remove = h('button', {
        type: 'button', class: 'btn btn-icon', disabled: rows.length <= MIN,
        onclick: () => removeRow(i),
      }, h('span', { 'aria-hidden': 'true' }, '✕'), h('span', { class: 'sr-only' }, `Remover participante ${n}`));
      return h('li', { class: 'cand-edit' },
        h('span', { class: 'cand-num', 'aria-hidden': 'true' }, String(n)),
        h('div', { class: 'field' }, h('label', { for: name.id }, 'Nome', h('span', { class: 'sr-only' }, ` do participante ${n}`)), name),
        h('div', { class: 'field' },
          h('label', { for: photo.id }, 'Foto (URL, opcional)', h('span', { class: 'sr-only' }, ` do participante ${n}`)), photo),
        remove);
    }));
    addButton.disabled = rows.length >= MAX;
    count.textContent = `${rows.length} participantes (de ${MIN} a ${MAX}).`;
  }

  function addRow(focus: boolean): void {
    if (rows.length >= MAX) return;
    rows.push({ name: '', photo: '' });
    syncRows();
    if (focus) (document.getElementById(`cf-name-${rows.length}`) as HTMLInputElement | null)?.focus();
  }

  function removeRow(index: number): void {
    if (rows.length <= MIN) return;
    rows.splice(index, 1);
    syncRows();
    const next = document.getElementById(`cf-name-${Math.min(index + 1, rows.length)}`) as HTMLInputElement | null;
    next?.focus();
  }

  function clearInvalid(el: Element): void {
    el.removeAttribute('aria-invalid');
    const described = (el.getAttribute('aria-describedby') ?? '').replace('cf-error', '').trim();
    if (described) el.setAttribute('aria-describedby', described); else el.removeAttribute('aria-describedby');
  }

  function showError(problem: Problem): void {
    for (const el of form.querySelectorAll('[aria-invalid]')) clearInvalid(el);
    error.replaceChildren(h('p', { class: 'form-error-text' }, problem.message));
    if (problem.detail) error.append(h('p', { class: 'form-error-detail' }, `Resposta do servidor: ${problem.detail}`));
    const id = problem.field
      ?.replace(/^photo_url-/, 'photo-').replace(/^(opens|closes)_at$/, '$1').replace(/^candidates$/, 'name-1');
    const target = id ? form.querySelector<HTMLInputElement>(`#cf-${id}`) : null;
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', `${target.getAttribute('aria-describedby') ?? ''} cf-error`.trim());
      target.focus();
    }
  }

  /** Checks what the browser can check without the server; returns a problem or the body. */
  function read(): Problem | NewPollBody {
    const problem = (message: string, fieldName: string): Problem => ({ message, field: fieldName, detail: null });
    if (!title.value.trim()) return problem('Dê um título ao paredão.', 'title');
    for (const [i, row] of rows.entries()) {
      if (!row.name.trim()) return problem(`Participante ${i + 1}: escreva o nome.`, `name-${i + 1}`);
      const url = row.photo.trim();
      if (url && !/^(https?:\/\/|\/)\S+$/i.test(url)) {
        return problem(`Participante ${i + 1}: o endereço da foto deve começar com https://.`, `photo-${i + 1}`);
      }
    }
    const body: NewPollBody = {
      title: title.value.trim(),
      candidates: rows.map((r) => (r.photo.trim() ? { name: r.name, photo_url: r.photo.trim() } : { name: r.name })),
      show_partial_results: partials.checked,
    };
    if (pollId.value.trim()) body.id = pollId.value.trim();
    for (const [input, key, label] of [[opens, 'opens_at', 'abertura'], [closes, 'closes_at', 'encerramento']] as const) {
      if (!input.value) continue;
      const at = localToRfc3339(input.value);
      if (!at) return problem(`Data e hora de ${label} inválidas.`, key);
      body[key] = at;
    }
    return body;
  }

  async function onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    const body = read();
    if (!('title' in body && 'candidates' in body)) { showError(body); return; }
    submit.disabled = true;
    submit.textContent = 'Criando…';
    error.replaceChildren();
    try {
      onCreated(await client.create(body));
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      if (apiErr.status === 401) { onUnauthorized(); return; }
      showError(describe(apiErr));
    } finally {
      submit.disabled = false;
      submit.textContent = 'Criar paredão';
    }
  }

  const form = h('form', { class: 'create-form', novalidate: true, onsubmit: (e: Event) => void onSubmit(e) },
    field('cf-title', 'Título', title),
    field('cf-id', 'Identificador no endereço (opcional)', pollId,
      'Aparece em /p/identificador. Letras minúsculas, números e hífens. Em branco, o servidor escolhe.'),
    h('fieldset', { class: 'fieldset' },
      h('legend', {}, 'Participantes'),
      count,
      rowList,
      addButton),
    h('fieldset', { class: 'fieldset' },
      h('legend', {}, 'Horários (opcionais)'),
      h('p', { class: 'field-hint', id: 'cf-times-hint' },
        'No seu fuso horário. Em branco, você abre e encerra a votação por aqui.'),
      h('div', { class: 'times' },
        field('cf-opens', 'Abertura', opens),
        field('cf-closes', 'Encerramento', closes))),
    h('div', { class: 'check-field' },
      partials,
      h('label', { for: 'cf-partials' }, 'Mostrar parciais ao público',
        h('span', { class: 'field-hint' }, ' — o público vê as porcentagens depois de votar'))),
    error,
    h('div', { class: 'form-actions' }, submit));
  // Editing the field the error is about clears it: the message no longer describes the form.
  form.addEventListener('input', (e) => {
    const target = e.target as Element;
    if (target.getAttribute('aria-invalid') !== 'true') return;
    clearInvalid(target);
    error.replaceChildren();
  });
  addRow(false);
  addRow(false);
  return form;
}
