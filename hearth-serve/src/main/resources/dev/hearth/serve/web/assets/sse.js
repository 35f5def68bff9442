// Server-sent events from a fetch response's body, as the HTML standard parses them: lines end
// in CRLF, LF or CR; a blank line ends an event; "data:" lines are joined with newlines; comment
// lines (":") and other fields are ignored. The browser's EventSource cannot POST, hence this.

/** Yields the data of each event in `body` (a ReadableStream of bytes), in order. */
export async function* sseData(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = ''; // text after the last complete line
  let data = null; // the data lines of the event being read
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return; // an event without its blank line is incomplete, and dropped
      }
      pending += value;
      // A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
      const cut = pending.endsWith('\r') ? pending.length - 1 : pending.length;
      const lines = pending.slice(0, cut).split(/\r\n|\n|\r/);
      pending = lines.pop() + pending.slice(cut);
      for (const line of lines) {
        if (line === '') {
          if (data !== null) {
            yield data.join('\n');
          }
          data = null;
        } else if (line.startsWith('data:')) {
          (data ??= []).push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}
