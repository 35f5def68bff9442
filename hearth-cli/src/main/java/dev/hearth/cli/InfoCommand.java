package dev.hearth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.template.ChatTemplates;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hearth info FILE.gguf}: what a model file holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's architecture, size, tensor types, context and tokenizer.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The .gguf file.")
    Path file;

    @Option(names = "--tensors", description = "Also list every tensor: name, type, shape, offset.")
    boolean tensors;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufSummary s = GgufSummary.of(gguf);
            if (json) {
                out.println(toJson(s, gguf));
            } else {
                printText(out, s, gguf);
            }
        }
        out.flush();
        return 0;
    }

    private void printText(PrintWriter out, GgufSummary s, GgufFile gguf) {
        out.printf("file:            %s (%s, GGUF v%d)%n", s.file(), Units.bytes(s.fileSize()), s.version());
        out.printf("architecture:    %s%n", s.architecture());
        s.name().ifPresent(n -> out.printf("name:            %s%n", n));
        out.printf("parameters:      %s (%d tensors)%n", Units.count(s.parameterCount()), s.tensorCount());
        if (!s.typeMix().isEmpty()) {
            StringBuilder mix = new StringBuilder();
            s.typeMix().forEach((type, share) -> mix.append(mix.isEmpty() ? "" : ", ")
                    .append(type).append(" ×").append(share.tensors()).append(" (").append(Units.bytes(share.bytes())).append(')'));
            out.printf("tensor types:    %s%n", mix);
        }
        out.printf("context length:  %s%n", s.contextLength().isPresent() ? String.valueOf(s.contextLength().getAsLong()) : "not set");
        out.printf("tokenizer:       %s%n", s.tokenizerModel()
                .map(m -> m + s.tokenizerPre().map(p -> " (pre-tokenizer " + p + ")").orElse("")
                        + ", " + s.vocabularySize() + " tokens")
                .orElse("none"));
        out.printf("chat template:   %s%n", s.hasChatTemplate() ? "yes"
                : "none in the file; Hearth would use its built-in '" + defaultTemplate(gguf) + "'");
        if (tensors) {
            out.println();
            out.printf("%-48s %-8s %-24s %14s %12s%n", "tensor", "type", "shape", "offset", "bytes");
            for (GgufTensorInfo t : gguf.tensors()) {
                out.printf("%-48s %-8s %-24s %14d %12d%n", t.name(), t.type(), t.shape(), t.offset(), t.byteSize());
            }
        }
    }

    private String toJson(GgufSummary s, GgufFile gguf) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("file", s.file());
        root.put("file_size", s.fileSize());
        root.put("gguf_version", s.version());
        root.put("architecture", s.architecture());
        s.name().ifPresent(n -> root.put("name", n));
        root.put("parameters", s.parameterCount());
        root.put("tensor_count", s.tensorCount());
        ObjectNode mix = root.putObject("tensor_types");
        s.typeMix().forEach((type, share) -> mix.putObject(type.name())
                .put("tensors", share.tensors()).put("bytes", share.bytes()));
        if (s.contextLength().isPresent()) {
            root.put("context_length", s.contextLength().getAsLong());
        } else {
            root.putNull("context_length");
        }
        ObjectNode tok = root.putObject("tokenizer");
        tok.put("model", s.tokenizerModel().orElse(null));
        tok.put("pre", s.tokenizerPre().orElse(null));
        tok.put("vocabulary_size", s.vocabularySize());
        root.put("chat_template", s.hasChatTemplate());
        if (!s.hasChatTemplate()) {
            root.put("default_chat_template", defaultTemplate(gguf));
        }
        if (tensors) {
            ArrayNode list = root.putArray("tensors");
            for (GgufTensorInfo t : gguf.tensors()) {
                ObjectNode n = list.addObject();
                n.put("name", t.name());
                n.put("type", t.type().name());
                ArrayNode shape = n.putArray("shape");
                for (long d : t.shape().dims()) {
                    shape.add(d);
                }
                n.put("offset", t.offset());
                n.put("bytes", t.byteSize());
            }
        }
        return mapper.writeValueAsString(root);
    }

    /** The built-in template chosen for a file without one, from its architecture and vocabulary. */
    private static String defaultTemplate(GgufFile gguf) {
        var md = gguf.metadata();
        java.util.Set<String> tokens = new java.util.HashSet<>(md.findStringArray("tokenizer.ggml.tokens").orElse(java.util.List.of()));
        return ChatTemplates.defaultFor(md.findString("general.architecture").orElse(null), tokens::contains).name();
    }

    /** Human-readable sizes and counts. */
    static final class Units {
        private Units() {}

        static String bytes(long n) {
            if (n < 1024) {
                return n + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB"};
            double v = n;
            int u = -1;
            while (v >= 1024 && u < units.length - 1) {
                v /= 1024;
                u++;
            }
            return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
        }

        static String count(long n) {
            if (n < 1000) {
                return Long.toString(n);
            }
            String[] units = {"K", "M", "B", "T"};
            double v = n;
            int u = -1;
            while (v >= 1000 && u < units.length - 1) {
                v /= 1000;
                u++;
            }
            return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
        }
    }
}
