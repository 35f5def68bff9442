package dev.hearth.kb.http;

import dev.hearth.kb.KnowledgeBaseException;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.Retrieval;
import dev.hearth.kb.RetrievalOptions;
import dev.hearth.kb.answer.GroundedPrompt;
import dev.hearth.kb.KnowledgeBaseSummary;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.openai.ChatGrounding;

import java.util.List;
import java.util.Optional;

/**
 * Chat over a knowledge base from any OpenAI or Ollama client: model {@code kb:NAME}. The last user message
 * is the question; the passages retrieval finds go to the answering model with the instructions
 * to answer from them only and cite them as {@code [n]}, and come back in {@code citations}.
 * With no answering model, or nothing relevant found, the reply is written here: the passages
 * themselves, or the plain statement that the knowledge base does not cover the question.
 */
final class KnowledgeBaseGrounding implements ChatGrounding {
    static final String PREFIX = "kb:";

    private final KnowledgeBases bases;
    private final Optional<String> answerModel;

    KnowledgeBaseGrounding(KnowledgeBases bases, Optional<String> answerModel) {
        this.bases = bases;
        this.answerModel = answerModel;
    }

    @Override
    public List<String> models() {
        return bases.list().stream().map(KnowledgeBaseSummary::name).map(name -> PREFIX + name).toList();
    }

    @Override
    public boolean claims(String model) {
        return model.startsWith(PREFIX);
    }

    @Override
    public Grounded ground(String model, List<ChatMessage> messages) {
        String name = model.substring(PREFIX.length());
        if (messages.isEmpty() || !messages.getLast().role().equals("user") || messages.getLast().content() == null
                || messages.getLast().content().isBlank()) {
            throw ApiException.invalid("messages", "a knowledge base answers the last message, which must be a"
                    + " user message with text");
        }
        String question = messages.getLast().content();
        Retrieval found;
        try {
            found = bases.retrieve(name, question, RetrievalOptions.defaults());
        } catch (KnowledgeBaseException e) {
            throw KnowledgeBaseApi.toApi(e, "model");
        }
        List<Views.Citation> citations = found.passages().stream().map(Views::of).toList();
        Optional<String> written = found.answerWithoutModel(answerModel.isPresent());
        if (written.isPresent()) {
            return new Grounded(null, null, written.get(), citations);
        }
        return new Grounded(answerModel.get(), GroundedPrompt.messages(name, messages, found.passages()), null, citations);
    }
}
