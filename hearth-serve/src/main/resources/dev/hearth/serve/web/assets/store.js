// What the page keeps in the browser (localStorage): the conversations, which one is open, and
// the settings (model, sampling, system prompt, API key). Nothing of it goes to the server except
// in the requests the user makes.

const CONVERSATIONS = 'hearth.conversations';
const CURRENT = 'hearth.current';
const SETTINGS = 'hearth.settings';
export const UNTITLED = 'New chat';

/** Settings as first seen: empty sampling fields leave the server's defaults. */
const DEFAULT_SETTINGS = { model: '', temperature: '', maxTokens: '', system: '', apiKey: '' };

function read(storage, key, fallback) {
  try {
    return JSON.parse(storage.getItem(key)) ?? fallback;
  } catch {
    return fallback; // unreadable (edited by hand, another version): start afresh
  }
}

function newId() {
  // crypto.randomUUID exists only in secure contexts, and a server on the LAN over http is not one
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

/**
 * Conversations, each {id, title, updated, messages: [{role, content, state?, model?}]}, and
 * settings, over a Storage (localStorage in the page).
 */
export class Store {
  /** `onFull(message)` hears of a write the storage refused (it holds about 5 MB per site). */
  constructor(storage, onFull) {
    this.storage = storage;
    this.onFull = onFull;
    this.list = read(storage, CONVERSATIONS, []);
    for (const m of this.list.flatMap((c) => c.messages)) {
      if (m.state === 'streaming') {
        m.state = 'stopped'; // the page was closed while this answer was being written
      }
    }
  }

  /** The conversations, the most recently changed first. */
  conversations() {
    return [...this.list].sort((a, b) => b.updated - a.updated);
  }

  get(id) {
    return this.list.find((c) => c.id === id);
  }

  /** The conversation open last time, if it still exists. */
  current() {
    return this.get(this.storage.getItem(CURRENT));
  }

  open(conversation) {
    this.write(CURRENT, conversation.id);
  }

  create() {
    const conversation = { id: newId(), title: UNTITLED, updated: Date.now(), messages: [] };
    this.list.push(conversation);
    this.save(conversation);
    return conversation;
  }

  /** Writes the conversation (changed in place) and marks it as the newest. */
  save(conversation) {
    conversation.updated = Date.now();
    this.write(CONVERSATIONS, JSON.stringify(this.list));
  }

  remove(id) {
    this.list = this.list.filter((c) => c.id !== id);
    this.write(CONVERSATIONS, JSON.stringify(this.list));
  }

  settings() {
    return { ...DEFAULT_SETTINGS, ...read(this.storage, SETTINGS, {}) };
  }

  saveSettings(settings) {
    this.write(SETTINGS, JSON.stringify(settings));
  }

  write(key, value) {
    try {
      this.storage.setItem(key, value);
    } catch {
      this.onFull('The browser\'s storage for this page is full: delete old conversations to keep new ones.');
    }
  }
}
