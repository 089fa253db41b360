import type { FileIssue, ImportField, ImportProblem, PreviewRow } from '../../../services/coordinator/index.js';
import { t, type UiLang } from '../../i18n.js';

const fieldName = (lang: UiLang, f: ImportField) => t(lang, `field_${f}`);

/** A row's import problem in the reader's language, quoting the cell as written. */
export function importProblemText(lang: UiLang, p: ImportProblem, row: Pick<PreviewRow, 'values' | 'line'>): string {
  const field = p.field === 'row' ? t(lang, 'whole_row') : fieldName(lang, p.field);
  const value = p.field === 'row' ? '' : (row.values[p.field] ?? '');
  switch (p.code) {
    case 'missing':
      return t(lang, 'imp_missing', { field });
    case 'too_long':
      return t(lang, 'imp_too_long', { field, max: 64 });
    case 'bad_phone':
      return t(lang, 'imp_bad_phone', { value });
    case 'bad_date':
      return t(lang, p.field === 'confirmedAt' ? 'imp_bad_datetime' : 'imp_bad_date', { field, value });
    case 'future_date':
      return t(lang, 'imp_future_date', { field, value });
    case 'bad_language':
      return t(lang, 'imp_bad_language', { value });
    case 'duplicate_in_db':
      return t(lang, 'imp_duplicate_in_db', { value });
    case 'duplicate_in_file':
      return t(lang, 'imp_duplicate_in_file', { value, line: p.params?.otherLine ?? '?' });
    case 'malformed':
      if (p.params?.fields !== undefined) return t(lang, 'imp_field_count', { n: p.params.fields, expected: p.params.expected ?? '?', sep: p.params.delimiter ?? ',' });
      return p.field === 'row' ? t(lang, 'imp_unreadable') : t(lang, 'imp_invalid', { field });
  }
}

/** A problem with the whole file in the reader's language. */
export function fileIssueText(lang: UiLang, issue: FileIssue): string {
  switch (issue.code) {
    case 'empty':
      return t(lang, 'imp_file_empty');
    case 'no_header':
      return t(lang, 'imp_no_header');
    case 'repeated_column':
      return t(lang, 'imp_repeated_column', { header: issue.header, field: fieldName(lang, issue.field) });
    case 'no_column':
      return t(lang, 'imp_no_column', { field: fieldName(lang, issue.field), aliases: issue.aliases.join(', ') });
  }
}
