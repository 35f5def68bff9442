package dev.hearth.kb.answer;

/** The language a question is asked in, which is the language Hearth answers in. */
public enum Language {
    CHINESE, ENGLISH;

    /**
     * Chinese when Han characters make up at least a fifth of the letters, so a Chinese question
     * quoting an English term stays Chinese; English otherwise.
     */
    public static Language of(String text) {
        int han = 0;
        int letters = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN) {
                han++;
                letters++;
            } else if (Character.isLetter(c)) {
                letters++;
            }
        }
        return han > 0 && han * 5 >= letters ? CHINESE : ENGLISH;
    }
}
