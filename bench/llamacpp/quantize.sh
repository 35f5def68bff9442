#!/usr/bin/env bash
# Writes a GGUF file in one of llama-quantize's types with llama.cpp's own quantizer (the prebuilt
# libllama of node-llama-cpp, which bench/run.sh installs), for types Hearth cannot write:
#
#   bench/llamacpp/quantize.sh IN.gguf OUT.gguf TYPE
#
# TYPE: q4_1 q5_0 q5_1 q2_k q3_k_s q3_k_m q3_k_l q4_k_s q5_k_s q5_k_m q6_k iq4_nl iq4_xs.
# Builds quantize.c with cc into build/ on first use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 3 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
in=$1 out=$2 type=$3
# llama.cpp's llama_ftype numbers (also written to general.file_type)
case "$type" in
  q4_1) ftype=3 ;; q5_0) ftype=8 ;; q5_1) ftype=9 ;; q2_k) ftype=10 ;;
  q3_k_s) ftype=11 ;; q3_k_m) ftype=12 ;; q3_k_l) ftype=13 ;; q4_k_s) ftype=14 ;;
  q5_k_s) ftype=16 ;; q5_k_m) ftype=17 ;; q6_k) ftype=18 ;; iq4_nl) ftype=25 ;; iq4_xs) ftype=30 ;;
  *) echo "quantize.sh: unknown type $type (see the list in $0)" >&2; exit 2 ;;
esac
lib=$(dirname "$(find "$here/node_modules/@node-llama-cpp" -name 'libllama.*so' 2>/dev/null | head -n 1)")
[ "$lib" != . ] || { echo "quantize.sh: no libllama under $here/node_modules (run npm ci there)" >&2; exit 1; }
tool="$here/build/quantize"
if [ ! -x "$tool" ] || [ "$here/quantize.c" -nt "$tool" ]; then
  mkdir -p "$here/build"
  cc -O1 -o "$tool" "$here/quantize.c" -L"$lib" -l:"$(basename "$(ls "$lib"/libllama.*so | head -n 1)")" \
      -Wl,-rpath,"$lib"
fi
"$tool" "$in" "$out" "$ftype" > "$out.log" 2>&1 || { tail -n 20 "$out.log" >&2; exit 1; }
rm -f "$out.log"
