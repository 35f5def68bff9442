#!/usr/bin/env bash
# Serving throughput: `hearth serve` under 1, 4, 8 and 16 concurrent streaming clients, one table.
#
#   bench/serve.sh [options] [MODEL]
#
# MODEL is a .gguf file or PRESET:TYPE (default qwen2.5-0.5b:q8_0), which `hearth synth` generates
# into bench/models/ once. Options:
#   -c LIST         concurrent clients, comma-separated (1,4,8,16)
#   -r R            requests per client, one after another (3)
#   -p P            prompt tokens of each request, about (100)
#   -n N            max tokens of each answer (128)
#   -t THREADS      threads of the server (the number of processors)
#   --smoke         the tiny preset, 1 and 4 clients, few tokens: checks the pipeline end to end
#   --llamacpp      then the same load on llama.cpp's own continuous batching (bench/llamacpp/
#                   batch.mjs: node-llama-cpp's prebuilt CPU library, no HTTP), a second table
#
# SERVE_EXTRA in the environment adds options to `hearth serve`'s command line, e.g.
# SERVE_EXTRA="--batch 256" to try another step budget.
#
# For each concurrency it prints aggregate generated tokens/s, the speed-up over one client, time
# to first token p50/p99 and the mean inter-token latency, as bench/serve/load.mjs measures them
# over HTTP. Needs JDK 25 and Node.js 20+.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/bench"
client_counts=1,4,8,16
reps=3
prompt=100
gen=128
threads=$(nproc)
smoke=false
llamacpp=false
model=""
command_line="${SERVE_EXTRA:+SERVE_EXTRA=\"$SERVE_EXTRA\" }bench/serve.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    -c) client_counts=$2; shift 2 ;;
    -r) reps=$2; shift 2 ;;
    -p) prompt=$2; shift 2 ;;
    -n) gen=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    --smoke) smoke=true; shift ;;
    --llamacpp) llamacpp=true; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "serve.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) model=$1; shift ;;
  esac
done
if $smoke; then
  model=${model:-tiny:q8_0}
  client_counts=1,4
  reps=1
  prompt=20
  gen=8
fi
model=${model:-qwen2.5-0.5b:q8_0}

. "$root/.mvn/find-jdk25.sh"
jar="$root/hearth-cli/target/hearth.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root"/hearth-* -path '*/target' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print 2>/dev/null | head -n 1)" ]; then
  echo "serve.sh: building hearth-cli/target/hearth.jar..." >&2
  (cd "$root" && ./mvnw -q -B -pl hearth-cli -am package -DskipTests >&2)
fi
hearth() {
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -XX:+UseParallelGC -jar "$jar" "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
}

if [[ "$model" == *:* && ! -f "$model" ]]; then
  preset=${model%%:*}
  type=${model##*:}
  file="$bench/models/$preset-$type.gguf"
  if [ ! -f "$file" ]; then
    mkdir -p "$bench/models"
    hearth synth --preset "$preset" --type "$type" -o "$file" >&2
  fi
else
  file=$model
fi
name=$(basename "$file" .gguf)

max_clients=$(tr ',' '\n' <<<"$client_counts" | sort -n | tail -n 1)
port=$(( 20000 + RANDOM % 20000 ))
log=$(mktemp)
# java itself in the background (not the hearth function), so that $! is the server and the trap stops it
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
    -jar "$jar" serve --model "$file" --port "$port" --threads "$threads" --parallel "$max_clients" ${SERVE_EXTRA:-} \
    --ctx $(( (prompt * 2 + gen + 255) / 256 * 256 )) >"$log" 2>&1 &
server=$!
stop_server() {
  local status=$?
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
  exit "$status"
}
trap stop_server EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; echo "serve.sh: the server did not start" >&2; exit 1; }
  sleep 0.2
done
# warm-up: one request alone, then one per client at once, so the JIT has compiled the batched
# paths too before anything is timed. Every request, warm-up or timed, sends a prompt of its own
# seed (seed is the running count of requests sent), so none finds its prompt in the prefix cache.
# The first run measures how many words make a prompt of $prompt tokens; the others reuse it.
seed=1
words=$(node "$bench/serve/load.mjs" --url "http://127.0.0.1:$port" --model "$name" --clients 1 --requests 1 \
    --prompt-tokens "$prompt" --max-tokens 16 --first-seed "$seed" | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).prompt_words));')
seed=$(( seed + 1 ))
node "$bench/serve/load.mjs" --url "http://127.0.0.1:$port" --model "$name" --clients "$max_clients" --requests 1 \
    --prompt-words "$words" --max-tokens 16 --first-seed "$seed" >/dev/null
seed=$(( seed + max_clients ))

echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) logical CPUs)"
echo "jdk:      $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*Runtime.*(build \(.*\))/\1/p')"
echo "model:    $file ($name), $threads threads"
echo "requests: $reps per client, one after another; prompts of ~$prompt tokens, answers of up to $gen"
echo "command:  $command_line"
echo
echo "| clients | requests | tokens/s | × 1 client | TTFT p50 (s) | TTFT p99 (s) | inter-token (ms) | prompt tokens | of them cached |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
single=""
for c in ${client_counts//,/ }; do
  json=$(node "$bench/serve/load.mjs" --url "http://127.0.0.1:$port" --model "$name" --clients "$c" \
      --requests "$reps" --prompt-words "$words" --max-tokens "$gen" --first-seed "$seed")
  seed=$(( seed + c * reps ))
  node -e '
    const r = JSON.parse(process.argv[1]);
    const single = process.argv[2] ? Number(process.argv[2]) : r.tokens_per_s;
    console.log(`| ${r.clients} | ${r.requests} | ${r.tokens_per_s.toFixed(1)} | ${(r.tokens_per_s / single).toFixed(2)} | ` +
      `${r.ttft_p50_s.toFixed(2)} | ${r.ttft_p99_s.toFixed(2)} | ${r.itl_mean_ms.toFixed(1)} | ${r.prompt_tokens_mean} | ` +
      `${r.cached_tokens_mean} |`);
  ' "$json" "$single"
  single=${single:-$(node -e 'console.log(JSON.parse(process.argv[1]).tokens_per_s)' "$json")}
  prompt_tokens=$(node -e 'console.log(Math.round(JSON.parse(process.argv[1]).prompt_tokens_mean))' "$json")
done

if $llamacpp; then
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  CALLER=serve.sh "$bench/llamacpp/install.sh"
  echo
  echo "llama.cpp, the same load: its own continuous batching in one process (bench/llamacpp/batch.mjs), no HTTP;"
  echo "prompts of $prompt_tokens tokens, the server's count above"
  echo
  echo "| clients | requests | tokens/s | × 1 client | TTFT p50 (s) | TTFT p99 (s) | inter-token (ms) |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  single=""
  for c in ${client_counts//,/ }; do
    json=$(node "$bench/llamacpp/batch.mjs" "$file" -c "$c" -r "$reps" -p "$prompt_tokens" -n "$gen" -t "$threads")
    node -e '
      const r = JSON.parse(process.argv[1]);
      const single = process.argv[2] ? Number(process.argv[2]) : r.tokens_per_second;
      console.log(`| ${r.clients} | ${r.requests} | ${r.tokens_per_second.toFixed(1)} | ` +
        `${(r.tokens_per_second / single).toFixed(2)} | ${r.ttft_p50_s.toFixed(2)} | ${r.ttft_p99_s.toFixed(2)} | ` +
        `${r.inter_token_ms.toFixed(1)} |`);
    ' "$json" "$single"
    single=${single:-$(node -e 'console.log(JSON.parse(process.argv[1]).tokens_per_second)' "$json")}
  done
fi
