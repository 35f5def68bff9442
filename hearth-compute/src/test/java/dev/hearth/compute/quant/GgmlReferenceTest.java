package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden tests against ggml itself: the expected hashes are of the output of ggml's reference C
 * functions ({@code quantize_row_*_ref}, {@code dequantize_row_*}, {@code GGML_FP32_TO_FP16},
 * {@code GGML_FP32_TO_BF16}; ggml-org/ggml at d99724f, built with gcc -O2 -ffp-contract=off on
 * x86-64; for IQ4_NL and IQ4_XS, {@code dequantize_row_iq4_*}, and for Q4_1 and Q5_1,
 * {@code quantize_row_q4_1_ref} and {@code quantize_row_q5_1_ref}, of the prebuilt {@code libggml-base}
 * of llama.cpp v0.4.0 that node-llama-cpp 3.21.1 ships, which the benchmarks use) run on exactly
 * the inputs generated here. A matching hash means our bytes and floats are
 * identical to ggml's, bit for bit; NaNs are compared as NaN whatever their payload.
 */
class GgmlReferenceTest {

    private static final int ELEMENTS = 4096;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "F16,  43e17ef022232b1dc585a62f3a5f64fe75a21e38540bf2d7ff646bbcb1dc55d0",
        "BF16, 9af0443f4d3c5f0f34a42a69a79251110234d3375bd5fa41e374c3fe564271da",
        "Q8_0, b9eefd61d72877c3aa123324452d069f688db079bad2d13150c8bfe00281de43",
        "Q4_0, 089e41499db6a980537f8deb9c54a20ef839fcde9774761b36708d7829b14b85",
        "Q4_1, 2c004e4107b8dac81e3b9ef55de26bfaced773948d5a626cba062a522a962e9a",
        "Q5_1, c18fc87d1b11dad50159b20fa4a418664946aa683da8ac4cacbfc7c889f1aeb5",
        "Q5_0, 0395c2bd5afc8e48ebe195a982e69e196b1bb601f758afd9228bd86ec921635a",
        "Q4_K, 1b45aeb940e25dbdf3568e0cadd5127acc85e37855202d97b2f8264d8a885d36",
        "Q6_K, 99eb14366c303b9856ccbc676ba8a811fa4ba4c34ce5a35a734417ce353a69ba",
    })
    void quantizesToGgmlsBytes(GgmlType type, String expectedSha256) {
        MessageDigest digest = sha256();
        for (float[] input : TestBlocks.awkwardInputs(ELEMENTS).values()) {
            digest.update(TestBlocks.quantize(type, input));
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expectedSha256);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "F16,  6150b2f9ef0889b2d1fbbd1e65c8d893ff1832d09b674f857f777cb6f377adf8",
        "BF16, 6e7009d7e3122e7e5a49085182f9140856ef9836d1297d8533b63d75d2379562",
        "Q4_0, f9718f060b2f1fc6798229877fdb73952e38cc8c9503e1ea1f305a05aae73823",
        "Q4_1, 06a9ede72aad39427fec7b02f373ee5b1268d5efa6de92730f20cc3b532194a9",
        "Q5_0, e96e9935805f4b5beb500e09381fcbed3d7dce0738c03e2312f307147500ad08",
        "Q5_1, 8714abc0f161be1ad3c898f3a4729d5cd3b6d59922b781a9010bd9f6dc268251",
        "Q8_0, 6da691e891f3f228232f3d8ff2bd6377f66547cf05257324dc570aa45b4b2159",
        "Q2_K, c9caed02421631695e249f8d676f74b455144526e1a7a60d7d175f84bf76e9cf",
        "Q3_K, 0d51b783f5014b694293a92d453dc8a970250bee96ed420120e3e866f2ffb25d",
        "Q4_K, 8bd280b686640a8bca32cb921c45b66ca2698e7e33d52df8ab481c0518d0ef51",
        "Q5_K, 90c0b1911ca373f04b40fcd201e1e3ba3ce588ed743fd2dfbe49a176669a0126",
        "Q6_K, 4f547bb924f502dc8458c01787a5c5986ed38332a0d380748e525079a2db6e6f",
        "Q8_K, 92b25b060d781b66d0a9d9bc5a09e276a61fc291767ca846c703154fc487f939",
        "IQ4_NL, 31c20553d1baf20a7377c465d09d92d3c699c8fe21b8621c2741708d93598841",
        "IQ4_XS, 83e3c3ab63a66063e618ec7135f2cd936ad973b8ef3b9dc5cf9b505d7ee48209",
    })
    void dequantizesRandomBlocksToGgmlsFloats(GgmlType type, String expectedSha256) {
        float[] floats = TestBlocks.dequantize(type, randomBlocks(type));
        ByteBuffer bytes = ByteBuffer.allocate(4 * floats.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : floats) {
            bytes.putInt(Float.floatToIntBits(f));
        }
        assertThat(HexFormat.of().formatHex(sha256().digest(bytes.array()))).isEqualTo(expectedSha256);
    }

    /** Every bit pattern is a valid block, so random bytes exercise all fields and levels. */
    static byte[] randomBlocks(GgmlType type) {
        byte[] blocks = new byte[Math.toIntExact(type.byteSize(ELEMENTS))];
        new Random(type.id()).nextBytes(blocks);
        return blocks;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
