// Texts of the inbox on a phone and on a keyboard: queue cards, search, unread counts, shortcuts, take over.
// Registered in src/web/i18n.ts.

/** English: the reference, its keys are the type. */
export const inboxMobileEn = {
  search_label: 'Search chats',
  search_placeholder: 'Name, phone or case number',
  search_go: 'Search',
  search_clear: 'Clear',
  search_none: 'No chat matches “{q}”.',
  unread_title: '{n} patient messages you have not seen',
  preview_out: 'Sent: ',
  preview_media: '(photo or file)',
  preview_location: '(location)',
  preview_contacts: '(contact card)',
  preview_start: '(opened the start link)',
  preview_other: '(message)',
  shortcuts_title: 'Keyboard',
  shortcuts_queue: 'j / k: next or previous chat · Enter: open · n: take the next chat · /: search',
  shortcuts_chat: 'c: claim · r: reply · e: resolve · n: take the next chat · Esc: back to the queue',
  take_over_other: 'Take over from {name}',
  took_over_ok: 'You have taken over this chat. The tracer who held it was recorded in the audit log.',
} as const;

/** Bahasa Indonesia. */
export const inboxMobileId: Record<keyof typeof inboxMobileEn, string> = {
  search_label: 'Cari obrolan',
  search_placeholder: 'Nama, telepon atau nomor kasus',
  search_go: 'Cari',
  search_clear: 'Hapus',
  search_none: 'Tidak ada obrolan yang cocok dengan “{q}”.',
  unread_title: '{n} pesan pasien yang belum Anda lihat',
  preview_out: 'Terkirim: ',
  preview_media: '(foto atau berkas)',
  preview_location: '(lokasi)',
  preview_contacts: '(kartu kontak)',
  preview_start: '(membuka tautan awal)',
  preview_other: '(pesan)',
  shortcuts_title: 'Papan ketik',
  shortcuts_queue: 'j / k: obrolan berikut atau sebelumnya · Enter: buka · n: ambil obrolan berikutnya · /: cari',
  shortcuts_chat: 'c: ambil · r: balas · e: selesaikan · n: ambil obrolan berikutnya · Esc: kembali ke antrean',
  take_over_other: 'Ambil alih dari {name}',
  took_over_ok: 'Anda telah mengambil alih obrolan ini. Petugas yang memegangnya tercatat di log audit.',
};
