#!/usr/bin/env bash
# Knowledge bases: encoder speed against ONNX Runtime, ingestion chunks/s, retrieval latency.
#
#   bench/kb.sh [embed|ingest|query]... [options]
#
# No part named runs all three:
#   embed           sentences/s and tokens/s of bge-small-zh-v1.5: Hearth's encoder (the default
#                   embedder, and vectorized on THREADS threads) against ONNX Runtime through
#                   LangChain4j (as it comes, and with THREADS intra-op threads), same sentences
#   ingest          chunks/s through KnowledgeBases.add with the default embedder on generated
#                   Chinese and English files, and embedding's share of the time
#   query           retrieval p50/p99/mean at 10,000 and 100,000 chunks (an index filled with
#                   generated chunks and perturbed real vectors): ChunkIndex.search alone, and
#                   KnowledgeBases.retrieve (question embedded) with either embedder
# Options:
#   -t THREADS      threads for the vectorized encoder and ONNX Runtime (the number of processors)
#   --sizes A,B     query: index sizes in chunks (10000,100000)
#   --queries N     query: timed questions per size and mode (200)
#   --files N       ingest: generated files of ~600 chars (100)
#   --sentences N   embed: sentences in the mix (64)
#   --smoke         every part in seconds (8 sentences, 5 files, 1,000 chunks, 20 queries): checks
#                   that the pipeline runs (CI calls it); its numbers mean nothing
#
# Builds bench/jmh (hearth-bench) with ./mvnw when a source is newer, then runs
# dev.hearth.bench.kb.KnowledgeBaseBench with Hearth's JVM flags. The default model's GGUF is
# converted once into bench/models/; everything else goes to a temporary folder, deleted after.
# Needs JDK 25 (found as ./hearth finds it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
command_line="bench/kb.sh $*"
threads=$(nproc)
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    embed|ingest|query|--smoke) args+=("$1"); shift ;;
    -t) threads=$2; shift 2 ;;
    --sizes|--queries|--files|--sentences) args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kb.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

. "$root/.mvn/find-jdk25.sh"
classes="$root/bench/jmh/target/classes"
classpath_file="$root/bench/jmh/target/classpath.txt"
if [ ! -f "$classpath_file" ] || [ -n "$(find "$root/pom.xml" "$root"/hearth-compute "$root"/hearth-model \
    "$root"/hearth-serve "$root"/hearth-kb "$root/bench/jmh" -path '*/target' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$classpath_file" -print \
    2>/dev/null | head -n 1)" ]; then
  echo "kb.sh: building bench/jmh..." >&2
  # process-classes: compiled classes, and target/classpath.txt written by maven-dependency-plugin
  (cd "$root" && ./mvnw -q -B -pl bench/jmh -am process-classes -DskipTests >&2)
  touch "$classpath_file"
fi

echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) logical CPUs)"
echo "jdk:      $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*Runtime.*(build \(.*\))/\1/p')"
echo "threads:  $threads"
echo "command:  $command_line"

mkdir -p "$root/bench/models"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
    -cp "$classes:$(cat "$classpath_file")" dev.hearth.bench.kb.KnowledgeBaseBench \
    -t "$threads" --models "$root/bench/models" "${args[@]}" \
    2> >(grep -v -e '^WARNING: Using incubator modules' -e '^SLF4J(W)' >&2)
