package dev.hearth.serve.http;

/**
 * A request the server refuses, with what each API's error shape needs: the HTTP status, OpenAI's
 * {@code type}, {@code code} and {@code param} (the field at fault, e.g. {@code temperature} or
 * {@code messages[2].role}), and for 429/503 a {@code Retry-After} hint.
 *
 * <p>Handlers throw it; the server renders it in the shape of the API the path belongs to
 * ({@link ErrorFormat}). The message is for people and never holds a secret: keys and request
 * bodies stay out of it.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final int retryAfterSeconds;

    /**
     * @param code OpenAI's machine-readable code (e.g. {@code model_not_found}); null for none
     * @param param the field at fault; null for none
     * @param retryAfterSeconds for {@code Retry-After}; 0 for no such header
     */
    public ApiException(int status, String type, String code, String param, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: a field is missing, of the wrong type or out of range; {@code param} names it. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", null, param, message, 0);
    }

    /** 400 with a code, e.g. {@code context_length_exceeded}. */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", code, param, message, 0);
    }

    /** 404 for a model this server does not serve. */
    public static ApiException modelNotFound(String model) {
        return new ApiException(404, "invalid_request_error", "model_not_found", "model",
                "the model '" + model + "' does not exist on this server (GET /v1/models lists them)", 0);
    }

    /** 503 with {@code Retry-After}: the server cannot take the request now, but may soon. */
    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, "server_error", "server_overloaded", null, message, Math.max(1, retryAfterSeconds));
    }

    /**
     * What the client should see for {@code error}, however it was thrown: the mapping the
     * server applies to what handlers throw, for handlers that must report an error themselves
     * (in a stream already under way).
     */
    public static ApiException of(Throwable error) {
        return Errors.toApi(error);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
