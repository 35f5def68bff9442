package dev.hearth.model.arch.bert;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.model.convert.BgeSmallZh;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.runtime.ModelOptions;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hearth's BERT encoder on bge-small-zh-v1.5 imported from ONNX, against the same ONNX file run by
 * ONNX Runtime through LangChain4j ({@code BgeSmallZhV15EmbeddingModel}: CLS pooling, normalised),
 * and Hearth's WordPiece ids against Hugging Face's tokenizer (DJL's binding) on the same
 * tokenizer.json. Inputs stay under 510 tokens, where LangChain4j would split them.
 */
class BgeSmallZhReferenceIT {
    static final List<String> SENTENCES = List.of(
            "你好",
            "今天天气很好，我们去公园散步吧。",
            "The quick brown fox jumps over the lazy dog.",
            "Hearth runs GGUF Models on the JVM, without Native Code!",
            "我在用 Java 25 写一个 LLM 推理引擎，支持 GGUF 和 ONNX。",
            "价格是 1,234.56 元，折扣 15%，电话 010-12345678。",
            "！？。，、；：“”‘’（）《》【】",
            "ＡＢＣ１２３　全角字符ｈｅｌｌｏ",
            "What's the difference between BERT, RoBERTa and DeBERTa?",
            "机器学习是人工智能的一个分支，它使计算机能够在没有明确编程的情况下从数据中学习。"
                    + "深度学习是机器学习的一个子领域，它使用多层神经网络来学习数据的表示。"
                    + "近年来，大型语言模型在自然语言处理任务中取得了显著的进展，例如机器翻译、问答系统和文本摘要。"
                    + "这些模型通常在海量文本上进行预训练，然后针对特定任务进行微调，从而获得更好的性能。",
            "北京是中华人民共和国的首都，也是全国的政治、文化中心。Beijing hosted the 2008 Olympics.",
            "e-mail: someone@example.com; URL https://example.org/a?b=c&d=e #tag @user",
            "NASA's James Webb Space Telescope (JWST) launched on December 25, 2021.",
            "龘靐齉爩 — rare characters 𠀀𪚥 and emoji 😀👍");

    private static WorkerPool pool;
    private static EmbeddingModel hearth;
    private static BgeSmallZhV15EmbeddingModel reference;

    @BeforeAll
    static void open() throws IOException {
        pool = new WorkerPool(Math.min(4, Runtime.getRuntime().availableProcessors()));
        hearth = Models.openEmbedding(BgeSmallZh.gguf(), ModelOptions.defaults().withKernels(Kernels.vectorized(pool)));
        reference = new BgeSmallZhV15EmbeddingModel();
    }

    @AfterAll
    static void close() {
        hearth.close();
        pool.close();
    }

    @Test
    void tokenizesAsHuggingFaceDoes() throws IOException {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(BgeSmallZh.tokenizerJson())) {
            for (String sentence : SENTENCES) {
                int[] expected = Arrays.stream(hf.encode(sentence).getIds()).mapToInt(Math::toIntExact).toArray();
                assertThat(hearth.tokenize(sentence)).as(sentence).containsExactly(expected);
            }
        }
    }

    @Test
    void embedsAsOnnxRuntimeDoes() {
        double min = 1;
        double sum = 0;
        for (String sentence : SENTENCES) {
            float[] expected = reference.embed(sentence).content().vector();
            float[] actual = hearth.embed(sentence);
            assertThat(actual).hasSize(512);
            assertThat(norm(actual)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
            double cosine = dot(actual, expected) / (norm(actual) * norm(expected));
            assertThat(cosine).as("cosine for \"%s\"", sentence).isGreaterThanOrEqualTo(0.999);
            min = Math.min(min, cosine);
            sum += cosine;
        }
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO,
                "bge-small-zh-v1.5 vs ONNX Runtime over " + SENTENCES.size() + " inputs: cosine min " + min
                        + ", mean " + sum / SENTENCES.size());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }
}
