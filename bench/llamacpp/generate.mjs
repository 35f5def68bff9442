// Greedy generation (temperature 0) through node-llama-cpp, to check that llama.cpp runs a GGUF
// file that Hearth wrote:
//
//   node generate.mjs FILE.gguf "PROMPT" N [-t THREADS] [--lora ADAPTER.gguf]
//
// The prompt gets BOS first when the file's tokenizer asks for it (as llama.cpp's tools do); then
// up to N tokens are generated, stopping early at an end-of-generation token. Prints the prompt and
// the generated text on standard output, nothing else.
import os from "node:os";
import {cpuLlama, parseArgs} from "./llama.mjs";

const argv = process.argv.slice(2);
const loraAt = argv.indexOf("--lora");
const lora = loraAt >= 0 ? argv.splice(loraAt, 2)[1] : null; // a path, which parseArgs would read as a number
const {options: o, positional} = parseArgs(argv, {t: os.availableParallelism()});
if (positional.length !== 3)
    throw new Error('usage: node generate.mjs FILE.gguf "PROMPT" N [-t THREADS] [--lora ADAPTER.gguf]');
const [file, prompt, countArg] = positional;
const count = Number(countArg);

const llama = await cpuLlama();
const model = await llama.loadModel({modelPath: file, gpuLayers: 0});
const context = await model.createContext({threads: o.t, flashAttention: false, ignoreMemorySafetyChecks: true,
    ...(lora ? {lora: {adapters: [{filePath: lora, scale: 1}]}} : {})});
const sequence = context.getSequence();

const input = model.tokenize(prompt);
if (model.tokens.shouldPrependBosToken && model.tokens.bos != null)
    input.unshift(model.tokens.bos);

const generated = [];
if (count > 0) {
    for await (const token of sequence.evaluate(input, {temperature: 0})) {
        generated.push(token);
        if (generated.length >= count)
            break;
    }
}
process.stdout.write(prompt + model.detokenize(generated) + "\n");
await context.dispose();
await model.dispose();
await llama.dispose();
