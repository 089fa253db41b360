/** Texts for the newcomer fixes (issue 14): flow-file conflicts, the all-conversations list, answers, duplicates, start-up. */
export const newcomerEn = {
  flow_conflict_title: 'The file and the web editor both changed',
  flow_conflict_body:
    'The file {file} changed on the server after version {live} was published here. Version {live} stays live. Publish the file to use its text instead, or download version {live} and save it over the file to keep the web version.',
  flow_conflict_publish_file: 'Publish the file {file}',
  flow_conflict_download: 'Download version {live}',
  flow_file_published: 'The file was published as version {v}.',
  flow_file_missing: 'That file is no longer in the flows folder.',
} as const;

export const newcomerId: Record<keyof typeof newcomerEn, string> = {
  flow_conflict_title: 'Berkas dan editor web sama-sama berubah',
  flow_conflict_body:
    'Berkas {file} berubah di server setelah versi {live} diterbitkan di sini. Versi {live} tetap aktif. Terbitkan berkas itu untuk memakai teksnya, atau unduh versi {live} dan simpan menimpa berkas itu untuk mempertahankan versi web.',
  flow_conflict_publish_file: 'Terbitkan berkas {file}',
  flow_conflict_download: 'Unduh versi {live}',
  flow_file_published: 'Berkas diterbitkan sebagai versi {v}.',
  flow_file_missing: 'Berkas itu sudah tidak ada di folder alur.',
};
