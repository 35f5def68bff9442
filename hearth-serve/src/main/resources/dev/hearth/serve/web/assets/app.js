// The chat page: conversations in the sidebar (a drawer on narrow screens), the open one in the
// log, the composer below. Answers stream from the server's OpenAI API and render as Markdown
// while they arrive; Stop (or Escape) aborts the request, which makes the server cancel the
// generation.

import { hasKnowledgeBases, listModels, streamChat } from './api.js';
import { citationList, linkCitationMarkers, openCitation } from './citations.js';
import { renderMarkdown } from './markdown.js';
import { Store, UNTITLED } from './store.js';

const $ = (id) => document.getElementById(id);
const store = new Store(localStorage, showError);
const settings = store.settings();
let conversation = store.current() ?? store.conversations()[0] ?? store.create();
let answering = null; // {controller, conversation} while an answer streams
let frame = 0; // a pending animation frame that redraws the streaming answer

// ---- drawing ----

function renderSidebar() {
  $('conversations').replaceChildren(...store.conversations().map((c) => {
    const open = button('open', c.title, () => switchTo(c));
    if (c === conversation) {
      open.setAttribute('aria-current', 'true');
    }
    const remove = button('delete', '×', () => removeConversation(c));
    remove.setAttribute('aria-label', `Delete conversation: ${c.title}`);
    const item = document.createElement('li');
    item.append(open, remove);
    return item;
  }));
}

function button(className, text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function renderConversation() {
  $('messages').replaceChildren(...conversation.messages.map(messageElement));
  scrollToEnd(true);
}

function messageElement(message) {
  const article = document.createElement('article');
  article.className = `message ${message.role}`;
  const role = document.createElement('div');
  role.className = 'role';
  role.textContent = message.role === 'user' ? 'You' : message.model ?? 'Assistant';
  const content = document.createElement('div');
  content.className = 'content';
  article.append(role, content);
  fill(article, message);
  return article;
}

/** Draws a message's text and state into its element. */
function fill(article, message) {
  const state = message.state ?? 'done';
  article.dataset.state = state;
  article.setAttribute('aria-busy', String(state === 'streaming'));
  const content = article.querySelector('.content');
  if (message.role === 'assistant') {
    content.innerHTML = renderMarkdown(message.content); // escaped by the renderer
    if (message.citations?.length) {
      linkCitationMarkers(content, message.citations.length);
    }
  } else {
    content.textContent = message.content;
  }
  article.querySelector('.citations')?.remove();
  if (message.citations?.length) {
    article.append(citationList(message.citations));
  }
  article.querySelector('.note')?.remove();
  if (state === 'stopped' || state === 'error') {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = state === 'stopped' ? 'Stopped.' : `Failed: ${message.error}`;
    article.append(note);
  }
}

/** Redraws the streaming answer at the next frame (once per frame, however many chunks came). */
function scheduleRedraw(message) {
  if (!frame) {
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (answering?.conversation === conversation) {
        const stick = nearEnd();
        fill($('messages').lastElementChild, message);
        scrollToEnd(stick);
      }
    });
  }
}

function nearEnd() {
  const log = $('messages');
  return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
}

function scrollToEnd(really) {
  if (really) {
    $('messages').scrollTop = $('messages').scrollHeight;
  }
}

function showError(message) {
  $('error-text').textContent = message;
  $('error').hidden = false;
}

function hideError() {
  $('error').hidden = true;
}

function setAnswering(on) {
  $('send').hidden = on;
  $('stop').hidden = !on;
  if (!on && document.activeElement === document.body) {
    $('prompt').focus();
  }
}

// ---- conversations ----

function switchTo(c) {
  if (c !== conversation) {
    stop(); // an answer is written only into the conversation on screen
  }
  conversation = c;
  store.open(c);
  hideError();
  renderSidebar();
  renderConversation();
  showSidebar(false);
  $('prompt').focus();
}

/** Shows or hides the sidebar where it is a drawer (narrow screens); elsewhere it is always shown. */
function showSidebar(shown) {
  $('sidebar').classList.toggle('shown', shown);
  $('toggle-sidebar').setAttribute('aria-expanded', String(shown));
}

function newConversation() {
  switchTo(conversation.messages.length ? store.create() : conversation);
}

function removeConversation(c) {
  if (answering?.conversation === c) {
    stop();
  }
  store.remove(c.id);
  if (c === conversation) {
    switchTo(store.conversations()[0] ?? store.create());
  } else {
    renderSidebar();
  }
}

// ---- asking ----

/** The request for `text` after the open conversation: its earlier turns, then the new one. */
function chatRequest(model, text) {
  const messages = [];
  if (settings.system.trim()) {
    messages.push({ role: 'system', content: settings.system });
  }
  for (const m of conversation.messages) {
    if (m.content) {
      messages.push({ role: m.role, content: m.content });
    }
  }
  messages.push({ role: 'user', content: text });
  const request = { model, messages };
  const temperature = parseFloat(settings.temperature);
  if (Number.isFinite(temperature)) {
    request.temperature = temperature;
  }
  const maxTokens = parseInt(settings.maxTokens, 10);
  if (maxTokens > 0) {
    request.max_tokens = maxTokens;
  }
  return request;
}

async function send() {
  const text = $('prompt').value;
  const model = $('model').value;
  if (!text.trim() || answering) {
    return;
  }
  if (!model) {
    showError('Choose a model first.');
    return;
  }
  hideError();
  const request = chatRequest(model, text);
  const chat = conversation;
  const question = { role: 'user', content: text };
  const answer = { role: 'assistant', content: '', state: 'streaming', model };
  chat.messages.push(question, answer);
  if (chat.title === UNTITLED) {
    chat.title = text.trim().split('\n')[0].slice(0, 60);
  }
  store.save(chat);
  $('prompt').value = '';
  renderSidebar();
  renderConversation();
  answering = { controller: new AbortController(), conversation: chat };
  setAnswering(true);
  try {
    for await (const chunk of streamChat(request, settings.apiKey, answering.controller.signal)) {
      if (chunk.citations) {
        answer.citations = chunk.citations;
      } else {
        answer.content += chunk.text;
      }
      scheduleRedraw(answer);
    }
    answer.state = 'done';
  } catch (error) {
    if (error.name === 'AbortError') {
      answer.state = 'stopped';
    } else if (!answer.content) {
      // Nothing was written: take the question back, to send again once the cause is fixed.
      chat.messages.splice(chat.messages.indexOf(question), 2);
      if (!chat.messages.length) {
        chat.title = UNTITLED;
      }
      if (chat === conversation && !$('prompt').value) {
        $('prompt').value = text;
      }
      showError(error.message);
    } else {
      answer.state = 'error';
      answer.error = error.message;
      showError(error.message);
    }
  } finally {
    answering = null;
    if (store.get(chat.id)) {
      store.save(chat);
    }
    renderSidebar();
    if (chat === conversation) {
      renderConversation();
    }
    setAnswering(false);
  }
}

function stop() {
  answering?.controller.abort();
}

// ---- models and settings ----

async function loadModels() {
  const select = $('model');
  try {
    const ids = await listModels(settings.apiKey);
    select.replaceChildren(...ids.map((id) => new Option(id, id)));
    if (ids.includes(settings.model)) {
      select.value = settings.model;
    }
    if (!ids.length) {
      showError('The server offers no models.');
    }
    $('kb-link').hidden = !(await hasKnowledgeBases(settings.apiKey));
  } catch (error) {
    select.replaceChildren();
    const hint = error.status === 401 ? ' Enter your key under Settings.' : '';
    showError(`Cannot list the models: ${error.message}.${hint}`);
  }
}

function bindSettings() {
  const fields = { temperature: 'temperature', maxTokens: 'max-tokens', system: 'system', apiKey: 'api-key' };
  for (const [name, id] of Object.entries(fields)) {
    const input = $(id);
    input.value = settings[name];
    input.addEventListener('input', () => {
      settings[name] = input.value;
      store.saveSettings(settings);
    });
  }
  $('api-key').addEventListener('change', loadModels);
  $('model').addEventListener('change', () => {
    settings.model = $('model').value;
    store.saveSettings(settings);
  });
}

// ---- the page's controls ----

async function copyCode(button) {
  const code = button.closest('.code-block').querySelector('code');
  try {
    await navigator.clipboard.writeText(code.textContent);
    button.textContent = 'Copied';
  } catch {
    // no clipboard (a page served over plain http off this machine is not a secure context)
    getSelection().selectAllChildren(code);
    button.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
}

function bindControls() {
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  $('prompt').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && $('sidebar').classList.contains('shown')) {
      showSidebar(false);
    } else if (e.key === 'Escape') {
      stop();
    }
  });
  $('stop').addEventListener('click', stop);
  $('new-chat').addEventListener('click', newConversation);
  $('error-close').addEventListener('click', hideError);
  $('messages').addEventListener('click', (e) => {
    const copy = e.target.closest('button.copy');
    if (copy) {
      copyCode(copy);
    }
    const marker = e.target.closest('a.cite');
    if (marker) {
      e.preventDefault();
      openCitation(marker);
    }
  });
  $('toggle-sidebar').addEventListener('click', (e) => {
    e.stopPropagation(); // not a click on the chat, which hides the drawer
    showSidebar(!$('sidebar').classList.contains('shown'));
  });
  document.querySelector('main').addEventListener('click', () => showSidebar(false));
}

store.open(conversation);
bindSettings();
bindControls();
renderSidebar();
renderConversation();
loadModels();
$('prompt').focus();
