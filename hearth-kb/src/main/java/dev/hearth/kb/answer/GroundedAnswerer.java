package dev.hearth.kb.answer;

import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.serve.engine.CompletionListener;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.engine.TokenOutput;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Writes a cited answer with a generative model, from retrieved passages only
 * ({@link GroundedPrompt}), for callers that hold an engine themselves: {@code hearth kb ask
 * --model} and the knowledge-base API's {@code ask}. Chat clients get the same through the OpenAI
 * API's {@code kb:NAME} models.
 */
public final class GroundedAnswerer {
    private GroundedAnswerer() {
    }

    /**
     * Answers the conversation's last message from {@code passages}, streaming the text to
     * {@code onText} as it is written.
     *
     * @return the whole answer
     * @throws IllegalStateException if generation fails (the message says why)
     */
    public static String answer(InferenceEngine engine, String knowledgeBase, List<ChatMessage> conversation,
                                List<Passage> passages, GenerationParams params, Consumer<String> onText) {
        List<ChatMessage> messages = GroundedPrompt.messages(knowledgeBase, conversation, passages);
        int[] prompt = engine.chatPrompt().tokens(ChatRequest.of(messages));
        var completion = engine.submit(CompletionRequest.of(prompt, params), new CompletionListener() {
            @Override
            public void onToken(TokenOutput output) {
                if (!output.text().isEmpty()) {
                    onText.accept(output.text());
                }
            }

            @Override
            public void onComplete(CompletionResult result) {
            }

            @Override
            public void onError(Throwable error) {
            }
        });
        try {
            return completion.result().join().text();
        } catch (CompletionException e) {
            throw new IllegalStateException("the model could not write the answer: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
