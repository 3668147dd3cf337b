import { tailOutput } from '../../functions/ssm-deploy/output-tail';

describe('tailOutput', () => {
  test('keeps the last 20 lines and drops trailing blank lines', () => {
    const text = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n\n\n`;
    const tail = tailOutput(text).split('\n');
    expect(tail).toHaveLength(20);
    expect(tail[0]).toBe('line 10');
    expect(tail[19]).toBe('line 29');
  });

  test('removes colour codes, carriage returns and control characters', () => {
    expect(tailOutput('\u001b[1;32mOK\u001b[0m\r\nprogress 10%\rprogress 100%\u0007\n')).toBe(
      'OK\nprogress 10%\nprogress 100%',
    );
  });

  test('bounds long lines and the whole, keeping the end', () => {
    const long = 'x'.repeat(1000);
    expect(tailOutput(long)).toHaveLength(240);
    const many = Array.from({ length: 20 }, (_, i) => `${i}:${'y'.repeat(200)}`).join('\n');
    const tail = tailOutput(many, { maxChars: 500 });
    expect(tail).toHaveLength(500);
    expect(tail.startsWith('...')).toBe(true);
    expect(tail.endsWith('y')).toBe(true);
  });

  test('empty output stays empty', () => {
    expect(tailOutput('')).toBe('');
    expect(tailOutput('\n\n')).toBe('');
  });
});
