// Loads node-llama-cpp's prebuilt CPU library, and only that: no download, no build from source,
// no GPU probing. Shared by bench.mjs and generate.mjs.
import {readFileSync} from "node:fs";

// Set before node-llama-cpp is imported: it reads these once.
process.env.NODE_LLAMA_CPP_SKIP_DOWNLOAD = "true";
process.env.NODE_LLAMA_CPP_GPU = "false";

const {getLlama, LlamaLogLevel} = await import("node-llama-cpp");

/** The Llama instance on the prebuilt CPU binaries; threads are set per context. */
export async function cpuLlama() {
    return getLlama({
        gpu: false,
        build: "never",
        skipDownload: true,
        usePrebuiltBinaries: true,
        existingPrebuiltBinaryMustMatchBuildOptions: false,
        progressLogs: false,
        logLevel: LlamaLogLevel.error,
        maxThreads: 0 // no cap: a context's `threads` is what it runs with
    });
}

/** node-llama-cpp's version and the llama.cpp release its prebuilt binaries were built from. */
export function versions(llama) {
    const manifest = new URL("./node_modules/node-llama-cpp/package.json", import.meta.url);
    return {
        node_llama_cpp: JSON.parse(readFileSync(manifest, "utf8")).version,
        llama_cpp: `${llama.llamaCppRelease.repo}@${llama.llamaCppRelease.release}`,
        build: llama.buildType
    };
}

/** Options from argv: positional arguments, and `-x value` / `--name value` pairs. */
export function parseArgs(argv, defaults) {
    const options = {...defaults};
    const positional = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg.startsWith("-") && arg.length > 1 && Number.isNaN(Number(arg))) {
            const name = arg.replace(/^-+/, "");
            if (!(name in defaults))
                throw new Error(`unknown option ${arg} (known: ${Object.keys(defaults).join(", ")})`);
            options[name] = Number(argv[++i]);
        } else {
            positional.push(arg);
        }
    }
    return {options, positional};
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so that every run feeds the same token ids. */
export function random(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
