package dev.hearth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth tokenize FILE "text"}: the token ids and pieces a model's tokenizer gives a text. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Show the tokens a model's tokenizer turns a text into (no BOS/EOS is added).")
final class TokenizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "A .gguf model or vocabulary, or a Hugging Face tokenizer.json.")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "The text to tokenize.")
    String text;

    @Option(names = "--file", paramLabel = "TEXT_FILE", description = "Read the text from this UTF-8 file instead.")
    Path textFile;

    @Option(names = "--special", description = "Match control tokens such as <|im_start|> in the text (as chat text).")
    boolean special;

    @Option(names = "--json", description = "Print JSON: {\"ids\": [...], \"pieces\": [...]}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((text == null) == (textFile == null)) {
            throw new ParameterException(spec.commandLine(), "give the text either as TEXT or with --file, not both or neither");
        }
        String text = textFile != null ? Files.readString(textFile, StandardCharsets.UTF_8) : this.text;
        Tokenizer tokenizer = Tokenizers.open(file);
        int[] ids = tokenizer.encode(text, special ? SpecialTokenMode.ALL : SpecialTokenMode.USER_DEFINED);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            var idArray = root.putArray("ids");
            var pieceArray = root.putArray("pieces");
            for (int id : ids) {
                idArray.add(id);
                pieceArray.add(tokenizer.vocabulary().token(id));
            }
            out.println(mapper.writeValueAsString(root));
        } else {
            for (int id : ids) {
                out.printf("%8d  %s%n", id, quoted(tokenizer.vocabulary().token(id)));
            }
            out.printf("%d tokens (%s tokenizer, %d-entry vocabulary)%n", ids.length, tokenizer.kind(), tokenizer.vocabulary().size());
        }
        out.flush();
        return 0;
    }

    /** The piece in quotes, with control characters escaped so every piece fits on its line. */
    private static String quoted(String piece) {
        StringBuilder sb = new StringBuilder("'");
        piece.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                default -> {
                    if (Character.isISOControl(cp)) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('\'').toString();
    }
}
