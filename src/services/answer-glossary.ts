import type { AnswerSpec, FlowDefinition, LocalizedText } from '../flow/definition.js';

/** What a flow says about one answer key: the question that asks it, its choices, and for a list the fields of an item. */
export interface AnswerInfo {
  question: LocalizedText;
  type: AnswerSpec['type'] | 'list';
  choices: Map<string, LocalizedText>;
  fields: Map<string, AnswerInfo>;
}

function infoOf(question: LocalizedText, answer: AnswerSpec): AnswerInfo {
  const choices = new Map(answer.type === 'choice' ? answer.choices.map((c) => [c.value, c.label] as const) : []);
  return { question, type: answer.type, choices, fields: new Map() };
}

/**
 * The answer keys of the given flows (newest first wins), so pages can show a saved answer with the words the patient
 * saw instead of its key and stored value (`has_symptoms: true`, `setting: household`).
 */
export function answerGlossary(flows: FlowDefinition[]): Map<string, AnswerInfo> {
  const out = new Map<string, AnswerInfo>();
  for (const flow of flows) {
    for (const step of flow.steps) {
      if (step.type === 'ask') {
        const key = step.save_as ?? step.id;
        if (!out.has(key)) out.set(key, infoOf(step.text, step.answer));
      } else if (step.type === 'collect') {
        const key = step.save_as ?? step.id;
        if (out.has(key)) continue;
        const fields = new Map(step.questions.map((q) => [q.id, infoOf(q.text, q.answer)] as const));
        out.set(key, { question: step.intro ?? step.more, type: 'list', choices: new Map(), fields });
      }
    }
  }
  return out;
}
