// The knowledge-base page: the server's knowledge bases (/v1/kb) in the sidebar; for the one
// chosen, an upload with progress (the bytes, then the server's ingestion job), its documents,
// and a question box whose answer streams through the OpenAI API as model `kb:NAME`, with its
// citations opening onto the passages.

import { ApiError, streamChat } from './api.js';
import { citationList, linkCitationMarkers, openCitation } from './citations.js';
import { renderMarkdown } from './markdown.js';
import { Store } from './store.js';

const $ = (id) => document.getElementById(id);
const settings = new Store(localStorage, showError).settings(); // the API key typed on the chat page
let current = null; // the chosen knowledge base's name
let asking = null; // an AbortController while an answer streams

function headers(json) {
  const h = json ? { 'Content-Type': 'application/json' } : {};
  if (settings.apiKey) {
    h.Authorization = `Bearer ${settings.apiKey}`;
  }
  return h;
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`.trim();
    try {
      message = (await response.json())?.error?.message ?? message;
    } catch {
      // the status line says it
    }
    throw new ApiError(message, response.status);
  }
  return response.status === 204 ? null : response.json();
}

const kbPath = (name) => `/v1/kb/${encodeURIComponent(name)}`;

/** "1 chunk", "2 chunks". */
const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function showError(message) {
  $('error-text').textContent = message;
  $('error').hidden = false;
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

// ---- knowledge bases ----

async function loadBases() {
  try {
    const { data } = await call('GET', '/v1/kb');
    $('bases').replaceChildren(...data.map((kb) => {
      const open = button(kb.name, () => choose(kb.name));
      open.className = 'open';
      if (kb.name === current) {
        open.setAttribute('aria-current', 'true');
      }
      const item = document.createElement('li');
      item.append(open);
      return item;
    }));
    if (current && !data.some((kb) => kb.name === current)) {
      choose(null);
    }
  } catch (error) {
    showError(`Cannot list the knowledge bases: ${error.message}`);
  }
}

async function choose(name) {
  show(name);
  if (name) {
    location.hash = encodeURIComponent(name);
    try {
      await refresh();
    } catch (error) {
      // gone, or never there (an old link): say so, and show no knowledge base rather than a stale one
      showError(`Cannot open the knowledge base ${name}: ${error.message}`);
      history.replaceState(null, '', location.pathname);
      show(null);
    }
  }
  loadBases();
}

function show(name) {
  current = name;
  $('empty').hidden = !!name;
  $('base').hidden = !name;
  $('answer').hidden = true;
  $('upload-status').textContent = '';
  $('upload-progress').hidden = true;
}

async function refresh() {
  const name = current;
  const [kb, documents] = await Promise.all([call('GET', kbPath(name)), call('GET', `${kbPath(name)}/documents`)]);
  if (name !== current) {
    return;
  }
  $('base-name').textContent = kb.name;
  $('base-summary').textContent = `${kb.description ? `${kb.description} · ` : ''}`
    + `${count(kb.documents, 'document')}, ${count(kb.chunks, 'chunk')}`;
  $('documents').replaceChildren(...documents.data.map(documentRow));
}

function documentRow(d) {
  const row = document.createElement('tr');
  const name = document.createElement('td');
  name.textContent = d.name;
  const chunks = document.createElement('td');
  chunks.textContent = d.chunks;
  const status = document.createElement('td');
  status.textContent = d.status === 'failed' ? `failed: ${d.error}` : d.status;
  status.className = d.status;
  const actions = document.createElement('td');
  actions.append(button('Remove', async () => {
    try {
      await call('DELETE', `${kbPath(current)}/documents/${encodeURIComponent(d.id)}`);
      await refresh();
    } catch (error) {
      showError(error.message);
    }
  }));
  row.append(name, chunks, status, actions);
  return row;
}

async function create(event) {
  event.preventDefault();
  try {
    const kb = await call('POST', '/v1/kb', { name: $('new-name').value.trim(), description: $('new-description').value.trim() });
    $('new-name').value = '';
    $('new-description').value = '';
    choose(kb.name);
  } catch (error) {
    showError(error.message);
  }
}

async function removeBase() {
  if (current && confirm(`Delete the knowledge base ${current} and everything in it?`)) {
    try {
      await call('DELETE', kbPath(current));
    } catch (error) {
      showError(error.message);
      return; // still there: keep it on screen
    }
    history.replaceState(null, '', location.pathname);
    choose(null);
  }
}

// ---- uploading ----

/** Sends the chosen files; the bar follows the bytes, then the ingestion job the server starts. */
function upload(event) {
  event.preventDefault();
  const files = $('files').files;
  if (!current || !files.length) {
    return;
  }
  const form = new FormData();
  for (const file of files) {
    form.append('file', file, file.name);
  }
  const name = current;
  const request = new XMLHttpRequest();
  request.open('POST', `${kbPath(name)}/documents`);
  if (settings.apiKey) {
    request.setRequestHeader('Authorization', `Bearer ${settings.apiKey}`);
  }
  const progress = $('upload-progress');
  progress.hidden = false;
  progress.value = 0;
  request.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) {
      progress.value = e.loaded / e.total;
      $('upload-status').textContent = `Uploading: ${Math.round(100 * e.loaded / e.total)}%`;
    }
  });
  request.addEventListener('load', () => {
    let body = null;
    try {
      body = JSON.parse(request.responseText);
    } catch {
      // reported below
    }
    if (request.status !== 202 || !body?.job) {
      progress.hidden = true;
      showError(body?.error?.message ?? `the upload failed: ${request.status}`);
      return;
    }
    $('files').value = '';
    followJob(name, body.job);
  });
  request.addEventListener('error', () => {
    progress.hidden = true;
    showError('the upload failed: the connection broke');
  });
  request.send(form);
}

async function followJob(name, job) {
  const progress = $('upload-progress');
  try {
    while (job.state === 'running') {
      if (name === current) {
        progress.value = job.files_total ? (job.files_done + job.files_failed) / job.files_total : 0;
        $('upload-status').textContent = `Adding: ${job.files_done + job.files_failed} of ${count(job.files_total, 'file')}, `
          + `${count(job.chunks, 'chunk')} (${job.chunks_per_second.toFixed(1)}/s)`;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await call('GET', `${kbPath(name)}/jobs/${job.id}`);
    }
  } catch (error) {
    progress.hidden = true;
    showError(`Cannot follow the upload: ${error.message}`);
    return;
  }
  if (name !== current) {
    return; // another knowledge base is on screen now
  }
  progress.value = 1;
  const failed = job.errors.map((e) => `${e.file}: ${e.message}`).join('; ');
  $('upload-status').textContent = `Added ${job.files_done} of ${count(job.files_total, 'file')}, `
    + `${count(job.chunks, 'chunk')}${failed ? `. Not added: ${failed}` : '.'}`;
  refresh().catch((error) => showError(error.message));
}

// ---- asking ----

async function ask(event) {
  event?.preventDefault();
  const question = $('question').value.trim();
  if (!current || !question || asking) {
    return;
  }
  const article = $('answer');
  const content = article.querySelector('.content');
  article.hidden = false;
  article.dataset.state = 'streaming';
  article.querySelector('.citations')?.remove();
  let text = '';
  let citations = [];
  content.textContent = '';
  asking = new AbortController();
  try {
    const request = { model: `kb:${current}`, messages: [{ role: 'user', content: question }] };
    for await (const chunk of streamChat(request, settings.apiKey, asking.signal)) {
      if (chunk.citations) {
        citations = chunk.citations;
      } else {
        text += chunk.text;
        content.innerHTML = renderMarkdown(text); // escaped by the renderer
      }
    }
    article.dataset.state = 'done';
    content.innerHTML = renderMarkdown(text);
    linkCitationMarkers(content, citations.length);
    article.append(citationList(citations));
  } catch (error) {
    article.dataset.state = 'error';
    showError(error.message);
  } finally {
    asking = null;
  }
}

function bind() {
  $('create').addEventListener('submit', create);
  $('delete-base').addEventListener('click', removeBase);
  $('upload').addEventListener('submit', upload);
  $('ask').addEventListener('submit', ask);
  $('question').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      ask();
    }
  });
  $('answer').addEventListener('click', (e) => {
    const marker = e.target.closest('a.cite');
    if (marker) {
      e.preventDefault();
      openCitation(marker);
    }
  });
  $('error-close').addEventListener('click', () => { $('error').hidden = true; });
}

bind();
const fromHash = decodeURIComponent(location.hash.slice(1));
choose(fromHash || null);
