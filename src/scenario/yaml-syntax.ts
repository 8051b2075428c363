// Why: the YAML parser reports some mistakes where it noticed them, not where they are, and in
// its own words: an unclosed quote at the end of the file, a key indented one space too far as
// "nested mappings are not allowed in compact mappings" on the line before, and deep nesting as
// a stack overflow. These scans of the raw text find the place a person has to edit.

/** Deeper than this, a scenario is not a scenario (they need about 6 levels). */
export const MAX_NESTING = 64;

export interface TextProblem {
  offset: number;
  /** The field path, when the scan knows it better than the text's indentation says. */
  path?: string;
  message: string;
  hint: string;
}

/**
 * Flow collections (`[`, `{`) nested deeper than MAX_NESTING, reported at the outermost one of
 * that nest (where the value starts), or null. Quotes and comments are skipped.
 */
export function tooDeep(text: string): TextProblem | null {
  const open: number[] = [];
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) {
      quote = c;
    } else if (c === '[' || c === '{') {
      open.push(i);
      if (open.length > MAX_NESTING) {
        return { offset: open[0]!, message: `nested more than ${MAX_NESTING} levels deep`, hint: 'a scenario needs a few levels of nesting; check for unbalanced [ or {' };
      }
    } else if (c === ']' || c === '}') {
      open.pop();
    }
  }
  return null;
}

/**
 * Where the quoted scalar that never closes opens. The parser only notices at the end of the
 * file (or of the flow collection), so this walks the text the same way and remembers the start.
 */
export function unclosedQuote(text: string): TextProblem | null {
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote && quote === "'" && text[i + 1] === "'") i++; // '' is an escaped quote
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:-]/.test(text[i - 1]!))) {
      quote = c;
      start = i;
    }
  }
  if (quote === null) return null;
  return { offset: start, message: `this ${quote === '"' ? 'double' : 'single'}-quoted value is never closed`, hint: `add the closing ${quote} on this line` };
}

/**
 * The line after `offset`'s line whose key is indented further than the key on that line —
 * the usual cause of "nested mappings are not allowed in compact mappings" — or null.
 */
export function overIndentedKey(text: string, offset: number): TextProblem | null {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) return null;
  const indent = (line: string) => line.length - line.trimStart().length;
  const keyLine = text.slice(lineStart, lineEnd);
  const keyIndent = indent(keyLine.replace(/^(\s*)-\s/, '$1  '));
  let at = lineEnd + 1;
  for (const line of text.slice(at).split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) {
      if (indent(line) <= keyIndent || !/^[^\s#][^:#]*:(\s|$)/.test(trimmed)) return null;
      // The key meant to be a sibling of the one above: give it that key's parent path.
      const sibling = keyPathAt(text, offset);
      const key = trimmed.slice(0, trimmed.indexOf(':')).trim();
      return {
        offset: at + indent(line),
        path: sibling.includes('.') || sibling.includes('[') ? sibling.replace(/[^.\]]+$/, key) : key,
        message: `this key is indented ${indent(line)} spaces, more than the key above it (${keyIndent})`,
        hint: 'keys of one map must start in the same column; to nest a map, end the key above with ":" and no value',
      };
    }
    at += line.length + 1;
  }
  return null;
}

/**
 * The field path of the block-style key on the line holding `offset` (e.g. `load.rate`,
 * `faults[1].at`), read from indentation, for syntax errors the parser gives no path for.
 * Empty when the line holds no key (flow collections, the top of the file).
 */
export function keyPathAt(text: string, offset: number): string {
  const lines = text.slice(0, text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset)).split('\n');
  const parts: string[] = [];
  let limit = Number.POSITIVE_INFINITY;
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^(\s*)((?:-\s+)*)([^\s#'"[{][^:#]*?):(\s|$)/.exec(lines[i]!) ?? /^(\s*)((?:-\s+)+)/.exec(lines[i]!);
    if (match === null) continue;
    const keyColumn = match[1]!.length + match[2]!.length;
    const itemColumn = match[1]!.length;
    if (match[3] !== undefined && keyColumn < limit) {
      parts.unshift(match[3].trim());
      limit = keyColumn;
    }
    if (match[2] !== '' && itemColumn < limit + (match[3] !== undefined ? 1 : 0)) {
      // A list item: its index is the count of earlier items at the same column in this list.
      let index = 0;
      for (let j = i - 1; j >= 0; j--) {
        const line = lines[j]!;
        const indent = line.length - line.trimStart().length;
        if (line.trim() === '' || line.trimStart().startsWith('#') || indent > itemColumn) continue;
        if (indent < itemColumn || !line.trimStart().startsWith('-')) break;
        index++;
      }
      if (parts.length > 0) parts[0] = `[${index}].${parts[0]}`;
      else parts.unshift(`[${index}]`);
      limit = itemColumn;
    }
  }
  return parts.join('.').replace(/\.\[/g, '[');
}
