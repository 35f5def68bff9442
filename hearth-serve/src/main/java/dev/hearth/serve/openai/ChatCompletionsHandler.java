package dev.hearth.serve.openai;

import dev.hearth.model.generate.StopReason;
import dev.hearth.model.tokenizer.SpecialTokenMode;
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
import java.util.stream.IntStream;

/**
 * {@code POST /v1/chat/completions}: the messages through the model's chat template (message
 * texts can never become control tokens), then {@code n} completions, answered whole or streamed
 * as server-sent events ending with {@code data: [DONE]}.
 */
final class ChatCompletionsHandler implements Handler {
    /** The finish reason of an answer no model wrote. */
    private static final String ANSWERED = FinishReason.of(StopReason.END_OF_GENERATION, false);

    private final ApiContext context;
    private final ChatOutputs outputs;
    private final ChatGrounding grounding;

    ChatCompletionsHandler(ApiContext context, ChatOutputs outputs, ChatGrounding grounding) {
        this.context = context;
        this.outputs = outputs;
        this.grounding = grounding;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        ChatCompletionRequest request = ChatFields.parse(Fields.readBody(ctx, context.limits().maxBodyBytes()), context.limits());
        if (request.model() != null && grounding.claims(request.model())) {
            ChatGrounding.Grounded grounded = grounding.ground(request.model(), request.messages());
            if (grounded.generates()) {
                complete(ctx, new ChatCompletionRequest(grounded.model(), grounded.messages(), request.options(),
                        request.responseFormat(), request.tools(), request.toolChoice(), request.templateVariables()),
                        request.model(), grounded.citations());
            } else {
                answerWithoutModel(ctx, request, grounded);
            }
            return;
        }
        complete(ctx, request, null, null);
    }

    /**
     * Runs {@code request} on its model.
     *
     * @param shownModel the model the reply names, when not the one that ran (a grounded chat's id)
     * @param citations a grounded chat's citations, or null
     */
    private void complete(Context ctx, ChatCompletionRequest request, String shownModel, List<?> citations)
            throws InterruptedException {
        try (ModelLease lease = Submission.lease(context.registry(), request.model())) {
            InferenceEngine engine = lease.engine();
            ChatOutputPlan plan = outputs.plan(request, engine);
            int[] prompt = prompt(engine, plan);
            GenerationOptions options = request.options();
            List<CompletionRequest> completions = new ArrayList<>(options.n());
            List<ChatOutputParser> parsers = new ArrayList<>(options.n());
            for (int i = 0; i < options.n(); i++) { // a constraint and a parser per choice: both have state
                completions.add(new CompletionRequest(prompt, options.params(i), plan.constraint(), options.topLogprobs(),
                        options.lora()));
                parsers.add(plan.parser());
            }
            Reply reply = new Reply(Submission.id("chatcmpl-"), Submission.now(),
                    shownModel == null ? lease.name() : shownModel, options, parsers, citations);
            try (CompletionEvents events = Submission.submit(context, lease, completions, "messages")) {
                if (options.stream()) {
                    reply.stream(ctx, events);
                } else {
                    ctx.contentType("application/json").result(Json.write(reply.whole(events.awaitAll())));
                }
            }
        }
    }

    /** A grounded chat's answer that no model writes, whole or as a stream of one piece. */
    private static void answerWithoutModel(Context ctx, ChatCompletionRequest request, ChatGrounding.Grounded grounded)
            throws IOException {
        String id = Submission.id("chatcmpl-");
        long created = Submission.now();
        if (!request.options().stream()) {
            ChatCompletion.Choice choice = new ChatCompletion.Choice(0,
                    new ChatCompletion.Message("assistant", grounded.answer(), null, null), null, ANSWERED);
            ctx.contentType("application/json").result(Json.write(new ChatCompletion(id, "chat.completion", created,
                    request.model(), List.of(choice), Usage.of(0, 0, 0), grounded.citations())));
            return;
        }
        EventStream stream = EventStream.sse(ctx);
        stream.send(Json.write(new ChatCompletionChunk(id, "chat.completion.chunk", created, request.model(),
                List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta("assistant", "", null, null), null, null)),
                null, grounded.citations())));
        stream.send(Json.write(new ChatCompletionChunk(id, created, request.model(),
                List.of(new ChatCompletionChunk.Choice(0, ChatCompletionChunk.Delta.content(grounded.answer()), null, null)), null)));
        stream.send(Json.write(new ChatCompletionChunk(id, created, request.model(),
                List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, null, null, null), null,
                        ANSWERED)), null)));
        if (request.options().includeUsage()) {
            stream.send(Json.write(new ChatCompletionChunk(id, created, request.model(), List.of(), Usage.of(0, 0, 0))));
        }
        stream.done();
    }

    /** The conversation's tokens, then the plan's prefill (markup of ours, so its special tokens count). */
    private static int[] prompt(InferenceEngine engine, ChatOutputPlan plan) {
        int[] conversation;
        try {
            conversation = engine.chatPrompt().tokens(plan.chatRequest());
        } catch (IllegalArgumentException e) { // a control token's text the template keeps from being told apart
            throw ApiException.invalid("messages", e.getMessage());
        }
        if (plan.prefill().isEmpty()) {
            return conversation;
        }
        return IntStream.concat(IntStream.of(conversation),
                IntStream.of(engine.tokenizer().encode(plan.prefill(), SpecialTokenMode.ALL))).toArray();
    }

    /** One request's answer, whole or streamed. */
    private record Reply(String id, long created, String model, GenerationOptions options, List<ChatOutputParser> parsers,
                         List<?> citations) {

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
            return new ChatCompletion(id, "chat.completion", created, model, choices,
                    Usage.of(first.promptTokens(), generated, first.cachedPromptTokens()), citations);
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
                    stream.send(Json.write(new ChatCompletionChunk(id, "chat.completion.chunk", created, model,
                            List.of(new ChatCompletionChunk.Choice(i, new ChatCompletionChunk.Delta("assistant", "", null, null),
                                    null, null)), null, i == 0 ? citations : null)));
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
