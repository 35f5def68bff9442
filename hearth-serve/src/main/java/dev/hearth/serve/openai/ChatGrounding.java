package dev.hearth.serve.openai;

import java.util.List;

/**
 * Chat over something that is not a bare model but answers through one: model ids this claims
 * (Hearth's knowledge bases claim {@code kb:NAME}) are grounded before the chat runs, so any
 * OpenAI client can ask them. The layer above the server (hearth-kb) implements it; the server
 * knows nothing of retrieval.
 */
public interface ChatGrounding {

    /** The ids it offers now, listed by {@code GET /v1/models} beside the models. */
    List<String> models();

    /** Whether {@code model}, a request's {@code model} field, is one of its ids. */
    boolean claims(String model);

    /**
     * Grounds a request for one of its ids.
     *
     * @throws dev.hearth.serve.http.ApiException for an unknown id (404) or a request it cannot
     *     ground (400, naming the field)
     */
    Grounded ground(ChatCompletionRequest request);

    /**
     * How a grounded request is answered.
     *
     * @param request what runs instead: a generative model's name and the messages with the
     *     passages; null when no model runs
     * @param answer the whole answer when no model runs (none configured, or nothing relevant
     *     found); null otherwise
     * @param citations what the answer may cite, JSON-ready, returned in the {@code citations}
     *     extension field of the completion (and of a stream's first chunk)
     */
    record Grounded(ChatCompletionRequest request, String answer, List<?> citations) {
        public Grounded {
            if ((request == null) == (answer == null)) {
                throw new IllegalArgumentException("a grounded chat either runs a request or has an answer, not both");
            }
            citations = List.copyOf(citations);
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
            public Grounded ground(ChatCompletionRequest request) {
                throw new IllegalStateException("claims no model");
            }
        };
    }
}
