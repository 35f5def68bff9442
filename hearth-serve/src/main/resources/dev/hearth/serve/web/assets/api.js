// The server's OpenAI API, as this page uses it: the model list and streamed chat completions.

import { sseData } from './sse.js';

/** A request the server refused, or a stream that broke off; the message is the server's own. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

function headers(apiKey) {
  const h = { 'Content-Type': 'application/json' };
  if (apiKey) {
    h.Authorization = `Bearer ${apiKey}`;
  }
  return h;
}

/** The error in a failed response: OpenAI's {"error": {"message"}}, Ollama's {"error": "..."}, or the status. */
async function failure(response) {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    message = body?.error?.message ?? (typeof body?.error === 'string' ? body.error : message);
  } catch {
    // not JSON: the status line says what there is to say
  }
  return new ApiError(message, response.status);
}

/** The ids of the models the server offers. */
export async function listModels(apiKey) {
  const response = await fetch('/v1/models', { headers: headers(apiKey) });
  if (!response.ok) {
    throw await failure(response);
  }
  const body = await response.json();
  return body.data.map((model) => model.id);
}

/** Whether the server has knowledge bases (their API answers), so the page links to them. */
export async function hasKnowledgeBases(apiKey) {
  try {
    return (await fetch('/v1/kb', { headers: headers(apiKey) })).ok;
  } catch {
    return false;
  }
}

/**
 * Streams a chat completion: yields `{ text }` for each chunk's text, and `{ citations }` once when
 * the answer is grounded in a knowledge base (Hearth's extension: the passages it may cite, each
 * with its number, document, page, heading and text). Aborting `signal` ends the request (the
 * server then cancels the generation) and makes this throw an AbortError.
 */
export async function* streamChat(request, apiKey, signal) {
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: headers(apiKey),
    body: JSON.stringify({ ...request, stream: true }),
    signal,
  });
  if (!response.ok) {
    throw await failure(response);
  }
  for await (const data of sseData(response.body)) {
    if (data === '[DONE]') {
      return;
    }
    const chunk = JSON.parse(data);
    if (chunk.error) {
      throw new ApiError(chunk.error.message ?? String(chunk.error), response.status);
    }
    if (Array.isArray(chunk.citations)) {
      yield { citations: chunk.citations };
    }
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) {
      yield { text };
    }
  }
  throw new ApiError('the connection closed before the answer was complete');
}
