package dev.hearth.kb.answer;

import dev.hearth.model.template.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The conversation that asks a generative model to answer from retrieved passages only, citing
 * them as {@code [n]}. The passages go in the system message, so earlier turns of a chat stay as
 * they were and a shared knowledge base's instructions form a prefix the KV cache can reuse.
 */
public final class GroundedPrompt {
    private GroundedPrompt() {
    }

    /**
     * @param knowledgeBase the knowledge base's name, which the instructions mention
     * @param conversation the user's conversation, its last message the question; system messages
     *     in it are kept after the grounding instructions
     * @param passages what retrieval found, numbered from 1; never empty (an empty retrieval is
     *     answered with {@link Answers#notCovered} instead, without a model)
     */
    public static List<ChatMessage> messages(String knowledgeBase, List<ChatMessage> conversation, List<Passage> passages) {
        if (passages.isEmpty()) {
            throw new IllegalArgumentException("a grounded prompt needs at least one passage");
        }
        String question = conversation.isEmpty() ? "" : conversation.getLast().content();
        List<ChatMessage> messages = new ArrayList<>(conversation.size() + 1);
        messages.add(ChatMessage.system(instructions(knowledgeBase, Language.of(question), passages)));
        messages.addAll(conversation);
        return messages;
    }

    static String instructions(String knowledgeBase, Language language, List<Passage> passages) {
        StringBuilder text = new StringBuilder();
        if (language == Language.CHINESE) {
            text.append("你是知识库「").append(knowledgeBase).append("」的问答助手。只根据下面编号的资料回答问题，")
                    .append("每句话后用方括号标出所依据资料的编号，例如 [1]。")
                    .append("如果资料中没有答案，就直接说明知识库中没有相关内容，不要编造。用中文回答。\n\n资料：\n");
        } else {
            text.append("You answer questions from the knowledge base \"").append(knowledgeBase)
                    .append("\". Use only the numbered passages below. After each statement, cite the passages")
                    .append(" it rests on in square brackets, like [1]. If the passages do not contain the answer,")
                    .append(" say that the knowledge base does not cover the question; never make one up.")
                    .append(" Answer in the language of the question.\n\nPassages:\n");
        }
        for (Passage passage : passages) {
            text.append('[').append(passage.number()).append("] (").append(passage.source()).append(")\n")
                    .append(passage.text().strip()).append("\n\n");
        }
        return text.toString().stripTrailing();
    }
}
