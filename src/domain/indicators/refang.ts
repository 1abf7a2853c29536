// Advisories and tickets "defang" network indicators so nobody clicks them: hxxp://evil[.]example.
// Refanging restores the live spelling; it is applied only to values that are network locators.

const DEFANGINGS: readonly (readonly [RegExp, string])[] = [
  [/\bhxxp(s?)(?=\[?:)/gi, 'http$1'],
  [/\[:\/\/\]/g, '://'],
  [/\[:\]/g, ':'],
  [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.'],
  [/\[@\]|\[at\]|\(at\)/gi, '@'],
];

// The same markers, to tell whether a piece of text was defanged on purpose.
const DEFANGED = /\bhxxps?\[?:|\[:\/\/\]|\[:\]|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[@\]|\[at\]|\(at\)/i;

export function refang(text: string): string {
  // Repeated until nothing changes, so that "[[.]]" does not come out as "[.]" and refanging is idempotent.
  let previous: string;
  let result = text;
  do {
    previous = result;
    result = DEFANGINGS.reduce((current, [pattern, live]) => current.replace(pattern, live), previous);
  } while (result !== previous);
  return result;
}

export function isDefanged(text: string): boolean {
  return DEFANGED.test(text);
}
