package dev.hearth.serve.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.EventStream;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.ollama.Responses.ChatChunk;
import dev.hearth.serve.ollama.Responses.GenerateChunk;
import dev.hearth.serve.ollama.Responses.Message;
import dev.hearth.serve.ollama.Responses.Metrics;
import dev.hearth.serve.ollama.Responses.ToolCall;
import dev.hearth.serve.openai.ChatGrounding;
import dev.hearth.serve.openai.ModelToolCalls;
import dev.hearth.serve.registry.ModelLease;

import io.javalin.http.Context;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /api/chat} and {@code POST /api/generate}: the request becomes prompt tokens (the
 * model's chat template, or for raw generation the prompt itself), and {@link Completions} runs
 * and answers it. A chat with no messages, or a generation with an empty prompt, only loads the
 * model and answers {@code "done_reason": "load"}, as Ollama does.
 */
final class CompletionRoutes {
    private final ApiContext api;
    private final ChatGrounding grounding;

    CompletionRoutes(ApiContext api, ChatGrounding grounding) {
        this.api = api;
        this.grounding = grounding;
    }

    void chat(Context ctx) throws InterruptedException, IOException {
        long received = System.nanoTime();
        ChatBody body = ChatBody.parse(Fields.readBody(ctx, api.limits().maxBodyBytes()), api.limits());
        CompletionSettings settings = body.settings();
        if (settings.model() != null && grounding.claims(settings.model())) {
            ChatGrounding.Grounded grounded = grounding.ground(settings.model(), body.messages());
            if (!grounded.generates()) {
                answerWithoutModel(ctx, settings, grounded);
                return;
            }
            chat(ctx, received, new ChatBody(settings, grounded.messages(), body.tools()), grounded.model(),
                    grounded.citations());
            return;
        }
        chat(ctx, received, body, settings.model(), null);
    }

    /**
     * Runs a chat on {@code model}, answering as {@code body}'s model (a knowledge base's id, when
     * grounded, with its {@code citations} on the last object).
     */
    private void chat(Context ctx, long received, ChatBody body, String model, List<?> citations)
            throws InterruptedException {
        CompletionSettings settings = body.settings();
        String name = ModelNames.resolve(api.registry(), model);
        try (ModelLease lease = api.registry().acquire(name)) {
            Completions.Timing timing = new Completions.Timing(received, System.nanoTime() - received);
            if (body.messages().isEmpty()) {
                ctx.contentType(Completions.JSON).result(Json.write(
                        new ChatChunk(settings.model(), now(), Message.assistant(""), true, "load", null)));
                return;
            }
            // offered tools: shown as the model's template expects, its calls read out of the answer
            ModelToolCalls tools = body.tools() == null || body.tools().isEmpty() ? null : ModelToolCalls.of(lease.engine(), body.tools());
            int[] prompt = templated(lease, tools == null ? body.chatRequest() : tools.prepare(body.chatRequest()),
                    "messages");
            Completions.answer(ctx, api, lease, request(lease.engine(), settings, prompt), settings.stream(),
                    new Completions.Shape() {
                        @Override
                        public Object piece(String text, List<ModelToolCalls.Part> calls) {
                            return new ChatChunk(settings.model(), now(), Message.assistant(text, toolCalls(calls)),
                                    false, null, null);
                        }

                        @Override
                        public Object last(String text, List<ModelToolCalls.Part> calls, String doneReason,
                                           Metrics metrics, CompletionResult result) {
                            return new ChatChunk(settings.model(), now(), Message.assistant(text, toolCalls(calls)),
                                    true, doneReason, metrics, citations);
                        }
                    }, timing, tools == null ? null : tools.reader());
        }
    }

    /** A grounded chat's answer that no model writes: one object, or a piece and the end when streamed. */
    private static void answerWithoutModel(Context ctx, CompletionSettings settings, ChatGrounding.Grounded grounded)
            throws IOException {
        ChatChunk whole = new ChatChunk(settings.model(), now(), Message.assistant(grounded.answer()), true, "stop",
                null, grounded.citations());
        if (!settings.stream()) {
            ctx.contentType(Completions.JSON).result(Json.write(whole));
            return;
        }
        EventStream stream = EventStream.ndjson(ctx);
        stream.send(Json.write(new ChatChunk(settings.model(), now(), Message.assistant(grounded.answer()), false, null,
                null)));
        stream.send(Json.write(new ChatChunk(settings.model(), now(), Message.assistant(""), true, "stop", null,
                grounded.citations())));
    }

    void generate(Context ctx) throws InterruptedException {
        long received = System.nanoTime();
        GenerateBody body = GenerateBody.parse(Fields.readBody(ctx, api.limits().maxBodyBytes()), api.limits());
        CompletionSettings settings = body.settings();
        String name = ModelNames.resolve(api.registry(), settings.model());
        try (ModelLease lease = api.registry().acquire(name)) {
            Completions.Timing timing = new Completions.Timing(received, System.nanoTime() - received);
            if (body.prompt().isEmpty()) {
                ctx.contentType(Completions.JSON).result(Json.write(
                        new GenerateChunk(settings.model(), now(), "", true, "load", null, null)));
                return;
            }
            int[] prompt = body.raw() ? raw(lease.engine().tokenizer(), body.prompt())
                    : withContext(lease.engine(), body.context(), templated(lease, body.chatRequest(), "prompt"));
            Completions.answer(ctx, api, lease, request(lease.engine(), settings, prompt), settings.stream(),
                    new Completions.Shape() {
                        @Override
                        public Object piece(String text, List<ModelToolCalls.Part> calls) {
                            return new GenerateChunk(settings.model(), now(), text, false, null, null, null);
                        }

                        @Override
                        public Object last(String text, List<ModelToolCalls.Part> calls, String doneReason,
                                           Metrics metrics, CompletionResult result) {
                            int[] context = body.raw() ? null : concat(prompt, result.tokens());
                            return new GenerateChunk(settings.model(), now(), text, true, doneReason, context, metrics);
                        }
                    }, timing, null);
        }
    }

    /** Calls as Ollama writes them, with the arguments as a JSON object rather than text. */
    private static List<ToolCall> toolCalls(List<ModelToolCalls.Part> calls) {
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (ModelToolCalls.Part call : calls) {
            try {
                out.add(new ToolCall(new ToolCall.Function(call.name(), Json.mapper().readTree(call.argumentsJson()))));
            } catch (JsonProcessingException e) { // the reader hands out only calls whose arguments parsed
                throw new IllegalStateException("tool call arguments that are not JSON: " + call.argumentsJson(), e);
            }
        }
        return out;
    }

    private CompletionRequest request(InferenceEngine engine, CompletionSettings settings, int[] prompt) {
        int contextLength = engine.info().contextLength();
        return new CompletionRequest(prompt, settings.options().params(contextLength, prompt.length, api.limits()),
                settings.format().constraint(engine.tokenizer()), -1);
    }

    /**
     * The prompt tokens the model's chat template makes of {@code request}. A message that holds
     * a control token's text, where the template leaves no safe way to keep it text, is the
     * client's mistake: 400 naming {@code field}.
     */
    private static int[] templated(ModelLease lease, ChatRequest request, String field) {
        try {
            return lease.engine().chatPrompt().tokens(request);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    /** A raw prompt: its special-token text becomes those tokens, and BOS goes first if the model wants it. */
    private static int[] raw(Tokenizer tokenizer, String prompt) {
        int[] tokens = tokenizer.encode(prompt, SpecialTokenMode.ALL);
        SpecialTokens special = tokenizer.specialTokens();
        if (special.addBos() && special.bos().isPresent() && (tokens.length == 0 || tokens[0] != special.bos().getAsInt())) {
            tokens = concat(new int[] {special.bos().getAsInt()}, tokens);
        }
        if (tokens.length == 0) {
            throw ApiException.invalid("prompt", "the prompt makes no tokens");
        }
        return tokens;
    }

    /**
     * An earlier answer's {@code context} followed by the new prompt, which then starts without
     * BOS (the context holds it already), as if the conversation had been one text.
     */
    private static int[] withContext(InferenceEngine engine, int[] context, int[] prompt) {
        if (context.length == 0) {
            return prompt;
        }
        int vocabulary = engine.info().vocabularySize();
        for (int i = 0; i < context.length; i++) {
            if (context[i] >= vocabulary) {
                throw ApiException.invalid("context[" + i + "]", "context[" + i + "] is " + context[i]
                        + ", not a token of this model (its vocabulary has " + vocabulary + ")");
            }
        }
        var bos = engine.tokenizer().specialTokens().bos();
        boolean startsWithBos = prompt.length > 0 && bos.isPresent() && prompt[0] == bos.getAsInt();
        return concat(context, startsWithBos ? Arrays.copyOfRange(prompt, 1, prompt.length) : prompt);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
