package dev.hearth.model.constrain;

/**
 * How much a token helps a generation end, for tests that must finish: tokens made only of
 * closing quotes and brackets first, then those that open the fewest brackets.
 */
final class Closing {
    private Closing() {}

    /** Lower is better. */
    static int score(byte[] token) {
        boolean onlyClosers = true;
        int open = 0;
        for (byte b : token) {
            if (b != '"' && b != '}' && b != ']') {
                onlyClosers = false;
            }
            if (b == '{' || b == '[') {
                open++;
            } else if (b == '}' || b == ']') {
                open--;
            }
        }
        return onlyClosers ? -1000 : open + 10 * (int) Math.signum(Math.max(0, open)) + token.length;
    }
}
