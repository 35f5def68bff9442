package dev.hearth.serve.openai;

import dev.hearth.model.template.ChatMessage;

import java.util.List;

/**
 * Chat over something that is not a bare model but answers through one: model ids this claims
 * (Hearth's knowledge bases claim {@code kb:NAME}) are grounded before the chat runs, so any
 * OpenAI or Ollama client can ask them. The layer above the server (hearth-kb) implements it; the
 * server knows nothing of retrieval.
 */
public interface ChatGrounding {

    /** The ids it offers now, listed by {@code GET /v1/models} beside the models. */
    List<String> models();

    /** Whether {@code model}, a request's {@code model} field, is one of its ids. */
    boolean claims(String model);

    /**
     * Grounds a conversation sent to one of its ids.
     *
     * @throws dev.hearth.serve.http.ApiException for an unknown id (404) or a conversation it
     *     cannot ground (400, naming the field)
     */
    Grounded ground(String model, List<ChatMessage> messages);

    /**
     * How a grounded conversation is answered.
     *
     * @param model the generative model that runs it; null when no model runs
     * @param messages what that model is given: the conversation with the passages; null when no
     *     model runs
     * @param answer the whole answer when no model runs (none configured, or nothing relevant
     *     found); null otherwise
     * @param citations what the answer may cite, JSON-ready, returned in the {@code citations}
     *     extension field of the answer (in a stream, of its first chunk for OpenAI, its last for Ollama)
     */
    record Grounded(String model, List<ChatMessage> messages, String answer, List<?> citations) {
        public Grounded {
            if ((model == null) != (messages == null) || (model == null) == (answer == null)) {
                throw new IllegalArgumentException("a grounded chat either runs a model on messages or has an answer");
            }
            messages = messages == null ? null : List.copyOf(messages);
            citations = List.copyOf(citations);
        }

        /** Whether a model writes the answer. */
        public boolean generates() {
            return model != null;
        }
    }

    /** Claims nothing. */
    static ChatGrounding none() {
        return new ChatGrounding() {
            @Override
            public List<String> models() {
                return List.of();
            }

            @Override
            public boolean claims(String model) {
                return false;
            }

            @Override
            public Grounded ground(String model, List<ChatMessage> messages) {
                throw new IllegalStateException("claims no model");
            }
        };
    }
}
