package dev.hearth.model.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cuts text into the words byte-level BPE merges within, as llama.cpp does for each
 * {@code tokenizer.ggml.pre} value: a list of regexes, each cutting the pieces the previous ones
 * made (see {@link SplitRule}).
 *
 * <p>Immutable and thread-safe.
 */
public final class PreTokenizer {
    private static final String GPT2 = Gpt2SplitRule.REGEX;
    private static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    // Qwen2's original pattern spells (?i:...) out because std::regex has no inline flags
    private static final String QWEN2_ORIGINAL = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** GPT-2's pattern as Hugging Face's ByteLevel pre-tokenizer runs it ({@code use_regex}). */
    static final String BYTE_LEVEL_PATTERN = GPT2 + "|\\s+";
    // Non-ASCII classes are written as escapes: several of their characters (Ω U+2126, K U+212A…)
    // are singletons that Unicode normalization, and so many editors, silently replace.
    private static final String CJK_RUNS = "[\\x{4E00}-\\x{9FA5}\\x{0800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";

    /** The known pre-tokenizers: llama.cpp's regex lists, by the names GGUF files use. */
    private static final List<PreTokenizer> KNOWN = List.of(
            new PreTokenizer(List.of("default"), false, List.of(),
                    "[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"),
            new PreTokenizer(List.of("gpt-2", "phi-2", "gigachat", "mellum"), false, List.of(BYTE_LEVEL_PATTERN), GPT2),
            new PreTokenizer(List.of("mpt", "olmo", "jais"), false, List.of(), GPT2),
            new PreTokenizer(List.of("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone"), false,
                    List.of(), "\\p{N}", GPT2),
            new PreTokenizer(List.of("falcon"), false, List.of(),
                    "[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"),
            new PreTokenizer(List.of("deepseek-llm"), false, List.of(),
                    "[\r\n]",
                    "\\s?[A-Za-z"
                            + "\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}"
                            + "\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}\\x{386}"
                            + "\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}"
                            + "\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}"
                            + "\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}"
                            + "\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}"
                            + "\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}\\x{1F59}\\x{1F5B}\\x{1F5D}"
                            + "\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}\\x{1FC2}-\\x{1FC4}"
                            + "\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
                            + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}"
                            + "\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}"
                            + "\\x{2139}\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}"
                            + "\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}"
                            + "\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}"
                            + "\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}"
                            + "\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}"
                            + "\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}"
                            + "\\x{1E900}-\\x{1E943}]+",
                    "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+",
                    "\\s+$",
                    CJK_RUNS,
                    "\\p{N}+"),
            new PreTokenizer(List.of("deepseek-coder"), false, List.of(),
                    "[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK_RUNS, "\\p{N}"),
            new PreTokenizer(List.of("qwen2", "stablelm2", "deepseek-r1-qwen"), false, List.of(QWEN2_ORIGINAL), QWEN2),
            new PreTokenizer(List.of("llama-bpe", "llama3", "llama-v3", "falcon3", "pixtral"), true, List.of(LLAMA3),
                    LLAMA3));

    private static final Map<String, PreTokenizer> BY_NAME = byName();

    private final List<String> names;
    private final boolean ignoresMerges;
    private final List<String> huggingFacePatterns;
    private final List<SplitRule> rules;

    private PreTokenizer(List<String> names, boolean ignoresMerges, List<String> huggingFacePatterns, String... regexes) {
        this.names = names;
        this.ignoresMerges = ignoresMerges;
        this.huggingFacePatterns = huggingFacePatterns;
        this.rules = List.of(regexes).stream().map(SplitRule::forRegex).toList();
    }

    private static Map<String, PreTokenizer> byName() {
        Map<String, PreTokenizer> map = new LinkedHashMap<>();
        for (PreTokenizer known : KNOWN) {
            known.names.forEach(name -> map.put(name, known));
        }
        return map;
    }

    /**
     * The pre-tokenizer llama.cpp uses for a {@code tokenizer.ggml.pre} value.
     *
     * @throws IllegalArgumentException for a value not supported here, naming the supported ones
     */
    public static PreTokenizer named(String ggufPre) {
        PreTokenizer known = BY_NAME.get(ggufPre);
        if (known == null) {
            throw new IllegalArgumentException("unsupported pre-tokenizer '" + ggufPre
                    + "' (tokenizer.ggml.pre); supported: " + String.join(", ", supportedNames()));
        }
        return known;
    }

    /** Every {@code tokenizer.ggml.pre} value {@link #named} accepts. */
    public static List<String> supportedNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * A pre-tokenizer from a Hugging Face {@code Split} sequence's regexes (each splitting with
     * behaviour {@code Isolated}): the known one with exactly these patterns when there is one,
     * otherwise one that runs them as llama.cpp would.
     *
     * @throws IllegalArgumentException if a pattern cannot be run
     */
    public static PreTokenizer ofHuggingFacePatterns(List<String> patterns) {
        Optional<PreTokenizer> known = KNOWN.stream().filter(p -> p.huggingFacePatterns.equals(patterns)).findFirst();
        return known.orElseGet(() -> new PreTokenizer(List.of("custom"), false, patterns, patterns.toArray(String[]::new)));
    }

    /** Its {@code tokenizer.ggml.pre} name ({@code custom} for one built from patterns). */
    public String name() {
        return names.getFirst();
    }

    /**
     * The regexes a Hugging Face {@code tokenizer.json}'s pre-tokenizer runs for this one, in
     * order ({@link #ofHuggingFacePatterns} recognises it by them); empty for those only llama.cpp
     * defines. A {@code tokenizer.json} whose {@code Split} steps have these patterns, and whose
     * {@code ByteLevel} step adds no regex, reads back as this pre-tokenizer.
     */
    public List<String> huggingFacePatterns() {
        return huggingFacePatterns;
    }

    /** Llama 3 looks a whole word up in the vocabulary before merging (llama.cpp's {@code ignore_merges}). */
    boolean ignoresMerges() {
        return ignoresMerges;
    }

    /** Cuts {@code text} into words; concatenated they give back the text (lone surrogates as U+FFFD). */
    public List<String> split(String text) {
        CodepointText codePoints = CodepointText.of(text);
        int[] ends = wordEnds(codePoints);
        List<String> words = new ArrayList<>(ends.length);
        int start = 0;
        for (int end : ends) {
            words.add(codePoints.substring(start, end));
            start = end;
        }
        return words;
    }

    /** Code point offsets where the words of {@code text} end, in order; none for empty text. */
    int[] wordEnds(CodepointText text) {
        int[] ends = text.length() == 0 ? new int[0] : new int[] {text.length()};
        for (SplitRule rule : rules) {
            IntList next = new IntList();
            int start = 0;
            for (int end : ends) {
                rule.split(text, start, end, next);
                start = end;
            }
            ends = next.toArray();
        }
        return ends;
    }

    @Override
    public String toString() {
        return "PreTokenizer[" + name() + "]";
    }
}
