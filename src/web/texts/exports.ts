// Texts of the exports for spreadsheets and of the import's problem rows. Registered in src/web/i18n.ts.

/** English: the reference, its keys are the type. */
export const exportsEn = {
  exports_excel: 'For Excel (Indonesian settings: ; between columns):',
  exports_times_note: 'Times are in {tz} with their offset (e.g. +07:00).',
  export_bad_date: 'The export was not made: “{value}” is not a date (use YYYY-MM-DD).',
  export_bad_range: 'The export was not made: the range starts ({from}) after it ends ({to}).',
  import_problems_download: 'Download the rows with problems (CSV) to fix and import again',
  import_problem_column: 'problem',
} as const;

/** Bahasa Indonesia. */
export const exportsId: Record<keyof typeof exportsEn, string> = {
  exports_excel: 'Untuk Excel (pengaturan Indonesia: ; di antara kolom):',
  exports_times_note: 'Waktu dalam zona {tz} beserta selisihnya (mis. +07:00).',
  export_bad_date: 'Ekspor tidak dibuat: “{value}” bukan tanggal (gunakan TTTT-BB-HH).',
  export_bad_range: 'Ekspor tidak dibuat: rentang dimulai ({from}) setelah berakhir ({to}).',
  import_problems_download: 'Unduh baris yang bermasalah (CSV) untuk diperbaiki dan diimpor lagi',
  import_problem_column: 'masalah',
};
