/** Today's names, which ICU lists under older ones (Asia/Calcutta, Europe/Kiev...), an old one, and UTC's aliases. */
export const currentZoneNames = [
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Ho_Chi_Minh',
  'Europe/Kyiv',
  'America/Nuuk',
  'Etc/UTC',
  'UTC',
  'Asia/Calcutta',
];
