package dev.hearth.kb.store;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What a knowledge base may be called. Names become directory names, so they stay portable ones. */
public final class KnowledgeBaseNames {
    public static final int MAX_LENGTH = 64;

    /** ASCII letters and digits, '-', '_', and Chinese characters (the CJK ideographs Unicode calls Han). */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_\\-\\p{IsHan}]+");

    /** Names Windows reserves for devices in any directory, whatever the extension. */
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private KnowledgeBaseNames() {}

    /**
     * Returns {@code name} if it is a valid knowledge-base name.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a knowledge base needs a name");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("knowledge base name '" + name + "' has " + length
                    + " characters; at most " + MAX_LENGTH + " are allowed");
        }
        if (!ALLOWED.matcher(name).matches()) {
            throw new IllegalArgumentException("knowledge base name '" + name + "' may contain only letters a-z and "
                    + "A-Z, digits, '-', '_' and Chinese characters");
        }
        if (name.startsWith("-")) {
            throw new IllegalArgumentException("knowledge base name '" + name + "' must not start with '-' "
                    + "(it would read as an option on a command line)");
        }
        if (WINDOWS_DEVICES.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("knowledge base name '" + name + "' is a device name on Windows "
                    + "and cannot be a directory there");
        }
        return name;
    }
}
