// Markdown to HTML for model answers, safe by construction: every piece of the source is
// HTML-escaped before it reaches the output, and the only markup added is a fixed set of tags.
// Links keep only http and https targets; anything else stays text. No inline styles (the page's
// Content-Security-Policy forbids them): table alignment is a class.
//
// Blocks: ATX headings, paragraphs (a newline is a line break, as chat answers expect), fenced
// code with a language label and a copy button (an unclosed fence, as while an answer streams,
// runs to the end), bullet and numbered lists (nested by indentation), block quotes, tables,
// thematic breaks. Inline: code spans, links, bold, italic, strikethrough, backslash escapes.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The text with every character that means something in HTML replaced by its entity. */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_DELIMITER = /^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** The HTML for a Markdown text. */
export function renderMarkdown(source) {
  // NUL marks the placeholders of inline rendering, so none may come from the source.
  const lines = source.replace(/\u0000/g, '\uFFFD').replace(/\r\n?/g, '\n').split('\n');
  return blocks(lines);
}

function blocks(lines) {
  let html = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const close = new RegExp('^ {0,3}' + m[1][0] + '{' + m[1].length + ',}\\s*$');
      const body = [];
      for (i++; i < lines.length && !close.test(lines[i]); i++) {
        body.push(lines[i]);
      }
      i++; // the closing fence, or past the end
      html += codeBlock(m[2], body.join('\n'));
    } else if ((m = HEADING.exec(line))) {
      const level = m[1].length;
      html += `<h${level}>${inline(m[2] ?? '')}</h${level}>`;
      i++;
    } else if (RULE.test(line)) {
      html += '<hr>';
      i++;
    } else if (QUOTE.test(line)) {
      const body = [];
      for (; i < lines.length && (m = QUOTE.exec(lines[i])); i++) {
        body.push(m[1]);
      }
      html += `<blockquote>${blocks(body)}</blockquote>`;
    } else if (ITEM.test(line)) {
      i = list(lines, i, (out) => { html += out; });
    } else if (line.includes('|') && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1])
        && lines[i + 1].includes('-')) {
      i = table(lines, i, (out) => { html += out; });
    } else {
      const body = [];
      for (; i < lines.length && lines[i].trim() && !startsBlock(lines[i]); i++) {
        body.push(lines[i].trim());
      }
      html += `<p>${body.map(inline).join('<br>')}</p>`;
    }
  }
  return html;
}

/** Whether a line interrupts a paragraph. */
function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function codeBlock(language, code) {
  const label = language ? escapeHtml(language) : 'text';
  return '<div class="code-block"><div class="code-bar">'
      + `<span class="code-language">${label}</span>`
      + '<button type="button" class="copy" aria-label="Copy code">Copy</button></div>'
      + `<pre><code>${escapeHtml(code)}</code></pre></div>`;
}

/**
 * A list starting at lines[start]: its items, each up to the next marker of the same indentation.
 * An item's further lines (and nested lists) are those indented past the marker, or plain lines
 * that continue its text. Emits the HTML and returns the index after the list.
 */
function list(lines, start, emit) {
  const first = ITEM.exec(lines[start]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) {
      break;
    }
    const width = indent + m[2].length + 1;
    const body = [m[3] ?? ''];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      const lead = line.length - line.trimStart().length;
      if (!line.trim()) {
        const next = lines.slice(i + 1).find((l) => l.trim());
        if (next === undefined || next.length - next.trimStart().length < width) {
          break; // a blank line, then something not indented under this item
        }
        body.push('');
      } else if (lead >= width || (lead > indent && ITEM.test(line))) {
        body.push(line.slice(Math.min(lead, width)));
      } else if (!startsBlock(line) && body[body.length - 1].trim()) {
        body.push(line.trim()); // a lazy continuation of the item's text
      } else {
        break;
      }
    }
    items.push(body);
    while (i < lines.length && !lines[i].trim()) {
      i++; // blank lines between items
    }
  }
  const tag = ordered ? 'ol' : 'ul';
  const number = ordered ? parseInt(first[2], 10) : 1;
  const startAttribute = number !== 1 ? ` start="${number}"` : '';
  emit(`<${tag}${startAttribute}>${items.map((body) => `<li>${blocks(body)}</li>`).join('')}</${tag}>`);
  return i;
}

/** A table: a header row, the delimiter row (alignments), then rows up to a line without a bar. */
function table(lines, start, emit) {
  const header = cells(lines[start]);
  const alignments = cells(lines[start + 1]).map((cell) => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
  });
  const cell = (tag, text, column) => {
    const align = alignments[column] ? ` class="align-${alignments[column]}"` : '';
    return `<${tag}${align}>${inline(text)}</${tag}>`;
  };
  let i = start + 2;
  let body = '';
  for (; i < lines.length && lines[i].includes('|') && lines[i].trim(); i++) {
    const row = cells(lines[i]);
    body += `<tr>${header.map((_, c) => cell('td', row[c] ?? '', c)).join('')}</tr>`;
  }
  emit(`<div class="table"><table><thead><tr>${header.map((text, c) => cell('th', text, c)).join('')}</tr></thead>`
      + `<tbody>${body}</tbody></table></div>`);
  return i;
}

/** A table row's cells, without the outer bars; {@code \|} is a bar inside a cell. */
function cells(row) {
  let text = row.trim();
  if (text.startsWith('|')) {
    text = text.slice(1);
  }
  if (text.endsWith('|') && !text.endsWith('\\|')) {
    text = text.slice(0, -1);
  }
  return text.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/**
 * Inline Markdown. Code spans, escaped characters and links become numbered placeholders
 * (NUL, number, NUL) before the rest is escaped and emphasis applied, so emphasis never reaches
 * into code or a link's address; the placeholders are then replaced by their HTML.
 */
function inline(text) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let s = text
      .replace(/(?<!`)(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, ticks, code) => hold(`<code>${escapeHtml(code.trim() || code)}</code>`))
      .replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, (_, c) => hold(escapeHtml(c)));
  s = s.replace(/\[([^\]]*)\]\(\s*([^\s()\u0000]+)\s*\)/g, (whole, label, url) => /^https?:\/\//i.test(url)
      ? hold(`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${emphasis(escapeHtml(label))}</a>`)
      : whole);
  s = s.replace(/\bhttps?:\/\/[^\s<>()\u0000]*[^\s<>().,;:!?'"*_~\u0000]/gi, (url) =>
      hold(`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`));
  const restore = (html) => html.replace(/\u0000(\d+)\u0000/g, (_, n) => restore(held[Number(n)]));
  return restore(emphasis(escapeHtml(s)));
}

/** Bold, italic and strikethrough over already-escaped text. */
function emphasis(s) {
  return s
      .replace(/\*\*\*(?=\S)([\s\S]*?\S)\*\*\*/g, '<strong><em>$1</em></strong>')
      .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
      .replace(/\*(?=[^\s*])([\s\S]*?[^\s*])\*/g, '<em>$1</em>')
      .replace(/(^|[^\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
}
