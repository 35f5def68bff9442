// Load generator for `hearth serve` (or any OpenAI-compatible server): C concurrent clients, each
// sending R streamed completions one after another, measuring time to first token and tokens/s.
//
//   node bench/serve/load.mjs --url http://127.0.0.1:8080 --model NAME --clients 8 [--requests 3]
//        [--prompt-tokens 100 | --prompt-words W] [--max-tokens 128] [--first-seed 1] [--key KEY]
//
// Prints one JSON object: clients, requests, aggregate generated tokens/s over the wall time,
// time-to-first-token p50/p99, mean inter-token latency, and the mean prompt tokens the server
// counted, with how many of them it found in its prefix cache. Request k (from 0) sends the prompt
// of seed first-seed + k; prompts of different seeds differ from their first word on, so no prefix
// is shared unless a seed is sent again (a later run against the same server must start past the
// seeds an earlier one used). Prompts are as many words as make --prompt-tokens tokens by the
// server's count, measured first on a few prompts of seeds no timed request sends (untimed), or
// --prompt-words words as an earlier run against the same model reported (prompt_words).
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const url = args.url ?? 'http://127.0.0.1:8080';
const model = args.model;
const clients = Number(args.clients ?? 1);
const requests = Number(args.requests ?? 3);
const promptTokens = Number(args['prompt-tokens'] ?? 100);
const maxTokens = Number(args['max-tokens'] ?? 128);
const firstSeed = Number(args['first-seed'] ?? 1);
if (!model) {
  console.error('load.mjs: --model is required');
  process.exit(2);
}

const WORDS = ['river', 'lantern', 'copper', 'meadow', 'signal', 'harbor', 'pencil', 'thunder', 'garden',
  'engine', 'violet', 'basket', 'mirror', 'canyon', 'ticket', 'orbit', 'candle', 'falcon', 'marble', 'winter'];

/** A prompt of `words` words after its seed's label, different for each seed from its first word on. */
function prompt(seed, words) {
  let x = ((seed * 2654435761) % 4294967296 + 4294967296) % 4294967296; // seeds below 0 too
  const text = [`request-${seed}:`];
  while (text.length <= words) {
    x = (x * 1103515245 + 12345) % 2147483648;
    text.push(WORDS[x % WORDS.length]);
  }
  return text.join(' ');
}

const headers = { 'content-type': 'application/json', ...(args.key ? { authorization: `Bearer ${args.key}` } : {}) };

/** The server's count of a prompt's tokens: an unstreamed request for one token. */
async function countTokens(text) {
  const response = await fetch(`${url}/v1/completions`, {
    method: 'POST', headers, body: JSON.stringify({ model, prompt: text, max_tokens: 1, temperature: 0 }),
  });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  }
  return (await response.json()).usage.prompt_tokens;
}

/**
 * The words a prompt needs for `tokens` tokens by the server's count, which depends on the model's
 * vocabulary and on the words drawn: measured as the mean over the prompts of seeds 0, −1, …, −5
 * (no timed request sends those) and corrected until it is right or stops improving.
 */
async function wordsFor(tokens) {
  const probes = [0, -1, -2, -3, -4, -5];
  let words = Math.max(1, Math.round(tokens / 3.5));
  for (let i = 0; i < 4; i++) {
    const counts = await Promise.all(probes.map(seed => countTokens(prompt(seed, words))));
    const counted = counts.reduce((a, b) => a + b, 0) / counts.length;
    const next = Math.max(1, words + Math.round((tokens - counted) * words / counted));
    if (next === words) {
      break;
    }
    words = next;
  }
  return words;
}
const promptWords = args['prompt-words'] ? Number(args['prompt-words']) : await wordsFor(promptTokens);

async function complete(seed) {
  const started = performance.now();
  const response = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model, prompt: prompt(seed, promptWords), max_tokens: maxTokens, temperature: 0,
      stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  }
  const decoder = new TextDecoder();
  let buffered = '';
  let first = 0;
  let last = 0;
  let usage = null;
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('');
      if (data === '' || data === '[DONE]') {
        continue;
      }
      const json = JSON.parse(data);
      if (json.usage) {
        usage = json.usage;
      }
      if (json.choices?.length) {
        const now = performance.now();
        first ||= now;
        last = now;
      }
    }
  }
  if (!usage) {
    throw new Error('the stream ended without usage (stream_options.include_usage)');
  }
  return { ttft: (first - started) / 1000, generating: (last - first) / 1000,
    completion: usage.completion_tokens, prompt: usage.prompt_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0 };
}

const results = [];
const wallStart = performance.now();
await Promise.all(Array.from({ length: clients }, async (_, c) => {
  for (let r = 0; r < requests; r++) {
    results.push(await complete(firstSeed + c * requests + r));
  }
}));
const wall = (performance.now() - wallStart) / 1000;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
};
const generated = results.reduce((sum, r) => sum + r.completion, 0);
const ttfts = results.map(r => r.ttft);
const itl = results.filter(r => r.completion > 1).map(r => r.generating / (r.completion - 1));
console.log(JSON.stringify({
  clients, requests: results.length, wall_s: +wall.toFixed(2),
  tokens_per_s: +(generated / wall).toFixed(2),
  ttft_p50_s: +percentile(ttfts, 50).toFixed(3), ttft_p99_s: +percentile(ttfts, 99).toFixed(3),
  itl_mean_ms: +(1000 * itl.reduce((a, b) => a + b, 0) / Math.max(1, itl.length)).toFixed(1),
  prompt_words: promptWords,
  prompt_tokens_mean: Math.round(results.reduce((s, r) => s + r.prompt, 0) / results.length),
  cached_tokens_mean: Math.round(results.reduce((s, r) => s + r.cached, 0) / results.length),
  completion_tokens: generated,
}));
