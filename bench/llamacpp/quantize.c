/*
 * llama.cpp's own quantizer (llama-quantize) over node-llama-cpp's prebuilt libllama, for the
 * benchmark's files in types Hearth cannot write (Q5_K_M, IQ4_XS, ...):
 *
 *   quantize IN.gguf OUT.gguf FTYPE      FTYPE: llama.cpp's llama_ftype number (17 = Q5_K_M)
 *
 * node-llama-cpp ships the libraries but not llama.h, so the two functions are declared here.
 * Their parameter struct is only ever filled by llama_model_quantize_default_params(); this
 * program sets two fields whose place has not moved since the struct was introduced: ftype, the
 * second 32-bit field, and allow_requantize, the first bool after four 32-bit fields (so that a
 * Q8_0 file can be the source). The struct is received into a buffer larger than it can be.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int32_t words[64];
} quantize_params;

quantize_params llama_model_quantize_default_params(void);
uint32_t llama_model_quantize(const char *input, const char *output, const quantize_params *params);
void llama_backend_init(void);

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: quantize IN.gguf OUT.gguf FTYPE\n");
        return 2;
    }
    llama_backend_init();
    quantize_params params = llama_model_quantize_default_params();
    params.words[1] = atoi(argv[3]);
    ((char *) &params)[4 * sizeof(int32_t)] = 1;
    uint32_t status = llama_model_quantize(argv[1], argv[2], &params);
    if (status != 0) {
        fprintf(stderr, "quantize: llama_model_quantize failed (%u)\n", status);
        return 1;
    }
    return 0;
}
