// llama.cpp's own continuous batching under the load bench/serve.sh puts on `hearth serve`, so
// that the serve issue's target (8 clients at least 4x one client) can be held against what the
// reference engine reaches on the same machine:
//
//   node batch.mjs FILE.gguf [-c 8] [-r 3] [-p 100] [-n 128] [-t THREADS] [--seed 7]
//
// C clients each send R requests one after another: a new prompt of P random token ids (never
// seen before, so nothing is reused from the cache), then N greedy tokens. The C sequences share
// one context, and node-llama-cpp puts every sequence's pending tokens into one llama_decode per
// step (prompts and generated tokens alike, up to the batch size): llama.cpp's continuous
// batching, as its server does it, without HTTP. After one untimed warm-up request prints one
// JSON object: aggregate generated tokens/s, time to first token p50/p99 (from the request's
// start to its first generated token) and the mean time between a request's tokens.
import os from "node:os";
import {cpuLlama, versions, parseArgs, random} from "./llama.mjs";

const {options: o, positional} = parseArgs(process.argv.slice(2), {
    c: 8, r: 3, p: 100, n: 128, t: os.availableParallelism(), seed: 7
});
if (positional.length !== 1)
    throw new Error("usage: node batch.mjs FILE.gguf [-c CLIENTS] [-r R] [-p P] [-n N] [-t THREADS] [--seed S]");
const file = positional[0];

const now = () => Number(process.hrtime.bigint()) / 1e9;

const llama = await cpuLlama();
const model = await llama.loadModel({modelPath: file, gpuLayers: 0, useMmap: true});
const context = await model.createContext({
    contextSize: o.c * (o.p + o.n + 8),
    batchSize: 512, // hearth serve's step budget
    sequences: o.c,
    threads: {ideal: o.t, min: o.t},
    flashAttention: false,
    ignoreMemorySafetyChecks: true,
    failedCreationRemedy: false
});
const vocabulary = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
const next = random(o.seed);
const randomTokens = (count) => Array.from({length: count}, () => Math.floor(next() * vocabulary));
const sequences = Array.from({length: o.c}, () => context.getSequence());

/** One request on `sequence`: its time to first token, tokens generated and the span they took. */
async function request(sequence) {
    await sequence.clearHistory();
    const start = now();
    let first = 0;
    let count = 0;
    for await (const token of sequence.evaluate(randomTokens(o.p), {temperature: 0, yieldEogToken: true})) {
        if (count === 0)
            first = now();
        if (++count >= o.n || token === undefined)
            break;
    }
    return {ttft: first - start, tokens: count, span: now() - first};
}

await request(sequences[0]); // warm-up

const results = [];
const start = now();
await Promise.all(sequences.map(async (sequence) => {
    for (let i = 0; i < o.r; i++)
        results.push(await request(sequence));
}));
const wall = now() - start;

const ttfts = results.map(r => r.ttft).sort((a, b) => a - b);
const percentile = (q) => ttfts[Math.min(ttfts.length - 1, Math.ceil(q * ttfts.length) - 1)];
const generated = results.reduce((s, r) => s + r.tokens, 0);
const between = results.reduce((s, r) => s + r.span, 0) / results.reduce((s, r) => s + Math.max(1, r.tokens - 1), 0);
console.log(JSON.stringify({
    engine: "llama.cpp",
    ...versions(llama),
    model: file,
    threads: context.currentThreads ?? o.t,
    clients: o.c,
    requests: results.length,
    prompt_tokens: o.p,
    max_tokens: o.n,
    generated_tokens: generated,
    seconds: wall,
    tokens_per_second: generated / wall,
    ttft_p50_s: percentile(0.5),
    ttft_p99_s: percentile(0.99),
    inter_token_ms: between * 1e3
}, null, 2));
await context.dispose();
await model.dispose();
await llama.dispose();
