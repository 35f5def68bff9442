package dev.hearth.serve.ollama;

import dev.hearth.model.template.ChatRequest;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields {@code /api/chat} and {@code /api/generate} share.
 *
 * <p>{@code keep_alive} is checked (a duration string such as {@code "5m"}, or a number of
 * seconds) but changes nothing: how long an idle model stays loaded is the server's
 * {@code --keep-alive}, one policy for every client of a shared server.
 *
 * @param model the name as the client gave it, which the answers echo
 * @param stream whether to answer with NDJSON objects as tokens come (Ollama's default) or with one object
 * @param think Ollama's {@code think}: null when absent; a level ({@code "high"}, …) counts as true
 */
record CompletionSettings(String model, RequestOptions options, ResponseFormat format, boolean stream, Boolean think) {

    static CompletionSettings parse(Fields body, Limits limits) {
        String model = body.requiredString("model");
        JsonNode keepAlive = body.raw("keep_alive");
        if (keepAlive != null && !keepAlive.isTextual() && !keepAlive.isNumber()) {
            throw body.wrongType("keep_alive", "a duration such as \"5m\" or a number of seconds", keepAlive);
        }
        return new CompletionSettings(model, RequestOptions.parse(body, limits), ResponseFormat.parse(body),
                body.bool("stream").orElse(true), think(body));
    }

    /**
     * {@code request} as this request asks the template to render it: an explicit {@code think}
     * becomes the {@code enable_thinking} variable, which thinking models' templates (Qwen3's) read.
     */
    ChatRequest applyTo(ChatRequest request) {
        return think == null ? request : request.withVariable("enable_thinking", think);
    }

    private static Boolean think(Fields body) {
        JsonNode think = body.raw("think");
        if (think == null) {
            return null;
        }
        if (think.isBoolean()) {
            return think.booleanValue();
        }
        if (think.isTextual() && (think.textValue().equals("high") || think.textValue().equals("medium")
                || think.textValue().equals("low"))) {
            return true;
        }
        throw ApiException.invalid("think", "think must be true, false, \"high\", \"medium\" or \"low\", got "
                + Fields.describe(think));
    }
}
