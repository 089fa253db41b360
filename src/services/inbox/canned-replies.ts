import type { CannedReplies } from '../../domain/canned-replies.js';

/** Replies every tracer needs on day one, in both languages; a deployment may pass its own. */
export const DEFAULT_CANNED_REPLIES: CannedReplies = {
  id: [
    { title: 'Salam', text: 'Halo, saya petugas pelacakan kontak dari Dinas Kesehatan. Saya akan membantu Anda melanjutkan wawancara.' },
    { title: 'Minta waktu', text: 'Terima kasih. Mohon tunggu sebentar, saya sedang memeriksa data Anda.' },
    { title: 'Telepon', text: 'Apakah Anda bersedia kami telepon di nomor ini untuk melanjutkan wawancara? Kapan waktu yang nyaman?' },
    { title: 'Isolasi', text: 'Mohon tetap isolasi mandiri di rumah dan hubungi fasilitas kesehatan terdekat bila sesak napas.' },
    { title: 'Kembali ke bot', text: 'Terima kasih. Asisten otomatis kami akan melanjutkan beberapa pertanyaan berikutnya.' },
    { title: 'Penutup', text: 'Terima kasih atas waktu dan bantuan Anda. Semoga lekas sembuh.' },
  ],
  en: [
    { title: 'Greeting', text: 'Hello, I am a contact tracer from the health office. I will help you continue the interview.' },
    { title: 'One moment', text: 'Thank you. Please wait a moment while I check your details.' },
    { title: 'Phone call', text: 'May we call you on this number to continue the interview? When would suit you?' },
    { title: 'Isolation', text: 'Please stay isolated at home and contact the nearest health facility if you have trouble breathing.' },
    { title: 'Back to the bot', text: 'Thank you. Our automated assistant will continue with the next few questions.' },
    { title: 'Closing', text: 'Thank you for your time and help. Get well soon.' },
  ],
};
