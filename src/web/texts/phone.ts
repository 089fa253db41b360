/** Texts of the patient-phone page (fake channel) added with issue 16: contacts' chats addressed by their phone. */
export const phoneEn = {
  phone_other_chats: 'Other chats on this test phone (a contact the bot wrote to is listed by their number):',
};

/** Bahasa Indonesia texts of the patient-phone page (issue 16). */
export const phoneId: Record<keyof typeof phoneEn, string> = {
  phone_other_chats: 'Chat lain di ponsel uji ini (kontak yang dihubungi bot tercantum dengan nomornya):',
};
