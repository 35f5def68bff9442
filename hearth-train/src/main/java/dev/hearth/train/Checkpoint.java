package dev.hearth.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Everything a run needs to continue exactly where it stopped: its config, the step, the random
 * generator's state, the corpus's fingerprint, the parameters and the optimizer's moments. A
 * resumed run takes bit-for-bit the steps the uninterrupted run would have taken.
 *
 * <p>File layout (big-endian header, little-endian floats): {@code "HEARTHCK"}, version, the
 * config's JSON, step, optimizer steps, RNG state, corpus fingerprint, tokens trained on,
 * parameter count, then the parameters, first moments and second moments.
 */
public record Checkpoint(TrainConfig config, long step, long optimizerSteps, long rngState, long corpusFingerprint,
        long tokensSeen, float[] parameters, float[] firstMoments, float[] secondMoments) {
    private static final byte[] MAGIC = "HEARTHCK".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** Writes atomically: a reader never sees half a checkpoint, and a crash keeps the previous one. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".partial");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16))) {
                out.write(MAGIC);
                out.writeInt(VERSION);
                byte[] json = config.toJson().getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length);
                out.write(json);
                out.writeLong(step);
                out.writeLong(optimizerSteps);
                out.writeLong(rngState);
                out.writeLong(corpusFingerprint);
                out.writeLong(tokensSeen);
                out.writeInt(parameters.length);
                writeFloats(out, parameters);
                writeFloats(out, firstMoments);
                writeFloats(out, secondMoments);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * @throws IllegalArgumentException naming the file and what is wrong with it (not a checkpoint,
     *     another version, truncated)
     */
    public static Checkpoint read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + ": not a Hearth training checkpoint (no HEARTHCK header)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(file + ": checkpoint version " + version + "; this Hearth reads "
                        + VERSION);
            }
            int jsonLength = in.readInt();
            if (jsonLength <= 0 || jsonLength > 1 << 20) {
                throw new IllegalArgumentException(file + ": corrupt checkpoint (config of " + jsonLength + " bytes)");
            }
            byte[] json = new byte[jsonLength];
            in.readFully(json);
            TrainConfig config = TrainConfig.fromJson((com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), file + " (config)");
            long step = in.readLong();
            long optimizerSteps = in.readLong();
            long rng = in.readLong();
            long fingerprint = in.readLong();
            long tokens = in.readLong();
            int count = in.readInt();
            long expected = 3L * count * Float.BYTES;
            long remaining = Files.size(file) - (MAGIC.length + 4 + 4 + jsonLength + 5 * 8 + 4);
            if (count <= 0 || remaining != expected) {
                throw new IllegalArgumentException(file + ": truncated or corrupt checkpoint: " + count
                        + " parameters need " + expected + " bytes of state, the file has " + remaining);
            }
            return new Checkpoint(config, step, optimizerSteps, rng, fingerprint, tokens, readFloats(in, count),
                    readFloats(in, count), readFloats(in, count));
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated checkpoint", e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; ) {
            buffer.clear();
            int n = Math.min(values.length - i, buffer.capacity() / Float.BYTES);
            buffer.asFloatBuffer().put(values, i, n);
            out.write(buffer.array(), 0, n * Float.BYTES);
            i += n;
        }
    }

    private static float[] readFloats(DataInputStream in, int count) throws IOException {
        float[] values = new float[count];
        byte[] bytes = new byte[1 << 16];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; ) {
            int n = Math.min(count - i, bytes.length / Float.BYTES);
            in.readFully(bytes, 0, n * Float.BYTES);
            buffer.clear();
            buffer.asFloatBuffer().get(values, i, n);
            i += n;
        }
        return values;
    }
}
