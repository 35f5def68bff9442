package dev.hearth.model.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds GGUF bytes by hand, field by field, for tests of malformed and unusual files. */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    GgufBytes header(int version, long tensorCount, long kvCount) {
        return u32(GgufReader.MAGIC).u32(version).u64(tensorCount).u64(kvCount);
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    GgufBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    GgufBytes string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    /** A metadata entry holding a uint32. */
    GgufBytes kvU32(String key, int value) {
        return string(key).u32(GgufValueType.UINT32.id()).u32(value);
    }

    /** A tensor directory entry. */
    GgufBytes tensor(String name, int typeId, long offset, long... dims) {
        string(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(typeId).u64(offset);
    }

    GgufBytes padTo(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toArray() {
        return out.toByteArray();
    }
}
