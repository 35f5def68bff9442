// llama-bench's measurements through node-llama-cpp, timed exactly as `hearth bench` times Hearth:
//   pp: P random tokens evaluated as one batch on an empty sequence (logits of the last token);
//   tg: N single-token evaluations on an empty sequence, each producing logits and a greedy token.
// Each test runs `warmup` times untimed, then `r` times timed; tokens/s as mean ± sample stddev.
// Load time: from loading the file to the first token's logits.
//
//   node bench.mjs FILE.gguf [-p 512] [-n 128] [-t THREADS] [-r 5] [--warmup 1] [-b P] [--seed 42]
//
// Prints one JSON object with the same field names as `hearth bench --json`.
import os from "node:os";
import {cpuLlama, versions, parseArgs, random} from "./llama.mjs";

const {options: o, positional} = parseArgs(process.argv.slice(2), {
    p: 512, n: 128, t: os.availableParallelism(), r: 5, warmup: 1, b: 0, seed: 42
});
if (positional.length !== 1)
    throw new Error("usage: node bench.mjs FILE.gguf [-p P] [-n N] [-t THREADS] [-r R] [--warmup W] [-b B] [--seed S]");
const file = positional[0];
const batch = o.b > 0 ? o.b : Math.max(1, o.p);

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function throughput(samples) {
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const squares = samples.reduce((s, x) => s + (x - mean) ** 2, 0);
    return {tokens_per_second: mean, stddev: samples.length > 1 ? Math.sqrt(squares / (samples.length - 1)) : 0, samples};
}

async function repeat(run) {
    for (let i = 0; i < o.warmup; i++)
        await run();
    const samples = [];
    for (let i = 0; i < o.r; i++)
        samples.push(await run());
    return throughput(samples);
}

const llama = await cpuLlama();
const loadStart = process.hrtime.bigint();
const model = await llama.loadModel({modelPath: file, gpuLayers: 0, useMmap: true});
const context = await model.createContext({
    contextSize: Math.max(1, o.p, o.n),
    batchSize: batch,
    sequences: 1,
    threads: {ideal: o.t, min: o.t},
    flashAttention: false,
    ignoreMemorySafetyChecks: true,
    failedCreationRemedy: false
});
const sequence = context.getSequence();
const evaluateOptions = {temperature: 0, yieldEogToken: true};
{
    const first = sequence.evaluate([model.tokens.bos ?? 0], evaluateOptions);
    await first.next();
    await first.return();
}
const loadMs = seconds(loadStart) * 1e3;

const vocabulary = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
const next = random(o.seed);
const randomTokens = (count) => Array.from({length: count}, () => Math.floor(next() * vocabulary));

const report = {
    engine: "llama.cpp",
    ...versions(llama),
    threads: context.currentThreads ?? o.t,
    model: file,
    architecture: model.fileInfo.metadata.general.architecture,
    type: model.typeDescription,
    prompt_tokens: o.p,
    gen_tokens: o.n,
    batch_size: context.batchSize,
    context_size: context.contextSize,
    repetitions: o.r,
    warmups: o.warmup,
    load_ms: loadMs
};

if (o.p > 0) {
    const prompt = randomTokens(o.p);
    report.pp = await repeat(async () => {
        await sequence.clearHistory();
        const start = process.hrtime.bigint();
        const run = sequence.evaluate(prompt, evaluateOptions);
        await run.next();            // the whole prompt, then the last token's logits
        const took = seconds(start);
        await run.return();
        return o.p / took;
    });
}
if (o.n > 0) {
    const tokens = randomTokens(o.n);
    report.tg = await repeat(async () => {
        await sequence.clearHistory();
        const start = process.hrtime.bigint();
        const run = sequence.evaluate([tokens[0]], evaluateOptions);
        await run.next();
        for (let i = 1; i < o.n; i++)
            await run.next(tokens[i]); // evaluate this token instead of the generated one
        const took = seconds(start);
        await run.return();
        return o.n / took;
    });
}
report.system_info = llama.systemInfo;

console.log(JSON.stringify(report, null, 2));
await context.dispose();
await model.dispose();
await llama.dispose();
