/** Texts of the consent records (issue 17) and the patient phone's "play a case" list. English is the reference. */
export const consentEn = {
  consent_title: 'Consent',
  consent_none: 'No consent answer recorded yet.',
  consent_given: 'Consent given',
  consent_declined: 'Declined',
  consent_when: 'When',
  consent_flow: 'Flow version',
  consent_text_shown: 'Text shown',
  consent_declined_note: 'After a decline only the case, that they declined and when are kept; the answers and texts typed before were removed.',
  play_case_title: 'Play a case',
  play_case_intro: 'Cases with a phone number (development only). Open one to be that person: the bot first asks for the date of birth or the case number shown here.',
  play_case: 'Play',
  play_case_none: 'No case with a phone number yet: import one under /coord/cases/import or run "npm run cli -- demo".',
};

/** Bahasa Indonesia. */
export const consentId: Record<keyof typeof consentEn, string> = {
  consent_title: 'Persetujuan',
  consent_none: 'Belum ada jawaban persetujuan.',
  consent_given: 'Setuju',
  consent_declined: 'Menolak',
  consent_when: 'Waktu',
  consent_flow: 'Versi alur',
  consent_text_shown: 'Teks yang ditampilkan',
  consent_declined_note: 'Setelah menolak, yang disimpan hanya kasusnya, bahwa ia menolak, dan waktunya; jawaban dan teks yang diketik sebelumnya sudah dihapus.',
  play_case_title: 'Mainkan kasus',
  play_case_intro: 'Kasus yang punya nomor HP (hanya untuk pengembangan). Buka salah satu untuk berperan sebagai orang itu: bot akan menanyakan tanggal lahir atau nomor kasus yang tertera di sini.',
  play_case: 'Mainkan',
  play_case_none: 'Belum ada kasus dengan nomor HP: impor di /coord/cases/import atau jalankan "npm run cli -- demo".',
};
