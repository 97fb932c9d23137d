/** Character folding shared by the name and country normalisers: case, accents, ligatures, "&". */

/** Letters that Unicode decomposition does not reduce to ASCII. */
const foldedLetters: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŀ: 'l',
  ĸ: 'k',
};

/** Lower case, accents and ligatures folded, "&" and "+" read as "and". */
export function foldCharacters(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıŀĸ]/g, (letter) => foldedLetters[letter] ?? letter)
    .replace(/[&+]/g, ' and ');
}
