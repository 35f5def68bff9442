package dev.hearth.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

    @Test
    void everyByteHasItsOwnCharacterAndMapsBack() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charOf(b);
            assertThat(seen.add(c)).as("byte %d", b).isTrue();
            assertThat(ByteLevelAlphabet.byteOf(c)).isEqualTo(b);
        }
    }

    @Test
    void printableBytesStandForThemselvesAndTheRestMoveAboveU0100() {
        assertThat(ByteLevelAlphabet.charOf('A')).isEqualTo('A');
        assertThat(ByteLevelAlphabet.charOf(0xE9)).isEqualTo('é');
        assertThat(ByteLevelAlphabet.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteLevelAlphabet.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteLevelAlphabet.charOf(0)).isEqualTo('\u0100');
        assertThat(ByteLevelAlphabet.charOf(0xAD)).isEqualTo('\u0143'); // soft hyphen, the last one moved
    }

    @Test
    void charactersOutsideTheAlphabetMapToNoByte() {
        assertThat(ByteLevelAlphabet.byteOf(' ')).isEqualTo(-1);
        assertThat(ByteLevelAlphabet.byteOf('\u0144')).isEqualTo(-1);
        assertThat(ByteLevelAlphabet.byteOf('我')).isEqualTo(-1);
    }
}
