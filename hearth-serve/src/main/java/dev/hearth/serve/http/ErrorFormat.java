package dev.hearth.serve.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one API writes an error body. The server sets the status and the {@code Retry-After} and
 * {@code WWW-Authenticate} headers; the format only shapes the JSON, e.g. OpenAI's
 * {@code {"error": {"message", "type", "param", "code"}}} or Ollama's {@code {"error": "message"}}.
 */
@FunctionalInterface
public interface ErrorFormat {

    /** OpenAI's shape; also used for paths that belong to no API ({@code /metrics}, unknown routes). */
    ErrorFormat OPENAI = error -> {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode inner = body.putObject("error");
        inner.put("message", error.getMessage());
        inner.put("type", error.type());
        inner.put("param", error.param());
        inner.put("code", error.code());
        return Json.write(body);
    };

    /** The JSON body for {@code error}. */
    String body(ApiException error);
}
