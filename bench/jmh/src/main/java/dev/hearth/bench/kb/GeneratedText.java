package dev.hearth.bench.kb;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic Chinese and English text for the knowledge-base benchmarks: sentences, documents,
 * index passages and questions drawn from one small vocabulary of workplace topics (leave,
 * expenses, servers, databases …), so that BM25 finds shared terms and questions find passages.
 * The same seed always gives the same text, on every machine and JDK ({@link SplittableRandom}
 * is specified exactly).
 */
final class GeneratedText {
    private static final String[] ZH_SUBJECTS = {"员工", "项目经理", "财务部", "运维团队", "新入职的同事", "客户",
        "技术支持", "人力资源部", "数据库管理员", "安全小组", "研发中心", "采购部门"};
    private static final String[] ZH_TOPICS = {"年假申请", "差旅报销", "服务器迁移", "数据库备份", "密码重置",
        "合同审批", "发票报销", "远程办公", "代码评审", "故障排查", "绩效考核", "网络配置", "加班补贴", "设备采购",
        "知识库更新", "系统升级", "日志归档", "权限管理", "培训计划", "预算审批"};
    private static final String[] ZH_VERBS = {"需要提交", "应当完成", "可以申请", "必须审核", "负责处理", "定期检查",
        "统一安排", "及时更新", "书面确认", "提前通知"};
    private static final String[] ZH_DETAILS = {"在每月五日之前", "通过内部系统", "经部门负责人批准后", "按照公司规定",
        "在工作日的上午", "并保留相关凭证", "以邮件形式", "在季度末统一", "由专人跟进", "并抄送财务部"};
    private static final String[] ZH_CLAUSES = {"逾期未处理的申请将自动退回", "特殊情况可以联系人力资源部",
        "金额超过五千元的需要副总经理签字", "所有操作都会记录在审计日志中", "备份文件保存在异地机房",
        "迁移期间服务可能短暂中断", "新版本发布前必须通过回归测试", "请勿在公共网络上传输敏感数据",
        "每位员工每年有十五天带薪年假", "报销单据需附上原始发票"};

    private static final String[] EN_SUBJECTS = {"Every employee", "The project manager", "The finance team",
        "The operations team", "A new hire", "The customer", "Technical support", "Human resources",
        "The database administrator", "The security group", "The research lab", "Procurement"};
    private static final String[] EN_TOPICS = {"annual leave requests", "travel expense claims", "the server migration",
        "database backups", "password resets", "contract approvals", "invoice reimbursement", "remote work",
        "code reviews", "incident troubleshooting", "performance reviews", "network configuration",
        "overtime compensation", "hardware purchases", "knowledge base updates", "system upgrades",
        "log archiving", "access management", "the training plan", "budget approvals"};
    private static final String[] EN_VERBS = {"must submit", "should complete", "may apply for", "has to review",
        "is responsible for", "regularly checks", "schedules", "keeps up to date", "confirms in writing",
        "gives notice of"};
    private static final String[] EN_DETAILS = {"before the fifth of each month", "through the internal portal",
        "once the department head approves", "as company policy requires", "on weekday mornings",
        "keeping every receipt", "by email", "at the end of each quarter", "with a named owner",
        "with finance in copy"};
    private static final String[] EN_CLAUSES = {"requests left open for a month are returned automatically",
        "special cases go to human resources", "amounts above 5,000 need a vice president's signature",
        "every operation is written to the audit log", "backups are kept in a second data centre",
        "the service may pause briefly during the migration", "a release must pass the regression tests first",
        "never send sensitive data over a public network", "each employee has fifteen days of paid leave a year",
        "claims must include the original invoice"};

    private static final String[] ZH_QUESTIONS = {"%s怎么办理？", "%s需要谁审批？", "%s有什么规定？", "如何申请%s？",
        "%s的截止时间是什么时候？", "%s要准备哪些材料？"};
    private static final String[] EN_QUESTIONS = {"How do I handle %s?", "Who approves %s?", "What are the rules for %s?",
        "When is the deadline for %s?", "What do I need for %s?", "Who is responsible for %s?"};

    private GeneratedText() {
    }

    /** One sentence, Chinese or English: about 15 to 40 chars, or about 200 when {@code longSentence}. */
    static String sentence(long seed, boolean chinese, boolean longSentence) {
        SplittableRandom random = new SplittableRandom(seed);
        if (!longSentence) {
            return chinese ? shortZh(random) : shortEn(random);
        }
        StringBuilder text = new StringBuilder();
        while (text.length() < 160) { // the last clause takes it to about 200
            if (!text.isEmpty()) {
                text.append(chinese ? "；" : "; ");
            }
            text.append(chinese ? clauseZh(random) : clauseEn(random));
        }
        return text.append(chinese ? "。" : ".").toString();
    }

    /**
     * The benchmark's fixed sentence mix for encoder speed: alternately Chinese and English, and in
     * each language alternately short and about 200 chars.
     */
    static List<String> sentenceMix(int count) {
        List<String> sentences = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sentences.add(sentence(1000 + i, i % 2 == 0, i % 4 >= 2));
        }
        return sentences;
    }

    /**
     * A plain-text document of about {@code chars} chars: a title line and paragraphs of mixed
     * Chinese and English sentences, the language switching by paragraph.
     */
    static String document(long seed, int chars) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        text.append(random.nextBoolean() ? ZH_TOPICS[random.nextInt(ZH_TOPICS.length)] + "说明"
                : "Notes on " + EN_TOPICS[random.nextInt(EN_TOPICS.length)]).append("\n\n");
        boolean chinese = random.nextBoolean();
        while (text.length() < chars) {
            int sentences = 2 + random.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                text.append(chinese ? clauseZh(random) + "。" : capitalised(clauseEn(random)) + ". ");
            }
            text.append("\n\n");
            chinese = !chinese;
        }
        return text.toString();
    }

    /** A passage of about 150 to 350 chars in one language, as a chunk of a real document would be. */
    static String passage(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean chinese = random.nextBoolean();
        StringBuilder text = new StringBuilder();
        int target = chinese ? 150 + random.nextInt(150) : 200 + random.nextInt(150);
        while (text.length() < target) {
            text.append(chinese ? clauseZh(random) + "。" : capitalised(clauseEn(random)) + ". ");
        }
        return text.toString().strip();
    }

    /** A short question about one of the topics: even seeds Chinese, odd ones English. */
    static String question(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 31 + 7);
        if (seed % 2 == 0) {
            return ZH_QUESTIONS[random.nextInt(ZH_QUESTIONS.length)].formatted(pick(random, ZH_TOPICS));
        }
        return EN_QUESTIONS[random.nextInt(EN_QUESTIONS.length)].formatted(pick(random, EN_TOPICS));
    }

    private static String shortZh(SplittableRandom random) {
        return pick(random, ZH_SUBJECTS) + pick(random, ZH_VERBS) + pick(random, ZH_TOPICS) + "。";
    }

    private static String shortEn(SplittableRandom random) {
        return pick(random, EN_SUBJECTS) + " " + pick(random, EN_VERBS) + " " + pick(random, EN_TOPICS) + ".";
    }

    private static String clauseZh(SplittableRandom random) {
        return random.nextInt(3) == 0 ? pick(random, ZH_TOPICS) + "方面，" + pick(random, ZH_CLAUSES)
                : pick(random, ZH_SUBJECTS) + pick(random, ZH_DETAILS) + pick(random, ZH_VERBS) + pick(random, ZH_TOPICS);
    }

    private static String clauseEn(SplittableRandom random) {
        return random.nextInt(3) == 0 ? "for " + pick(random, EN_TOPICS) + ", " + pick(random, EN_CLAUSES)
                : pick(random, EN_SUBJECTS).toLowerCase(java.util.Locale.ROOT) + " " + pick(random, EN_VERBS) + " "
                        + pick(random, EN_TOPICS) + " " + pick(random, EN_DETAILS);
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String pick(SplittableRandom random, String[] words) {
        return words[random.nextInt(words.length)];
    }
}
