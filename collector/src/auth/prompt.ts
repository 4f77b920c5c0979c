/**
 * A password from the terminal (not echoed, asked twice) or, when standard input
 * is not a terminal, its first line: never from the command line, where other
 * local users could read it in the process list.
 */
export async function readPassword(label: string, confirm = true): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return firstLine();
  const pw = await hidden(`${label}: `);
  if (confirm && (await hidden('Again: ')) !== pw) throw new Error('the two passwords differ');
  return pw;
}

function firstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => { process.stdin.off('data', onData); process.stdin.pause(); resolve(text.split(/\r?\n/)[0] ?? ''); };
    const onData = (c: Buffer) => { text += c.toString('utf8'); if (text.includes('\n') || text.length > 4096) done(); };
    process.stdin.on('data', onData);
    process.stdin.once('end', done);
    process.stdin.once('error', reject);
  });
}

function hidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let pw = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err); else resolve(pw);
    };
    const onData = (c: Buffer) => {
      for (const ch of c.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') pw = pw.slice(0, -1);
        else if (ch >= ' ') pw += ch;
      }
    };
    stdin.on('data', onData);
  });
}
