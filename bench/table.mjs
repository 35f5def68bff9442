// Prints the side-by-side table from the JSON files that run.sh leaves in a results folder:
//   meta.json, bandwidth.json, runs.tsv (label, type, hearth json, llama.cpp json per line).
//   node table.mjs RESULTS_DIR
// Exits 1 if a run is missing a measurement (so --smoke fails loudly).
import {readFileSync} from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const read = (file) => JSON.parse(readFileSync(path.join(dir, file), "utf8"));
const meta = read("meta.json");
const bandwidth = read("bandwidth.json").bandwidth;

const fixed = (x, digits = 1) => (x == null || !Number.isFinite(x) ? "—" : x.toFixed(digits));
const withSd = (t) => (t ? `${fixed(t.tokens_per_second)} ± ${fixed(t.stddev)}` : "—");
const ratio = (a, b) => (a && b ? fixed(a.tokens_per_second / b.tokens_per_second, 2) : "—");
// A model that fits in the last-level cache is not read from memory for each token: mark it.
const cached = (report) => meta.llc_bytes > 0 && report.weight_bytes_per_token <= meta.llc_bytes;
let anyCached = false;
const share = (report) => {
    if (!report.tg || !report.weight_bytes_per_token)
        return "—";
    anyCached ||= cached(report);
    return fixed(100 * report.tg.tokens_per_second * report.weight_bytes_per_token / (bandwidth.best_gbps * 1e9)) + "%"
        + (cached(report) ? "*" : "");
};

const rows = [];
let incomplete = false;
for (const line of readFileSync(path.join(dir, "runs.tsv"), "utf8").split("\n").filter(Boolean)) {
    const [label, type, hearthFile, llamaFile] = line.split("\t");
    const h = read(hearthFile);
    const l = read(llamaFile);
    l.weight_bytes_per_token = h.weight_bytes_per_token; // the same file: the same bytes per token
    for (const [name, r] of [["hearth", h], ["llama.cpp", l]])
        for (const test of ["pp", "tg"])
            if (!(r[test]?.tokens_per_second > 0)) {
                console.error(`run.sh: ${label}: ${name} gave no positive ${test} measurement`);
                incomplete = true;
            }
    rows.push([label, type || h.type, withSd(h.pp), withSd(l.pp), ratio(h.pp, l.pp),
        withSd(h.tg), withSd(l.tg), ratio(h.tg, l.tg), `${share(h)} / ${share(l)}`]);
}

const heading = ["model", "type", `pp${meta.prompt_tokens} Hearth`, `pp${meta.prompt_tokens} llama.cpp`, "ratio",
    `tg${meta.gen_tokens} Hearth`, `tg${meta.gen_tokens} llama.cpp`, "ratio", "tg % of ceiling (H / L)"];
const widths = heading.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => "| " + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";

console.log(`date:       ${meta.date}`);
console.log(`cpu:        ${meta.cpu} (${meta.cpu_flags}; ${meta.cores} logical CPUs)`);
console.log(`jdk:        ${meta.jdk}`);
console.log(`llama.cpp:  ${meta.llama_cpp} via node-llama-cpp ${meta.node_llama_cpp} (${meta.llama_build} CPU build)`);
console.log(`threads:    ${meta.threads}; P = ${meta.prompt_tokens}, N = ${meta.gen_tokens}, ${meta.warmups} warm-up + ${meta.repetitions} timed runs; tokens/s, mean ± stddev`);
console.log(`bandwidth:  ${fixed(bandwidth.best_gbps)} GB/s best (${fixed(bandwidth.mean_gbps)} mean) reading ${bandwidth.buffer_bytes >> 20} MiB with ${bandwidth.threads} threads; ceiling = bandwidth / weight bytes per token`);
console.log(`load:       ${rows.length ? "" : "—"}` + [...readFileSync(path.join(dir, "runs.tsv"), "utf8").split("\n").filter(Boolean)]
    .map((l) => l.split("\t")).map(([label, , hf, lf]) => `${label} ${fixed(read(hf).load_ms)} ms Hearth, ${fixed(read(lf).load_ms)} ms llama.cpp`).join("; "));
console.log(`command:    ${meta.command}`);
console.log();
console.log(line(heading));
console.log("|" + widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
for (const r of rows)
    console.log(line(r));
if (anyCached)
    console.log(`\n* the weights fit in the ${meta.llc_bytes >> 20} MiB last-level cache, so memory bandwidth does not bound generation`);
process.exit(incomplete ? 1 : 0);
