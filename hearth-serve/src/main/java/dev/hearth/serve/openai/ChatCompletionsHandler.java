package dev.hearth.serve.openai;

import dev.hearth.model.generate.StopReason;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.CompletionEvents;
import dev.hearth.serve.http.ErrorFormat;
import dev.hearth.serve.http.EventStream;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.registry.ModelLease;

import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: the messages through the model's chat template (message
 * texts can never become control tokens), then {@code n} completions, answered whole or streamed
 * as server-sent events ending with {@code data: [DONE]}.
 */
final class ChatCompletionsHandler implements Handler {
    private final ApiContext context;
    private final ChatOutputs outputs;

    ChatCompletionsHandler(ApiContext context, ChatOutputs outputs) {
        this.context = context;
        this.outputs = outputs;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        ChatCompletionRequest request = ChatFields.parse(Fields.readBody(ctx, context.limits().maxBodyBytes()), context.limits());
        try (ModelLease lease = Submission.lease(context.registry(), request.model())) {
            InferenceEngine engine = lease.engine();
            int[] prompt = prompt(lease, request);
            GenerationOptions options = request.options();
            List<CompletionRequest> completions = new ArrayList<>(options.n());
            List<ChatOutputParser> parsers = new ArrayList<>(options.n());
            for (int i = 0; i < options.n(); i++) {
                completions.add(new CompletionRequest(prompt, options.params(i), outputs.constraint(request, engine),
                        options.topLogprobs()));
                parsers.add(outputs.parser(request, engine));
            }
            Reply reply = new Reply(Submission.id("chatcmpl-"), Submission.now(), lease.name(), options, parsers);
            try (CompletionEvents events = Submission.submit(context, lease, completions, "messages")) {
                if (options.stream()) {
                    reply.stream(ctx, events);
                } else {
                    ctx.contentType("application/json").result(Json.write(reply.whole(events.awaitAll())));
                }
            }
        }
    }

    private static int[] prompt(ModelLease lease, ChatCompletionRequest request) {
        try {
            return lease.engine().chatPrompt().tokens(request.chatRequest());
        } catch (IllegalArgumentException e) { // a control token's text the template keeps from being told apart
            throw ApiException.invalid("messages", e.getMessage());
        }
    }

    /** One request's answer, whole or streamed. */
    private record Reply(String id, long created, String model, GenerationOptions options, List<ChatOutputParser> parsers) {

        ChatCompletion whole(List<CompletionEvents.Outcome> outcomes) {
            List<ChatCompletion.Choice> choices = new ArrayList<>(outcomes.size());
            int generated = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                CompletionResult result = outcomes.get(i).result();
                Submission.checkNotCancelled(result);
                MessageBuilder message = new MessageBuilder();
                message.add(parsers.get(i).accept(result.text()));
                message.add(parsers.get(i).finish());
                Logprobs logprobs = options.topLogprobs() >= 0 ? Logprobs.of(outcomes.get(i).tokens()) : null;
                choices.add(new ChatCompletion.Choice(i, message.build(), logprobs,
                        FinishReason.of(result.reason(), message.calledTools())));
                generated += result.tokens().length;
            }
            CompletionResult first = outcomes.getFirst().result();
            return new ChatCompletion(id, created, model, choices,
                    Usage.of(first.promptTokens(), generated, first.cachedPromptTokens()));
        }

        /**
         * Streams the choices' chunks as the engine makes them. A client that goes away ends it
         * (the caller's {@link CompletionEvents#close} cancels the completions); so does an
         * engine failure, reported as an {@code error} event.
         */
        void stream(Context ctx, CompletionEvents events) throws InterruptedException {
            int n = events.size();
            StringBuilder[] released = new StringBuilder[n];
            boolean[] calledTools = new boolean[n];
            CompletionResult[] results = new CompletionResult[n];
            try {
                EventStream stream = EventStream.sse(ctx);
                for (int i = 0; i < n; i++) {
                    released[i] = new StringBuilder();
                    send(stream, i, new ChatCompletionChunk.Delta("assistant", "", null, null), null, null);
                }
                while (!events.finished()) {
                    switch (events.next(Submission.KEEP_ALIVE)) {
                        case null -> stream.keepAlive();
                        case CompletionEvents.Token t -> {
                            int i = t.index();
                            released[i].append(t.output().text());
                            List<ChatCompletionChunk.Delta> deltas = parsers.get(i).accept(t.output().text());
                            Logprobs logprobs = t.output().logprob() == null ? null
                                    : new Logprobs(List.of(Logprobs.content(t.output().logprob())));
                            if (deltas.isEmpty() && logprobs != null) {
                                deltas = List.of(ChatCompletionChunk.Delta.content(""));
                            }
                            for (ChatCompletionChunk.Delta delta : deltas) {
                                calledTools[i] |= delta.toolCalls() != null;
                                send(stream, i, delta, logprobs, null);
                                logprobs = null; // a token's log-probability goes with its first chunk only
                            }
                        }
                        case CompletionEvents.Done d -> {
                            int i = d.index();
                            CompletionResult result = d.result();
                            if (result.reason() == StopReason.CANCELLED) {
                                sendError(stream, ApiException.unavailable(
                                        "the server is shutting down; the completion was cancelled", 1));
                                return;
                            }
                            List<ChatCompletionChunk.Delta> deltas = new ArrayList<>();
                            String text = result.text();
                            if (text.startsWith(released[i].toString()) && text.length() > released[i].length()) {
                                deltas.addAll(parsers.get(i).accept(text.substring(released[i].length())));
                            }
                            deltas.addAll(parsers.get(i).finish());
                            for (ChatCompletionChunk.Delta delta : deltas) {
                                calledTools[i] |= delta.toolCalls() != null;
                                send(stream, i, delta, null, null);
                            }
                            send(stream, i, new ChatCompletionChunk.Delta(null, null, null, null), null,
                                    FinishReason.of(result.reason(), calledTools[i]));
                            results[i] = result;
                        }
                        case CompletionEvents.Failed f -> {
                            sendError(stream, ApiException.of(f.error()));
                            return;
                        }
                    }
                }
                if (options.includeUsage()) {
                    int generated = 0;
                    for (CompletionResult r : results) {
                        generated += r.tokens().length;
                    }
                    stream.send(Json.write(new ChatCompletionChunk(id, created, model, List.of(),
                            Usage.of(results[0].promptTokens(), generated, results[0].cachedPromptTokens()))));
                }
                stream.done();
            } catch (IOException clientGone) {
                // nothing to tell anyone: closing the events cancels the completions
            }
        }

        private void send(EventStream stream, int index, ChatCompletionChunk.Delta delta, Logprobs logprobs,
                          String finishReason) throws IOException {
            stream.send(Json.write(new ChatCompletionChunk(id, created, model,
                    List.of(new ChatCompletionChunk.Choice(index, delta, logprobs, finishReason)), null)));
        }

        private static void sendError(EventStream stream, ApiException error) throws IOException {
            stream.send(ErrorFormat.OPENAI.body(error));
        }
    }
}
