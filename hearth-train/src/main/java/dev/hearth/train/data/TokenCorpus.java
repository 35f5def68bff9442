package dev.hearth.train.data;

import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.train.tokenizer.Corpus;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A corpus tokenized once into a file of int32 token ids and mapped, so that training reads any
 * window without holding the corpus on the heap. Documents are separated as the tokenizer's
 * model expects (BOS before each when it adds one, EOS after each when it has one). The last
 * {@code heldOutFraction} of the tokens are held out for the validation loss.
 */
public final class TokenCorpus implements AutoCloseable {
    private static final ValueLayout.OfInt TOKEN = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Arena arena;
    private final MemorySegment tokens;
    private final long count;
    private final long trainEnd;
    private final int documents;
    private final long fingerprint;

    private TokenCorpus(Path file, Arena arena, MemorySegment tokens, long trainEnd, int documents, long fingerprint) {
        this.file = file;
        this.arena = arena;
        this.tokens = tokens;
        this.count = tokens.byteSize() / Integer.BYTES;
        this.trainEnd = trainEnd;
        this.documents = documents;
        this.fingerprint = fingerprint;
    }

    /**
     * Tokenizes every document of {@code inputs} (see {@link Documents}) into a temporary file in
     * {@code workDir}, deleted on {@link #close}.
     *
     * @param minWindow the tokens one training window needs ({@code seqLen + 1}): both parts must hold one
     * @param progress told the tokens written so far after each piece of text
     * @param badLine given each JSONL line that cannot be used: throws it to stop, or keeps it to skip the line
     * @throws TrainingDataException naming the file (and line) that cannot be used, or when the
     *     corpus is too small
     */
    public static TokenCorpus build(List<Path> inputs, Tokenizer tokenizer, Path workDir, double heldOutFraction,
            int minWindow, LongConsumer progress, java.util.function.Consumer<TrainingDataException> badLine)
            throws IOException {
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        }
        List<Path> files = Corpus.of(inputs).files(); // the tokenizer trainer's files, in its order
        Files.createDirectories(workDir);
        Path file = Files.createTempFile(workDir, "hearth-train-", ".tokens");
        var bos = tokenizer.specialTokens().addBos() ? tokenizer.specialTokens().bos() : java.util.OptionalInt.empty();
        var eos = tokenizer.specialTokens().eos();
        long[] written = {0, 0, 1125899906842597L}; // tokens, documents, running hash
        boolean[] open = {false};
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (Path input : files) {
                Documents.read(input, Documents.sink(text -> {
                    if (!open[0]) {
                        open[0] = true;
                        bos.ifPresent(id -> write(out, id, written));
                    }
                    for (int id : tokenizer.encode(text, SpecialTokenMode.NONE)) {
                        write(out, id, written);
                    }
                    progress.accept(written[0]);
                }, () -> {
                    if (open[0]) {
                        eos.ifPresent(id -> write(out, id, written));
                        written[1]++;
                    }
                    open[0] = false;
                }), badLine);
            }
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        progress.accept(written[0]);
        long total = written[0];
        long heldOut = Math.max(minWindow, (long) Math.ceil(total * heldOutFraction));
        if (total - heldOut < minWindow) {
            Files.deleteIfExists(file);
            throw new TrainingDataException(files.getFirst(), 0, "the corpus holds " + total + " tokens; training windows of "
                    + minWindow + " tokens need at least " + 2L * Math.max(minWindow, 1)
                    + " (one window to train on and one held out); add text or shorten seq_len");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new TokenCorpus(file, arena, segment, total - heldOut, (int) written[1], written[2] ^ total);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static void write(DataOutputStream out, int id, long[] written) {
        try {
            out.writeInt(Integer.reverseBytes(id)); // little-endian on disk, as the mapping reads it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written[0]++;
        written[2] = written[2] * 31 + id;
    }

    /** Fills {@code B} windows from random starts in the training part: targets are inputs shifted by one. */
    public void sampleTraining(int[] inputs, int[] targets, int B, int T, SplitMix64 random) {
        for (int b = 0; b < B; b++) {
            long start = (long) (random.nextDouble() * (trainEnd - T));
            window(start, inputs, targets, b * T, T);
        }
    }

    /** How many whole batches of windows the held-out part holds (at least 1). */
    public int validationBatches(int B, int T) {
        return (int) Math.max(1, (count - trainEnd - 1) / ((long) B * T));
    }

    /**
     * Held-out batch {@code index}: consecutive windows from the start of the held-out part, the
     * same every time (windows past its end wrap to its start).
     */
    public void validation(int index, int[] inputs, int[] targets, int B, int T) {
        long span = count - trainEnd - T;
        for (int b = 0; b < B; b++) {
            long start = trainEnd + ((long) (index * B + b) * T) % Math.max(1, span);
            window(start, inputs, targets, b * T, T);
        }
    }

    private void window(long start, int[] inputs, int[] targets, int at, int T) {
        for (int t = 0; t < T; t++) {
            inputs[at + t] = token(start + t);
            targets[at + t] = token(start + t + 1);
        }
    }

    public int token(long index) {
        return tokens.getAtIndex(TOKEN, index);
    }

    /**
     * The held-out cross-entropy, in nats per token, of the training part's unigram distribution
     * (add-one smoothed over {@code vocabularySize}): the loss of a model that knows token
     * frequencies and nothing else, which a trained model must beat.
     */
    public double unigramCrossEntropy(int vocabularySize) {
        long[] counts = new long[vocabularySize];
        for (long i = 0; i < trainEnd; i++) {
            counts[token(i)]++;
        }
        double norm = trainEnd + vocabularySize;
        double sum = 0;
        for (long i = trainEnd + 1; i < count; i++) { // the tokens predicted in held-out windows
            sum -= Math.log((counts[token(i)] + 1) / norm);
        }
        return sum / (count - trainEnd - 1);
    }

    /** Every token. */
    public long size() {
        return count;
    }

    /** Tokens in the training part. */
    public long trainingTokens() {
        return trainEnd;
    }

    public int documents() {
        return documents;
    }

    /** A hash of the token stream, so a resumed run can tell that its data changed. */
    public long fingerprint() {
        return fingerprint;
    }

    @Override
    public void close() {
        arena.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file left behind in the work folder is harmless
        }
    }
}
