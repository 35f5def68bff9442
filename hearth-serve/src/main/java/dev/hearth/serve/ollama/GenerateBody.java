package dev.hearth.serve.ollama;

import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /api/generate} body.
 *
 * <p>Without {@code raw}, the prompt (and {@code system}) go through the model's chat template as
 * one user turn, as Ollama does. A {@code template} override is refused: Ollama's are Go
 * templates, Hearth's are the model's own Jinja template; a client that formats its own prompt
 * sends {@code raw: true}. {@code suffix} (fill-in-the-middle) and {@code images} are refused too.
 *
 * @param prompt the text to answer or (raw) continue; empty asks only that the model be loaded
 * @param system a system message for the template; null when none
 * @param raw whether the prompt is sent as it is, with no template (its special-token text, such
 *     as {@code [INST]} or {@code <|im_start|>}, becomes those tokens)
 * @param context the {@code context} an earlier answer returned: tokens to put before the prompt
 */
record GenerateBody(CompletionSettings settings, String prompt, String system, boolean raw, int[] context) {

    static GenerateBody parse(Fields body, Limits limits) {
        CompletionSettings settings = CompletionSettings.parse(body, limits);
        String system = body.string("system").filter(s -> !s.isEmpty()).orElse(null);
        boolean raw = body.bool("raw").orElse(false);
        body.string("template").filter(t -> !t.isEmpty()).ifPresent(t -> {
            throw ApiException.invalid("template", "template: Hearth formats prompts with the model's own chat"
                    + " template and takes no override; send \"raw\": true with a prompt you formatted yourself");
        });
        body.string("suffix").filter(s -> !s.isEmpty()).ifPresent(s -> {
            throw ApiException.invalid("suffix", "suffix: fill-in-the-middle is not supported");
        });
        if (!body.array("images").isEmpty()) {
            throw ApiException.invalid("images", "images: images are not supported; Hearth serves text-only models");
        }
        int[] context = context(body);
        if (raw && (system != null || context.length > 0)) {
            throw ApiException.invalid("raw", "raw mode does not support template, system, or context");
        }
        return new GenerateBody(settings, body.string("prompt").orElse(""), system, raw, context);
    }

    /** The prompt as one user turn (after the system message, if any), for the chat template. */
    ChatRequest chatRequest() {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(prompt));
        return settings.applyTo(ChatRequest.of(messages));
    }

    private static int[] context(Fields body) {
        List<JsonNode> elements = body.array("context");
        int[] tokens = new int[elements.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode e = elements.get(i);
            if (!e.canConvertToExactIntegral() || !e.canConvertToInt() || e.intValue() < 0) {
                String path = "context[" + i + "]";
                throw ApiException.invalid(path, path + " must be a token id (an integer >= 0), got " + Fields.describe(e));
            }
            tokens[i] = e.intValue();
        }
        return tokens;
    }
}
