/** The end of an instance's command output, made safe and small for the state payload and Slack. */
import { cutText, cutTextStart } from '../commons/text';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * Last `maxLines` non-empty-tail lines, colour codes and control characters removed, each line
 * at most `maxLineChars`, the whole at most `maxChars` (the end is kept: that is where errors are).
 */
export function tailOutput(
  text: string,
  options: { maxLines?: number; maxLineChars?: number; maxChars?: number } = {},
): string {
  const { maxLines = 20, maxLineChars = 240, maxChars = 2000 } = options;
  const lines = text
    .replace(ANSI, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .map((line) => cutText(line, maxLineChars, { ellipsis: '...' }));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const tail = lines.slice(-maxLines).join('\n');
  return cutTextStart(tail, maxChars, { ellipsis: '...' });
}
