import { ANSWER_TYPES, STEP_TYPES, type StepForm } from '../../../services/coordinator/flow-form.js';
import { html, trusted, type Html } from '../../html.js';
import { hasKey, t, type UiLang } from '../../i18n.js';

const typeName = (lang: UiLang, type: string) => {
  const key = `st_${type}`;
  return hasKey(key) ? t(lang, key) : type;
};
const answerName = (lang: UiLang, type: string) => {
  const key = `at_${type}`;
  return hasKey(key) ? t(lang, key) : type;
};
const sel = (on: boolean) => (on ? trusted(' selected') : '');

/** Indonesian and English side by side: two text areas named `<name>.id` and `<name>.en`. */
function pair(lang: UiLang, name: string, legend: string, value: { id: string; en: string }): Html {
  return html`<fieldset class="ff-pair" data-field="${name}"><legend>${legend}</legend>
  <label>${t(lang, 'ff_lang_id')}<textarea name="${name}.id" rows="3" lang="id">${value.id}</textarea></label>
  <label>${t(lang, 'ff_lang_en')}<textarea name="${name}.en" rows="3" lang="en">${value.en}</textarea></label>
</fieldset>`;
}

function targetSelect(lang: UiLang, name: string, steps: string[], current: string, following: boolean): Html {
  return html`<select name="${name}">${following ? html`<option value=""${sel(current === '')}>${t(lang, 'ff_next_following')}</option>` : ''}${steps.map((s) => html`<option value="${s}"${sel(s === current)}>${s}</option>`)}${current !== '' && !steps.includes(current) ? html`<option value="${current}" selected>${current} ⚠</option>` : ''}</select>`;
}

function choiceRow(lang: UiLang, c: { value: string; id: string; en: string }): Html {
  return html`<tr class="ff-choice"><td><input name="choice.value" value="${c.value}" aria-label="${t(lang, 'ff_choice_value')}" pattern="[a-z0-9_]*"></td><td><input name="choice.id" value="${c.id}" lang="id" aria-label="${t(lang, 'ff_lang_id')}"></td><td><input name="choice.en" value="${c.en}" lang="en" aria-label="${t(lang, 'ff_lang_en')}"></td></tr>`;
}

/**
 * The form for one step: a step picker, its texts in both languages side by side, answer type and choices, re-ask
 * texts, where it goes next; buttons to move or delete it and a small form to add a step below. coord.js posts it as JSON.
 */
export function stepFormPanel(lang: UiLang, steps: string[], form: StepForm, message?: { kind: 'ok' | 'error'; text: string }): Html {
  const f = form;
  const others = steps.filter((s) => s !== f.id);
  const isAsk = f.type === 'ask';
  return html`<div class="ff" id="ff" data-step="${f.id}">
<label class="ff-pick">${t(lang, 'ff_pick_step')} <select id="ff-step">${steps.map((s) => html`<option value="${s}"${sel(s === f.id)}>${s}</option>`)}</select></label>
${message ? html`<p class="flash ${message.kind}" id="ff-message">${message.text}</p>` : ''}
<form id="ff-form" class="ff-form" data-step="${f.id}" data-type="${f.type}">
  <h3>${t(lang, 'ff_step_heading', { id: f.id, type: typeName(lang, f.type) })}</h3>
  ${f.text ? pair(lang, 'text', t(lang, 'ff_text'), f.text) : ''}
  ${isAsk
    ? html`<label>${t(lang, 'ff_answer_type')} <select name="answerType">${ANSWER_TYPES.map((a) => html`<option value="${a}"${sel(a === f.answerType)}>${answerName(lang, a)}</option>`)}</select></label>`
    : ''}
  ${isAsk && f.answerType === 'choice'
    ? html`<fieldset class="ff-choices"><legend>${t(lang, 'ff_choices')}</legend>
  <table><thead><tr><th>${t(lang, 'ff_choice_value')}</th><th>${t(lang, 'ff_lang_id')}</th><th>${t(lang, 'ff_lang_en')}</th></tr></thead>
  <tbody id="ff-choice-rows">${f.choices.map((c) => choiceRow(lang, c))}</tbody></table>
  <template id="ff-choice-template">${choiceRow(lang, { value: '', id: '', en: '' })}</template>
  <button type="button" id="ff-add-choice" class="small-btn">${t(lang, 'ff_add_choice')}</button> <span class="muted small">${t(lang, 'ff_choice_hint')}</span>
</fieldset>`
    : ''}
  ${f.reask ? pair(lang, 'reask', t(lang, 'ff_reask'), f.reask) : ''}
  ${f.collect
    ? html`${pair(lang, 'intro', t(lang, 'ff_intro_text'), f.collect.intro)}${pair(lang, 'more', t(lang, 'ff_more_text'), f.collect.more)}${pair(lang, 'item_done', t(lang, 'ff_item_done_text'), f.collect.item_done)}`
    : ''}
  ${f.type === 'branch'
    ? html`<ol class="ff-cases">${f.cases.map((c, k) => html`<li>${t(lang, 'ff_case_when')} <code>${c.when}</code> → ${targetSelect(lang, `case.${k}`, others, c.next, false)}</li>`)}</ol>
<label>${t(lang, 'ff_default')} ${targetSelect(lang, 'defaultNext', others, f.defaultNext, false)}</label>`
    : f.type !== 'end'
      ? html`<label>${t(lang, 'ff_next')} ${targetSelect(lang, 'next', others, f.next, true)}</label>`
      : ''}
  <p class="muted small">${t(lang, 'ff_other_fields')}</p>
  <div class="actions"><button type="submit" class="primary" id="ff-apply">${t(lang, 'ff_apply')}</button>
  <button type="button" class="small-btn" data-ff-move="-1">${t(lang, 'ff_move_up')}</button>
  <button type="button" class="small-btn" data-ff-move="1">${t(lang, 'ff_move_down')}</button>
  <button type="button" class="small-btn danger" id="ff-delete" data-confirm="${t(lang, 'ff_delete_confirm', { id: f.id })}">${t(lang, 'ff_delete')}</button></div>
</form>
<form id="ff-add" class="ff-add grid-form"><h4>${t(lang, 'ff_add_heading')}</h4>
  <label>${t(lang, 'ff_new_id')}<input name="new_step" pattern="[a-z][a-z0-9_]*" required></label>
  <label>${t(lang, 'ff_new_type')}<select name="new_type">${STEP_TYPES.map((s) => html`<option value="${s}"${sel(s === 'ask')}>${typeName(lang, s)}</option>`)}</select></label>
  <button type="submit">${t(lang, 'ff_add')}</button>
</form>
</div>`;
}
