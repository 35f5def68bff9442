#!/usr/bin/env bash
# Hearth and llama.cpp side by side: the same model files, threads and token counts, one table.
#
#   bench/run.sh [options] MODEL...
#   bench/run.sh --smoke
#
# MODEL is a .gguf file, or PRESET:TYPE (e.g. qwen2.5-0.5b:q4_0), which `hearth synth` generates
# into bench/models/ once (only where the synth verb exists); a TYPE that synth does not write
# (q5_k_m, iq4_xs, ...: see llamacpp/quantize.sh) is made from PRESET:f16 by llama.cpp's quantizer. Options:
#   -p P            prompt tokens of the pp test (512)
#   -n N            generated tokens of the tg test (128)
#   -t THREADS      threads for both engines (the number of processors)
#   -r R            timed repetitions (5), after --warmup W untimed runs (1)
#   --out DIR       where the JSON reports go (bench/results/DATE)
#   --smoke         the whole pipeline with small P/N, checked end to end: `hearth synth --preset tiny
#                   --type q4_k_m`, and stories260K converted from ../shared/testdata (where present),
#                   also checking that llama.cpp generates llama2.c's story from Hearth's GGUF and
#                   that Hearth runs it requantized by llama.cpp to q4_1, q5_1 and iq4_nl
#
# Needs JDK 25 (found as ./hearth finds it) and Node.js 20+; installs bench/llamacpp's
# node_modules with `npm ci` on first use (prebuilt CPU library only, nothing downloaded at run time).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/bench"
prompt=512
gen=128
threads=$(nproc)
reps=5
warmup=1
out=""
smoke=false
models=()
command_line="bench/run.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    -p) prompt=$2; shift 2 ;;
    -n) gen=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    -r) reps=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --smoke) smoke=true; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
out=${out:-"$bench/results/$stamp"}
mkdir -p "$out"

# Hearth: hearth-cli/target/hearth.jar, rebuilt with `mvnw package` (never install) when a source of
# the modules it is made of is newer; set HEARTH to run another hearth command instead.
. "$root/.mvn/find-jdk25.sh"
jar="$root/hearth-cli/target/hearth.jar"
if [ -z "${HEARTH-}" ]; then
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/hearth-compute" "$root/hearth-model" "$root/hearth-cli" \
      -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$jar" -print 2>/dev/null | head -n 1)" ]; then
    echo "run.sh: building hearth-cli/target/hearth.jar..." >&2
    (cd "$root" && ./mvnw -q -B -pl hearth-cli -am package -DskipTests >&2)
  fi
fi
hearth() {
  if [ -n "${HEARTH-}" ]; then
    "$HEARTH" "$@"
  else
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
        -XX:+UseParallelGC -Xss4m -jar "$jar" "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
  fi
}

# llama.cpp: node-llama-cpp's prebuilt CPU library, installed exactly as package-lock.json pins it
CALLER=run.sh "$bench/llamacpp/install.sh"

has_synth() { hearth synth --help >/dev/null 2>&1; }

# A model argument as a file: a path as given, PRESET:TYPE generated once by `hearth synth`.
resolve_model() {
  local arg=$1
  if [ -f "$arg" ]; then
    echo "$arg"
  elif [[ "$arg" == *:* ]]; then
    local preset=${arg%%:*} type=${arg#*:}
    if ! has_synth; then
      echo "run.sh: $arg looks like PRESET:TYPE, but this hearth has no synth verb; give a .gguf file" >&2
      return 1
    fi
    local file="$bench/models/$preset-$type.gguf"
    if [ ! -f "$file" ]; then
      mkdir -p "$bench/models"
      case "$type" in
        f16|q8_0|q4_0|q4_k_m)
          echo "run.sh: hearth synth --preset $preset --type $type -o $file" >&2
          hearth synth --preset "$preset" --type "$type" -o "$file" >&2 ;;
        *) # a type Hearth does not write: llama.cpp's quantizer, from the F16 file
          local f16; f16=$(resolve_model "$preset:f16")
          echo "run.sh: bench/llamacpp/quantize.sh $f16 $file $type" >&2
          "$bench/llamacpp/quantize.sh" "$f16" "$file" "$type" ;;
      esac
    fi
    echo "$file"
  else
    echo "run.sh: $arg: no such file (and not PRESET:TYPE)" >&2
    return 1
  fi
}

if $smoke; then
  prompt=16; gen=8; reps=2; warmup=1
  [ ${#models[@]} -eq 0 ] || { echo "run.sh: --smoke takes no models" >&2; exit 2; }
  # the tiny preset (Qwen2.5's layout, llama.cpp's q4_k_m mix) through both engines, and, where the
  # test data is, stories260K converted by Hearth, which llama.cpp must also generate correctly
  hearth synth --preset tiny --type q4_k_m -o "$out/tiny-q4_k_m.gguf" --force >&2
  models=("$out/tiny-q4_k_m.gguf")
  testdata="$root/../shared/testdata/stories260k"
  if [ -f "$testdata/stories260K.bin" ]; then
    hearth convert llama2c "$testdata/stories260K.bin" --tokenizer "$testdata/tok512.bin" \
        -o "$out/stories260K.gguf" --force >&2
    models+=("$out/stories260K.gguf")
  fi
fi
[ ${#models[@]} -gt 0 ] || { echo "run.sh: give model files or PRESET:TYPE names (see --help)" >&2; exit 2; }

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
llc=$(lscpu -B 2>/dev/null | sed -n 's/^L3 cache: *\([0-9][0-9]*\).*/\1/p' | head -n 1)
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
simd=""
for f in avx2 avx512f avx512_vnni avx512_bf16 amx_tile; do
  case " $flags " in *" $f "*) simd="$simd${simd:+ }$f" ;; esac
done

echo "run.sh: memory bandwidth, $threads threads..." >&2
hearth bench --bandwidth -t "$threads" --json > "$out/bandwidth.json"

: > "$out/runs.tsv"
for arg in "${models[@]}"; do
  file=$(resolve_model "$arg")
  label=$(basename "$file" .gguf)
  type=""
  [[ "$arg" == *:* && ! -f "$arg" ]] && type=${arg#*:}
  common=(-p "$prompt" -n "$gen" -t "$threads" -r "$reps" --warmup "$warmup")
  echo "run.sh: $label: Hearth..." >&2
  hearth bench "$file" "${common[@]}" --json > "$out/$label.hearth.json"
  echo "run.sh: $label: llama.cpp..." >&2
  node "$bench/llamacpp/bench.mjs" "$file" "${common[@]}" > "$out/$label.llamacpp.json"
  printf '%s\t%s\t%s\t%s\n' "$label" "$type" "$label.hearth.json" "$label.llamacpp.json" >> "$out/runs.tsv"
done

first_llama="$(head -n 1 "$out/runs.tsv" | cut -f 4)"
node -e '
  const [dir, first, ...rest] = process.argv.slice(1);
  const fs = require("fs");
  const l = JSON.parse(fs.readFileSync(dir + "/" + first, "utf8"));
  const h = JSON.parse(fs.readFileSync(dir + "/bandwidth.json", "utf8"));
  const [date, cpu, flags, cores, llc, threads, p, n, r, w, command] = rest;
  fs.writeFileSync(dir + "/meta.json", JSON.stringify({date, cpu, cpu_flags: flags || "no AVX2", cores: +cores,
    llc_bytes: +llc || 0,
    threads: +threads, prompt_tokens: +p, gen_tokens: +n, repetitions: +r, warmups: +w, command,
    jdk: h.jdk, llama_cpp: l.llama_cpp, node_llama_cpp: l.node_llama_cpp, llama_build: l.build}, null, 2));
' "$out" "$first_llama" "$started" "$cpu" "$simd" "$(nproc)" "${llc:-0}" "$threads" \
  "$prompt" "$gen" "$reps" "$warmup" "$command_line"

node "$bench/table.mjs" "$out" | tee "$out/table.md"
status=${PIPESTATUS[0]}

if $smoke && [ -f "$out/stories260K.gguf" ]; then
  # llama.cpp must run Hearth's GGUF: llama2.c's greedy story, 200 tokens after BOS
  node "$bench/llamacpp/generate.mjs" "$out/stories260K.gguf" "" 200 -t 1 > "$out/generate.txt"
  if printf '%s\n' "$(cat "$root/../shared/testdata/stories260k/expected.txt")" | cmp -s - "$out/generate.txt"; then
    echo "smoke: llama.cpp generates stories260K's expected story from Hearth's GGUF"
  else
    echo "smoke: llama.cpp's greedy story from Hearth's GGUF differs from expected.txt (see $out/generate.txt)" >&2
    status=1
  fi
  # and Hearth must run the files llama.cpp's quantizer writes in types Hearth reads but does not
  # write; whether the stories agree is reported, not required (llama.cpp rounds the activations
  # to 8 bits in these products, which can flip a near-tie)
  for type in q4_1 q5_1 iq4_nl; do
    quantized="$out/stories260K-$type.gguf"
    "$bench/llamacpp/quantize.sh" "$out/stories260K.gguf" "$quantized" "$type"
    if ! hearth generate "$quantized" -p "" -n 200 --temp 0 --threads 1 > "$out/hearth-$type.txt" \
        || [ ! -s "$out/hearth-$type.txt" ]; then
      echo "smoke: Hearth could not run llama.cpp's $type file $quantized" >&2
      status=1
      continue
    fi
    node "$bench/llamacpp/generate.mjs" "$quantized" "" 200 -t 1 > "$out/llama-$type.txt"
    if printf '%s\n' "$(cat "$out/hearth-$type.txt")" | cmp -s - "$out/llama-$type.txt"; then
      echo "smoke: llama.cpp's $type file: Hearth and llama.cpp generate the same story"
    else
      echo "smoke: llama.cpp's $type file: Hearth's story differs from llama.cpp's (see $out/hearth-$type.txt)"
    fi
  done
fi
echo "results: $out" >&2
exit "$status"
