import { Writable } from 'node:stream';

/** A writable that keeps what was written, standing in for stdout/stderr in CLI tests. */
export function captureStream(): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  stream.text = () => chunks.join('');
  return stream;
}
