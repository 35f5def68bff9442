#!/usr/bin/env bash
# Training throughput (the training issue), one table:
#   - hearth train on the tiny and 20m presets: training tokens/s, and the model FLOP/s they mean
#     as a share of the machine's float32 matrix-multiply rate (hearth bench --matmul)
#   - hearth finetune (LoRA, rank 8, every target) on the qwen2.5-0.5b synthetic model at q8_0:
#     training tokens/s (the conversations' tokens, padding not counted)
#
#   bench/train.sh [-t THREADS] [--steps-tiny N] [--steps-20m N] [--steps-lora N] [--smoke]
#
# The data is generated (bench/train/corpus.mjs: short English and Chinese stories, and chat
# JSONL); the tokenizer is trained on it first (8192 tokens). Throughput excludes tokenizing and
# evaluation. Then llama.cpp (node-llama-cpp, bench/llamacpp: run npm ci there first) loads the
# trained tiny model and an adapter fine-tuned on it, and must continue a prompt with the same
# greedy text as Hearth; a difference fails the script. --smoke runs the pipeline in seconds on the tiny preset and the tiny synthetic
# model (CI calls it); its numbers mean nothing. Files go to a temporary folder, deleted after;
# the qwen2.5-0.5b model is generated once into bench/models/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
command_line="bench/train.sh $*"
threads=$(nproc)
smoke=0
steps_tiny=100
steps_20m=4
steps_lora=4
while [ $# -gt 0 ]; do
  case "$1" in
    -t) threads=$2; shift 2 ;;
    --steps-tiny) steps_tiny=$2; shift 2 ;;
    --steps-20m) steps_20m=$2; shift 2 ;;
    --steps-lora) steps_lora=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "train.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

hearth() { "$root/hearth" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stories=20000; chats=64; vocab=8192; presets="tiny 20m"; lora_model="$root/bench/models/qwen2.5-0.5b-q8_0.gguf"
if [ "$smoke" = 1 ]; then
  stories=1500; chats=32; vocab=600; presets="tiny"; steps_tiny=150; steps_lora=2; lora_model="$work/tiny-q8_0.gguf"
fi

node "$root/bench/train/corpus.mjs" --stories "$stories" > "$work/stories.txt"
node "$root/bench/train/corpus.mjs" --chat "$chats" > "$work/chat.jsonl"
mkdir -p "$work/tok"
hearth tokenizer train "$work/stories.txt" --vocab-size "$vocab" -o "$work/tok/tokenizer.json" >/dev/null 2>&1
matmul=$(hearth bench --matmul -t "$threads" --json 2>/dev/null | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).matmul.best_gflops.toFixed(1)))')

echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) logical CPUs)"
echo "jdk:      $(. "$root/.mvn/find-jdk25.sh"; "$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*Runtime.*(build \(.*\))/\1/p')"
echo "threads:  $threads"
echo "matmul:   $matmul GFLOP/s best (float32, 1024×1024 × 256 tokens; hearth bench --matmul)"
echo "data:     $stories generated stories ($(wc -c < "$work/stories.txt") bytes), tokenizer of $vocab tokens trained on them"
echo "command:  $command_line"
echo
echo "| run | parameters | steps | tokens/s | model GFLOP/s | share of matmul rate | loss |"
echo "|---|--:|--:|--:|--:|--:|---|"

for preset in $presets; do
  steps=$steps_tiny; [ "$preset" = 20m ] && steps=$steps_20m
  hearth train --config "$preset" --set steps="$steps" --set eval_every=0 --set checkpoint_every=0 \
    --set eval_batches=2 --data "$work/stories.txt" --tokenizer "$work/tok/tokenizer.json" \
    -o "$work/$preset.gguf" --threads "$threads" > "$work/$preset.out" 2> "$work/$preset.err"
  params=$(sed -n 's/^\([0-9.]*[KMG]*\) parameters;.*/\1/p' "$work/$preset.err")
  line=$(cat "$work/$preset.out")
  tps=$(echo "$line" | sed -n 's/.*, \([0-9]*\) tokens\/s (\([0-9.]*\) GFLOP\/s).*/\1/p')
  gflops=$(echo "$line" | sed -n 's/.*tokens\/s (\([0-9.]*\) GFLOP\/s).*/\1/p')
  loss=$(echo "$line" | sed -n 's/.*train loss \([0-9.]*\), held-out loss \([0-9.]*\) (unigram baseline \([0-9.]*\)).*/train \1, held-out \2 (unigram \3)/p')
  share=$(node -e "console.log((100 * $gflops / $matmul).toFixed(1) + '%')")
  echo "| train --config $preset | $params | $steps | $tps | $gflops | $share | $loss |"
done

if [ ! -f "$lora_model" ]; then
  if [ "$smoke" = 1 ]; then
    hearth synth --preset tiny --type q8_0 -o "$lora_model" >/dev/null 2>&1
  else
    mkdir -p "$(dirname "$lora_model")"
    hearth synth --preset qwen2.5-0.5b --type q8_0 -o "$lora_model" >/dev/null 2>&1
  fi
fi
hearth finetune "$lora_model" --data "$work/chat.jsonl" -o "$work/adapter.gguf" --steps "$steps_lora" \
  --batch-size 8 --threads "$threads" > "$work/lora.out" 2> "$work/lora.err"
line=$(cat "$work/lora.out")
tps=$(echo "$line" | sed -n 's/.*, \([0-9]*\) tokens\/s$/\1/p')
loss=$(echo "$line" | sed -n 's/.*loss \([0-9.]*\) -> \([0-9.]*\).*/\1 → \2/p')
params=$(sed -n 's/.*; \([0-9.]*[KMG]*\) adapter parameters.*/\1 (adapter)/p' "$work/lora.err")
echo "| finetune $(basename "$lora_model" .gguf), LoRA r8 | $params | $steps_lora | $tps | | | $loss |"

# llama.cpp loads what Hearth trained: the tiny model, and an adapter fine-tuned on it
same_as_llama_cpp() { # MODEL PROMPT [ADAPTER]
  local lora_hearth=() lora_node=()
  if [ -n "${3:-}" ]; then lora_hearth=(--lora "$3"); lora_node=(--lora "$3"); fi
  local ours theirs
  ours="$2$(hearth generate "$1" --special -p "$2" -n 12 --temp 0 "${lora_hearth[@]}" 2>/dev/null)"
  theirs=$(node "$root/bench/llamacpp/generate.mjs" "$1" "$2" 12 -t "$threads" "${lora_node[@]}" 2>/dev/null)
  if [ "$ours" != "$theirs" ]; then
    printf 'train.sh: llama.cpp continues differently from Hearth (%s):\n  hearth:    %s\n  llama.cpp: %s\n' \
      "$(basename "$1")${3:+ with $(basename "$3")}" "$ours" "$theirs" >&2
    exit 1
  fi
}
hearth finetune "$work/tiny.gguf" --data "$work/chat.jsonl" -o "$work/tiny-adapter.gguf" --steps 60 --lr 0.01 \
  --threads "$threads" >/dev/null 2>&1
same_as_llama_cpp "$work/tiny.gguf" "Lily had a"
chat=$'<|im_start|>user\nWhere did Mia take the kite?<|im_end|>\n<|im_start|>assistant\n'
same_as_llama_cpp "$work/tiny.gguf" "$chat" "$work/tiny-adapter.gguf"
echo
echo "llama.cpp: loads the trained tiny model and its fine-tuned adapter, and continues prompts with Hearth's greedy text"
