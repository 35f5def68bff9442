// A grounded answer's citations (Hearth's `citations` extension): the [n] markers in its text
// become links, and the passages a list of sources that open onto their text.

/**
 * Turns the answer's [n] markers into links that open passage n below it. Text nodes only, and
 * not inside code, so nothing the model wrote becomes markup.
 */
export function linkCitationMarkers(content, count) {
  const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest('code, pre') && /\[\d+\]/.test(walker.currentNode.data)) {
      nodes.push(walker.currentNode);
    }
  }
  for (const node of nodes) {
    const parts = node.data.split(/(\[\d+\])/);
    node.replaceWith(...parts.map((part) => {
      const n = /^\[(\d+)\]$/.exec(part)?.[1];
      if (!n || n < 1 || n > count) {
        return document.createTextNode(part);
      }
      const link = document.createElement('a');
      link.href = '#';
      link.className = 'cite';
      link.dataset.citation = n;
      link.textContent = part;
      return link;
    }));
  }
}

/** The passages a grounded answer may cite: each a source line that opens onto its text. */
export function citationList(citations) {
  const list = document.createElement('ol');
  list.className = 'citations';
  list.setAttribute('aria-label', 'Sources');
  for (const c of citations) {
    const item = document.createElement('li');
    item.value = c.number;
    const passage = document.createElement('details');
    passage.dataset.citation = c.number;
    const summary = document.createElement('summary');
    summary.textContent = citationSource(c);
    const text = document.createElement('p');
    text.className = 'passage';
    text.textContent = c.text;
    passage.append(summary, text);
    item.append(passage);
    list.append(item);
  }
  return list;
}

function citationSource(c) {
  let source = c.document;
  if (c.page > 0) {
    source += `, p. ${c.page}`;
  }
  if (c.heading) {
    source += ` — ${c.heading}`;
  }
  return source;
}

/** Opens passage n of the answer a marker belongs to, and brings it into view. */
export function openCitation(marker) {
  const passage = marker.closest('article')?.querySelector(`.citations details[data-citation="${marker.dataset.citation}"]`);
  if (passage) {
    passage.open = true;
    passage.scrollIntoView({ block: 'nearest' });
  }
}
