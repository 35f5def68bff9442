package dev.hearth.train.tokenizer;

import java.util.List;
import java.util.Random;

/**
 * English and Chinese prose made up from fixed word lists, seeded: words drawn with Zipf-like
 * frequencies (as in real text, a few words are most of it), sentences with punctuation,
 * numbers, and paragraphs. Nothing downloaded, and the same seed gives the same text.
 */
final class GeneratedCorpus {
    private static final List<String> ENGLISH = List.of(
            "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
            "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "they", "you",
            "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will",
            "would", "who", "so", "no", "time", "people", "river", "mountain", "village", "teacher", "student",
            "computer", "language", "model", "training", "tokenizer", "morning", "evening", "garden", "kitchen",
            "window", "reading", "writing", "running", "quickly", "slowly", "beautiful", "important", "different",
            "government", "information", "development", "understanding", "between", "through", "because", "before",
            "after", "without", "another", "something", "everything", "children", "family", "history", "science",
            "water", "light", "world", "city", "country", "market", "question", "answer", "problem", "example");
    private static final List<String> CHINESE = List.of(
            "的", "是", "在", "我们", "一个", "中国", "他们", "这个", "没有", "时候", "已经", "因为", "所以", "可以",
            "学生", "老师", "学校", "今天", "明天", "工作", "问题", "发展", "经济", "社会", "文化", "历史", "科学",
            "技术", "电脑", "语言", "模型", "训练", "山", "水", "河流", "村庄", "早上", "晚上", "花园", "厨房", "窗户",
            "读书", "写字", "跑步", "很快", "慢慢", "美丽", "重要", "不同", "政府", "信息", "理解", "之间", "通过",
            "以前", "以后", "孩子", "家庭", "世界", "城市", "国家", "市场", "回答", "例子", "天气", "朋友", "喜欢");

    private GeneratedCorpus() {}

    /** About {@code bytes} bytes of UTF-8 text, half English and half Chinese paragraphs. */
    static String text(long seed, int bytes) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder();
        int utf8 = 0;
        while (utf8 < bytes) {
            String paragraph = random.nextBoolean() ? englishParagraph(random) : chineseParagraph(random);
            out.append(paragraph).append("\n\n");
            utf8 += paragraph.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2;
        }
        return out.toString();
    }

    private static String englishParagraph(Random random) {
        StringBuilder p = new StringBuilder();
        for (int s = 1 + random.nextInt(5); s > 0; s--) {
            int words = 4 + random.nextInt(14);
            for (int w = 0; w < words; w++) {
                String word = random.nextInt(25) == 0 ? String.valueOf(random.nextInt(2030)) : zipf(random, ENGLISH);
                if (w == 0) {
                    word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                }
                p.append(w == 0 ? "" : random.nextInt(12) == 0 ? ", " : " ").append(word);
            }
            p.append(random.nextInt(8) == 0 ? "?" : ".").append(s > 1 ? " " : "");
        }
        return p.toString();
    }

    private static String chineseParagraph(Random random) {
        StringBuilder p = new StringBuilder();
        for (int s = 1 + random.nextInt(5); s > 0; s--) {
            int words = 3 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                p.append(w > 0 && random.nextInt(6) == 0 ? "，" : "")
                        .append(random.nextInt(30) == 0 ? String.valueOf(random.nextInt(100)) : zipf(random, CHINESE));
            }
            p.append(random.nextInt(8) == 0 ? "？" : "。");
        }
        return p.toString();
    }

    /** Word {@code k} (from 0) is drawn about 1/(k+1) as often as the first. */
    private static String zipf(Random random, List<String> words) {
        double harmonic = Math.log(words.size()) + 0.5772;
        double u = random.nextDouble() * harmonic;
        double sum = 0;
        for (int k = 0; k < words.size(); k++) {
            sum += 1.0 / (k + 1);
            if (u < sum) {
                return words.get(k);
            }
        }
        return words.getLast();
    }
}
