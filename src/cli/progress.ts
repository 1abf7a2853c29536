/** One line on stderr, rewritten in place on a terminal, so stdout stays clean for data. */
export function progressLine(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
  else process.stderr.write(`${text}\n`);
}
