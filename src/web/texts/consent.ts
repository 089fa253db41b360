/** Texts of the consent records (issue 17) and of playing a case on the patient phone (issue 14). English is the reference. */
export const consentEn = {
  consent_title: 'Consent',
  consent_none: 'No consent answer recorded yet.',
  consent_given: 'Consent given',
  consent_declined: 'Declined',
  consent_when: 'When',
  consent_flow: 'Flow version',
  consent_text_shown: 'Text shown',
  consent_declined_note: 'After a decline only the case, that they declined and when are kept; the answers and texts typed before were removed.',
  play_sample: 'Play a sample case',
  play_sample_intro: 'Development: create a sample case ({name}) and be that person here. The bot first asks for the date of birth: type {dob}.',
  play_on_phone: 'Play this case on /phone',
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
  play_sample: 'Mainkan kasus contoh',
  play_sample_intro: 'Pengembangan: buat kasus contoh ({name}) dan berperan sebagai orang itu di sini. Bot pertama-tama menanyakan tanggal lahir: ketik {dob}.',
  play_on_phone: 'Mainkan kasus ini di /phone',
};
