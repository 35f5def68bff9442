// OpenAI's and Ollama's official JavaScript clients against a running `hearth serve`.
//
// Every request goes through the `openai` or `ollama` package as an application would send it;
// nothing here speaks HTTP by hand. One line per check ("ok   …" or "FAIL …: why"), then a
// summary; the exit status is 1 when any check failed, 2 on bad arguments.
//
//   node clients.mjs --url http://127.0.0.1:8080 --model stories --width 64 --stream-model tiny \
//       [--key sk-…] [--models stories,tiny]
//
// --model      a served decoder model whose answers are compared: the same request must give the
//              same greedy answer whole, streamed, and through either API (stories260K does; its
//              words need not make sense)
// --width      the width of that model's embeddings (its hidden size)
// --stream-model  a model whose long answer is aborted mid-stream (a synthetic model's random
//              weights rarely end an answer early)
// --models     every model the server lists (default: the two above)
// --key        the API key, when the server wants one
//
// The packages are pinned in package-lock.json (`npm ci` here). openai 7 declares Node.js 22 in
// its `engines` (npm warns EBADENGINE on Node.js 20, the machines' Node); what this script uses
// works on Node.js 20 as well, as each run shows.
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';

import OpenAI from 'openai';
import { Ollama } from 'ollama';

const { values: args } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        model: { type: 'string' },
        width: { type: 'string' },
        'stream-model': { type: 'string' },
        models: { type: 'string' },
      },
    });
  } catch (e) {
    usage(e.message);
  }
})();
for (const required of ['url', 'model', 'width', 'stream-model']) {
  if (!args[required]) usage(`--${required} is required`);
}
const URL_BASE = args.url.replace(/\/+$/, '');
const MODEL = args.model;
const WIDTH = Number.parseInt(args.width, 10);
if (!(WIDTH > 0)) usage(`--width must be a positive number, got ${args.width}`);
const STREAM_MODEL = args['stream-model'];
const MODELS = args.models ? args.models.split(',') : [MODEL, STREAM_MODEL];
const KEY = args.key ?? 'none'; // the openai client insists on a key, even for a server without keys

function usage(problem) {
  console.error(`clients.mjs: ${problem}\nusage: node clients.mjs --url URL --model NAME --width N `
    + '--stream-model NAME [--key KEY] [--models A,B]');
  process.exit(2);
}

const openai = new OpenAI({ baseURL: `${URL_BASE}/v1`, apiKey: KEY, maxRetries: 0, timeout: 60_000 });
const ollama = new Ollama({ host: URL_BASE, headers: args.key ? { Authorization: `Bearer ${args.key}` } : {} });

// ---------------------------------------------------------------------------------------------
// the checks: each one named, run in order, a failure reported and the rest still run

const results = { passed: 0, failed: [] };

async function check(name, body) {
  const started = performance.now();
  try {
    await body();
    results.passed++;
    console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)`);
  } catch (e) {
    results.failed.push(name);
    const why = e instanceof assert.AssertionError ? e.message : `${e?.constructor?.name ?? 'error'}: ${e?.message ?? e}`;
    console.log(`FAIL ${name}: ${why.replaceAll('\n', '\n     ')}`);
  }
}

/** Awaits `promise`, which must reject with an instance of `type`; returns the error. */
async function rejects(promise, type) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e?.constructor?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`expected ${type.name}, but the call succeeded`);
}

function assertUnitVector(vector, what) {
  assert.equal(vector.length, WIDTH, `${what}: ${vector.length} dimensions, the model's width is ${WIDTH}`);
  const norm = Math.hypot(...vector);
  assert.ok(Math.abs(norm - 1) < 1e-3, `${what}: norm ${norm}, expected 1 (L2-normalised)`);
}

function assertClose(a, b, tolerance, what) {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  assert.ok(worst <= tolerance, `${what}: differ by up to ${worst}`);
}

/**
 * The value of one sample in the server's Prometheus text, e.g. sample(text, 'hearth_active_sequences', 'tiny');
 * an engine's gauges are absent while its model is not loaded, which counts as 0.
 */
function sample(metrics, name, model) {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{model="${model}"} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/**
 * The server's /metrics, read through the openai client (an absolute URL leaves its base URL;
 * a text/plain answer comes back as a string).
 */
async function metrics() {
  const text = await openai.get(`${URL_BASE}/metrics`);
  assert.equal(typeof text, 'string');
  return text;
}

/** Waits until `model` has no request generating or queued; returns the metrics then. */
async function idle(model) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await metrics();
    if (sample(text, 'hearth_active_sequences', model) === 0 && sample(text, 'hearth_queue_depth', model) === 0) {
      return text;
    }
    assert.ok(Date.now() < deadline, `${model} still has a request generating or queued 10 s after its client left`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const STORY = [{ role: 'user', content: 'Tell me a story about a cat.' }];
const PROMPT = 'Once upon a time';
const GREEDY = { temperature: 0, seed: 42 };

// ---------------------------------------------------------------------------------------------
// openai

let chatAnswer; // the greedy chat answer, which Ollama's /api/chat must give too
let textAnswer; // the greedy continuation of PROMPT, which Ollama's raw /api/generate must give too
let openaiVectors;

await check('openai models.list lists every served model', async () => {
  const ids = [];
  for await (const model of openai.models.list()) {
    assert.equal(model.object, 'model');
    assert.equal(typeof model.created, 'number');
    ids.push(model.id);
  }
  assert.deepEqual(ids.toSorted(), MODELS.toSorted());
  const one = await openai.models.retrieve(MODEL);
  assert.equal(one.id, MODEL);
});

await check('openai chat.completions.create (whole): a greedy answer with usage', async () => {
  const answer = await openai.chat.completions.create({ model: MODEL, messages: STORY, max_tokens: 40, ...GREEDY });
  assert.equal(answer.object, 'chat.completion');
  assert.equal(answer.model, MODEL);
  assert.equal(answer.choices.length, 1);
  const [choice] = answer.choices;
  assert.equal(choice.message.role, 'assistant');
  assert.equal(typeof choice.message.content, 'string');
  assert.ok(choice.message.content.length > 0, 'empty answer');
  assert.ok(['stop', 'length'].includes(choice.finish_reason), `finish_reason ${choice.finish_reason}`);
  const { usage } = answer;
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0 && usage.completion_tokens <= 40, JSON.stringify(usage));
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  chatAnswer = { content: choice.message.content, finish: choice.finish_reason, usage };
});

await check('openai chat.completions.create (stream, include_usage): the chunks add up to the whole answer', async () => {
  assert.ok(chatAnswer, 'no whole answer to compare with');
  const stream = await openai.chat.completions.create({
    model: MODEL, messages: STORY, max_tokens: 40, ...GREEDY, stream: true, stream_options: { include_usage: true },
  });
  let content = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) {
      assert.equal(chunk.choices.length, 0, 'the usage chunk carries no choice');
      usage = chunk.usage;
      continue;
    }
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
  }
  assert.ok(chunks > 2, `only ${chunks} chunks: not streamed`);
  assert.equal(content, chatAnswer.content);
  assert.equal(finish, chatAnswer.finish);
  assert.deepEqual(usage, chatAnswer.usage);
});

await check('openai chat.completions.stream helper: finalChatCompletion() is the whole answer', async () => {
  assert.ok(chatAnswer, 'no whole answer to compare with');
  const runner = openai.chat.completions.stream({ model: MODEL, messages: STORY, max_tokens: 40, ...GREEDY });
  let deltas = '';
  runner.on('content', (delta) => { deltas += delta; });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, chatAnswer.content);
  assert.equal(deltas, chatAnswer.content);
});

await check('openai n=2, sampled with a seed: the stream helper rebuilds both choices of the whole answer', async () => {
  const request = { model: MODEL, messages: STORY, max_tokens: 20, n: 2, temperature: 0.9, seed: 5 };
  const whole = await openai.chat.completions.create(request);
  assert.equal(whole.choices.length, 2);
  assert.equal(whole.usage.completion_tokens,
    (await openai.chat.completions.create({ ...request, logprobs: true })).choices
      .reduce((sum, c) => sum + c.logprobs.content.length, 0), 'usage counts both choices');
  const streamed = await openai.chat.completions.stream(request).finalChatCompletion();
  assert.deepEqual(streamed.choices.map((c) => [c.index, c.message.content, c.finish_reason]),
    whole.choices.map((c) => [c.index, c.message.content, c.finish_reason]));
});

await check('openai 4 concurrent streams: each gets the greedy answer it gets alone', async () => {
  const asks = [0, 1, 2, 3].map((i) => [{ role: 'user', content: `Tell me a story about the number ${i}.` }]);
  const alone = [];
  for (const messages of asks) {
    alone.push((await openai.chat.completions.create({ model: MODEL, messages, max_tokens: 30, ...GREEDY })).choices[0].message.content);
  }
  const together = await Promise.all(asks.map(async (messages) => {
    let content = '';
    for await (const chunk of await openai.chat.completions.create({ model: MODEL, messages, max_tokens: 30, ...GREEDY, stream: true })) {
      content += chunk.choices[0]?.delta?.content ?? '';
    }
    return content;
  }));
  assert.deepEqual(together, alone);
});

await check('openai completions.create: whole and streamed continuations agree', async () => {
  const whole = await openai.completions.create({ model: MODEL, prompt: PROMPT, max_tokens: 30, ...GREEDY });
  assert.equal(whole.object, 'text_completion');
  const text = whole.choices[0].text;
  assert.ok(text.length > 0, 'empty continuation');
  assert.equal(whole.usage.completion_tokens, 30);
  let streamed = '';
  for await (const chunk of await openai.completions.create({ model: MODEL, prompt: PROMPT, max_tokens: 30, ...GREEDY, stream: true })) {
    streamed += chunk.choices[0]?.text ?? '';
  }
  assert.equal(streamed, text);
  textAnswer = text;
});

await check(`openai embeddings.create: ${WIDTH}-dimensional unit vectors, base64 (the client's default) = float`, async () => {
  const input = ['a cat', 'a dog'];
  const asBase64 = await openai.embeddings.create({ model: MODEL, input }); // the client asks for base64 and decodes it
  const asFloats = await openai.embeddings.create({ model: MODEL, input, encoding_format: 'float' });
  for (const answer of [asBase64, asFloats]) {
    assert.equal(answer.object, 'list');
    assert.equal(answer.data.length, 2);
    answer.data.forEach((d, i) => {
      assert.equal(d.index, i);
      assertUnitVector(d.embedding, `data[${i}]`);
    });
    assert.ok(answer.usage.prompt_tokens > 0);
  }
  asBase64.data.forEach((d, i) => assertClose(d.embedding, asFloats.data[i].embedding, 1e-6, `vector ${i}`));
  assert.notDeepEqual(asFloats.data[0].embedding, asFloats.data[1].embedding);
  openaiVectors = asFloats.data.map((d) => d.embedding);
});

await check('openai logprobs with top_logprobs: the greedy token is the most likely one', async () => {
  const answer = await openai.chat.completions.create({
    model: MODEL, messages: STORY, max_tokens: 5, ...GREEDY, logprobs: true, top_logprobs: 3,
  });
  const { content } = answer.choices[0].logprobs;
  assert.equal(content.length, answer.usage.completion_tokens);
  for (const token of content) {
    assert.equal(typeof token.token, 'string');
    assert.ok(token.logprob <= 0, `logprob ${token.logprob}`);
    assert.ok(Array.isArray(token.bytes));
    assert.equal(token.top_logprobs.length, 3);
    const logprobs = token.top_logprobs.map((t) => t.logprob);
    assert.deepEqual(logprobs, logprobs.toSorted((a, b) => b - a), 'top_logprobs not most likely first');
    assert.equal(token.top_logprobs[0].token, token.token);
    assert.ok(Math.abs(token.top_logprobs[0].logprob - token.logprob) < 1e-6);
  }
  assert.equal(content.map((t) => t.token).join(''), answer.choices[0].message.content);
});

await check('openai errors: an unknown model is NotFoundError 404', async () => {
  const e = await rejects(openai.chat.completions.create({ model: 'no-such-model', messages: STORY }), OpenAI.NotFoundError);
  assert.equal(e.status, 404);
  assert.equal(e.code, 'model_not_found');
  assert.match(e.message, /no-such-model/);
  const streamed = openai.chat.completions.create({ model: 'no-such-model', messages: STORY, stream: true });
  assert.equal((await rejects(streamed, OpenAI.NotFoundError)).status, 404);
  assert.equal((await rejects(openai.models.retrieve('no-such-model'), OpenAI.NotFoundError)).status, 404);
});

await check('openai errors: a bad field is BadRequestError 400 naming it', async () => {
  const e = await rejects(openai.chat.completions.create({ model: MODEL, messages: STORY, temperature: 7 }), OpenAI.BadRequestError);
  assert.equal(e.status, 400);
  assert.equal(e.param, 'temperature');
  const role = await rejects(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'wizard', content: 'hi' }] }),
    OpenAI.BadRequestError);
  assert.equal(role.param, 'messages[0].role');
  const long = await rejects(openai.completions.create({ model: MODEL, prompt: Array(5000).fill(100), max_tokens: 1 }),
    OpenAI.BadRequestError);
  assert.equal(long.code, 'context_length_exceeded');
  assert.equal(long.param, 'prompt');
});

if (args.key) {
  await check('openai errors: a wrong key is AuthenticationError 401', async () => {
    const stranger = new OpenAI({ baseURL: `${URL_BASE}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    assert.equal((await rejects(stranger.models.list(), OpenAI.AuthenticationError)).status, 401);
  });
}

await check('openai aborted stream (AbortController): the server stops generating', async () => {
  const before = sample(await idle(STREAM_MODEL), 'hearth_generated_tokens_total', STREAM_MODEL);
  const controller = new AbortController();
  const stream = await openai.chat.completions.create(
    { model: STREAM_MODEL, messages: STORY, max_tokens: 1000, temperature: 1, seed: 7, stream: true },
    { signal: controller.signal },
  );
  let content = '';
  try {
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta?.content ?? '';
      if (content.length > 0) controller.abort();
    }
  } catch (e) {
    assert.ok(e instanceof OpenAI.APIUserAbortError || e.name === 'AbortError', `${e.constructor.name}: ${e.message}`);
  }
  assert.ok(content.length > 0, 'no content before the abort');
  const generated = sample(await idle(STREAM_MODEL), 'hearth_generated_tokens_total', STREAM_MODEL) - before;
  assert.ok(generated < 1000, `the server generated all ${generated} tokens for a client that left`);
  const next = await openai.chat.completions.create({ model: STREAM_MODEL, messages: STORY, max_tokens: 3, ...GREEDY });
  assert.equal(next.usage.completion_tokens, 3, 'a request after the abort');
});

// ---------------------------------------------------------------------------------------------
// ollama

const OPTIONS = { ...GREEDY, num_predict: 40 };

await check('ollama version', async () => {
  const { version } = await ollama.version();
  assert.match(version, /^\d+\.\d+/);
});

await check('ollama list: every served model as name:latest', async () => {
  const { models } = await ollama.list();
  assert.deepEqual(models.map((m) => m.name).toSorted(), MODELS.map((m) => `${m}:latest`).toSorted());
  for (const m of models) {
    assert.equal(m.model, m.name);
    assert.ok(m.size > 0, `${m.name}: size ${m.size}`);
    assert.match(m.digest, /^[0-9a-f]{64}$/);
    assert.equal(typeof m.details.family, 'string');
    assert.ok(!Number.isNaN(Date.parse(m.modified_at)), `${m.name}: modified_at ${m.modified_at}`);
  }
});

await check(`ollama show: details, and model_info's embedding length is ${WIDTH}`, async () => {
  const shown = await ollama.show({ model: MODEL });
  assert.equal(typeof shown.template, 'string');
  assert.equal(typeof shown.modelfile, 'string');
  const arch = shown.model_info['general.architecture'];
  assert.equal(shown.model_info[`${arch}.embedding_length`], WIDTH);
  assert.ok(shown.capabilities.includes('completion'), `capabilities ${shown.capabilities}`);
  assert.equal(shown.details.format, 'gguf');
});

await check('ollama chat (whole): the greedy answer OpenAI gave', async () => {
  const answer = await ollama.chat({ model: MODEL, messages: STORY, options: OPTIONS });
  assert.equal(answer.model, MODEL); // as asked for, as Ollama answers
  assert.equal(answer.done, true);
  assert.equal(answer.message.role, 'assistant');
  assert.ok(answer.message.content.length > 0, 'empty answer');
  assert.equal(answer.message.content, chatAnswer?.content);
  assert.equal(answer.eval_count, chatAnswer.usage.completion_tokens);
  assert.equal(answer.prompt_eval_count, chatAnswer.usage.prompt_tokens);
  assert.ok(['stop', 'length'].includes(answer.done_reason), `done_reason ${answer.done_reason}`);
});

await check('ollama chat (stream): the parts add up to the whole answer', async () => {
  let content = '';
  let last;
  let parts = 0;
  for await (const part of await ollama.chat({ model: MODEL, messages: STORY, options: OPTIONS, stream: true })) {
    parts++;
    content += part.message.content;
    last = part;
  }
  assert.ok(parts > 2, `only ${parts} parts: not streamed`);
  assert.equal(last.done, true);
  assert.equal(content, chatAnswer?.content);
  assert.equal(last.eval_count, chatAnswer.usage.completion_tokens);
});

await check('ollama generate (raw, whole and stream): the continuation OpenAI gave', async () => {
  const request = { model: MODEL, prompt: PROMPT, raw: true, options: { ...GREEDY, num_predict: 30 } };
  const whole = await ollama.generate(request);
  assert.equal(whole.done, true);
  assert.equal(whole.response, textAnswer);
  let streamed = '';
  let last;
  for await (const part of await ollama.generate({ ...request, stream: true })) {
    streamed += part.response;
    last = part;
  }
  assert.equal(last.done, true);
  assert.equal(streamed, whole.response);
  assert.equal(last.eval_count, 30);
});

await check('ollama generate (templated): whole = stream', async () => {
  const request = { model: MODEL, prompt: 'Tell me about a dog.', options: { ...GREEDY, num_predict: 20 } };
  const whole = await ollama.generate(request);
  assert.ok(whole.response.length > 0, 'empty answer');
  let streamed = '';
  for await (const part of await ollama.generate({ ...request, stream: true })) {
    streamed += part.response;
  }
  assert.equal(streamed, whole.response);
});

await check(`ollama embed: ${WIDTH}-dimensional unit vectors, the ones OpenAI gave`, async () => {
  const answer = await ollama.embed({ model: MODEL, input: ['a cat', 'a dog'] });
  assert.equal(answer.model, MODEL);
  assert.equal(answer.embeddings.length, 2);
  answer.embeddings.forEach((v, i) => {
    assertUnitVector(v, `embeddings[${i}]`);
    if (openaiVectors) assertClose(v, openaiVectors[i], 1e-5, `embeddings[${i}] vs OpenAI's`);
  });
  const one = await ollama.embed({ model: MODEL, input: 'a cat' });
  assert.equal(one.embeddings.length, 1);
  const older = await ollama.embeddings({ model: MODEL, prompt: 'a cat' }); // /api/embeddings, still called
  assert.equal(older.embedding.length, WIDTH);
});

await check('ollama ps: the models in use are loaded', async () => {
  const { models } = await ollama.ps();
  const names = models.map((m) => m.name);
  assert.ok(names.includes(`${MODEL}:latest`), `ps lists ${names}`);
  for (const m of models) {
    assert.ok(m.size > 0);
    assert.ok(!Number.isNaN(Date.parse(m.expires_at)), `${m.name}: expires_at ${m.expires_at}`);
  }
});

await check('ollama errors: an unknown model is ResponseError 404', async () => {
  const whole = await rejects(ollama.chat({ model: 'no-such-model', messages: STORY }), Error);
  assert.equal(whole.name, 'ResponseError');
  assert.equal(whole.status_code, 404);
  assert.match(whole.error, /no-such-model/);
  const streamed = await rejects(ollama.generate({ model: 'no-such-model', prompt: PROMPT, stream: true }), Error);
  assert.equal(streamed.status_code, 404);
  assert.equal((await rejects(ollama.show({ model: 'no-such-model' }), Error)).status_code, 404);
  assert.equal((await rejects(ollama.embed({ model: 'no-such-model', input: 'x' }), Error)).status_code, 404);
});

await check('ollama errors: a bad option is ResponseError 400 naming it', async () => {
  const e = await rejects(ollama.chat({ model: MODEL, messages: STORY, options: { temperature: -1 } }), Error);
  assert.equal(e.status_code, 400);
  assert.match(e.error, /temperature/);
});

await check('ollama aborted stream (abort()): the server stops generating', async () => {
  const before = sample(await idle(STREAM_MODEL), 'hearth_generated_tokens_total', STREAM_MODEL);
  const stream = await ollama.chat({
    model: STREAM_MODEL, messages: STORY, stream: true, options: { temperature: 1, seed: 7, num_predict: 1000 },
  });
  let content = '';
  try {
    for await (const part of stream) {
      content += part.message.content;
      if (content.length > 0) stream.abort();
    }
    assert.fail('the stream ended normally after abort()');
  } catch (e) {
    assert.equal(e.name, 'AbortError', `${e.constructor.name}: ${e.message}`);
  }
  const generated = sample(await idle(STREAM_MODEL), 'hearth_generated_tokens_total', STREAM_MODEL) - before;
  assert.ok(generated < 1000, `the server generated all ${generated} tokens for a client that left`);
  const next = await ollama.generate({ model: STREAM_MODEL, prompt: PROMPT, options: { ...GREEDY, num_predict: 3 } });
  assert.equal(next.eval_count, 3, 'a request after the abort');
});

// ---------------------------------------------------------------------------------------------

const total = results.passed + results.failed.length;
if (results.failed.length > 0) {
  console.log(`official clients: ${results.failed.length} of ${total} checks FAILED: ${results.failed.join('; ')}`);
  process.exit(1);
}
console.log(`official clients: all ${total} checks passed`);
