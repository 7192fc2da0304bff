/**
 * Word-ish tokens for the offline assistant: each token is a word with the whitespace after it,
 * so joining the tokens gives back the text exactly.
 */
export function splitIntoTokens(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\s)(?=\S)/);
}

export function countTokens(text: string): number {
  return splitIntoTokens(text).length;
}
