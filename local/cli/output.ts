/**
 * Where the CLI writes, and colour only when the stream is a terminal (and NO_COLOR is unset).
 * Commands write through an Output so tests can capture what a user would see.
 */
import { styleText } from 'node:util';

type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'gray' | 'bold' | 'dim';

export interface Output {
  /** Writes one line (a newline is added). */
  line(text?: string): void;
  /** Writes one line to the error stream. */
  error(text: string): void;
  /** Colours text when colour is on; plain otherwise. */
  paint(style: Style, text: string): string;
  readonly color: boolean;
}

/** Whether to colour a stream: a TTY, and neither NO_COLOR nor a dumb terminal. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

const guarded = new WeakSet<NodeJS.EventEmitter>();

/**
 * A reader that went away (`deployctl ls | head`) ends the command quietly with status 0, as Unix
 * tools do, instead of Node's unhandled EPIPE stack trace; any other stream error still throws.
 */
export function quietOnClosedPipe(
  stream: NodeJS.EventEmitter,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(0);
  });
}

/** The process's stdout / stderr. */
export function processOutput(color = wantsColor(process.stdout)): Output {
  quietOnClosedPipe(process.stdout);
  return {
    color,
    line: (text = '') => void process.stdout.write(`${text}\n`),
    error: (text) => void process.stderr.write(`${text}\n`),
    paint: (style, text) => (color ? styleText(style, text, { validateStream: false }) : text),
  };
}

/** An Output that keeps every line (tests, and the demo's captured timelines). */
export function memoryOutput(): Output & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    color: false,
    lines,
    errors,
    line: (text = '') => void lines.push(text),
    error: (text) => void errors.push(text),
    paint: (_style, text) => text,
    text: () => lines.join('\n'),
  };
}
