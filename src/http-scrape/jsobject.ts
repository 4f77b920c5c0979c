/**
 * Some printers (Samsung SyncThru) serve JavaScript object literals as ".json":
 * unquoted keys, single quotes, trailing commas, comments. This rewrites such text
 * into JSON and parses it. It never evaluates anything.
 */

export function parseJsObject(text: string): unknown {
  let out = '';
  let i = 0;
  const n = text.length;
  const isIdStart = (c: string) => /[A-Za-z_$]/.test(c);
  const isId = (c: string) => /[A-Za-z0-9_$]/.test(c);
  while (i < n) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // Copy a string, re-quoted with double quotes.
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < n) { s += text[j]! + text[j + 1]!; j += 2; continue; }
        s += text[j] === '"' ? '\\"' : text[j] === '\n' ? '\\n' : text[j] === '\r' ? '' : text[j] === '\t' ? '\\t' : text[j]!;
        j++;
      }
      if (j >= n) throw new SyntaxError('unterminated string');
      // \' is valid JS but not JSON
      out += '"' + s.replace(/\\'/g, "'") + '"';
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError('unterminated comment');
      i = end + 2;
    } else if (isIdStart(c)) {
      let j = i;
      while (j < n && isId(text[j]!)) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < n && /\s/.test(text[k]!)) k++;
      if (text[k] === ':') out += JSON.stringify(word);
      else if (word === 'true' || word === 'false' || word === 'null') out += word;
      else throw new SyntaxError(`unexpected word "${word.slice(0, 20)}"`);
      i = j;
    } else if (c === ',') {
      let k = i + 1;
      for (;;) {
        while (k < n && /\s/.test(text[k]!)) k++;
        if (text.startsWith('//', k)) { while (k < n && text[k] !== '\n') k++; continue; }
        if (text.startsWith('/*', k)) { const e = text.indexOf('*/', k + 2); k = e < 0 ? n : e + 2; continue; }
        break;
      }
      if (text[k] !== '}' && text[k] !== ']') out += c; // drop trailing commas
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}
