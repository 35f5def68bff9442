package dev.hearth.serve.openai;

import dev.hearth.model.constrain.JsonGrammar;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.TokenLogprob;
import dev.hearth.serve.engine.TokenOutput;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code POST /v1/completions}, the legacy text completions: {@code prompt} is a string, an array
 * of strings, an array of token ids, or an array of such arrays; each prompt gets {@code n}
 * choices, numbered prompt by prompt. As in OpenAI's API, {@code max_tokens} defaults to 16 and
 * {@code logprobs} is a number (0–5). A string prompt is the client's own text, markup included:
 * control tokens in it are matched, as llama.cpp's server does, and BOS is added when the model
 * asks for it. {@code response_format} (an extension, as in vLLM and llama.cpp) is taken as in chat
 * completions: each choice is constrained to JSON.
 */
final class TextCompletionsHandler implements Handler {
    /** OpenAI's default {@code max_tokens} for text completions. */
    private static final int DEFAULT_MAX_TOKENS = 16;

    private final ApiContext context;

    TextCompletionsHandler(ApiContext context) {
        this.context = context;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        Fields body = Fields.readBody(ctx, context.limits().maxBodyBytes());
        String modelName = body.string("model").orElse(null);
        if (body.bool("echo").orElse(false)) {
            throw ApiException.invalid("echo", "echo is not supported by this server");
        }
        if (body.has("suffix")) {
            throw ApiException.invalid("suffix", "suffix is not supported by this server");
        }
        GenerationOptions options = GenerationFields.parse(body, context.limits(), DEFAULT_MAX_TOKENS,
                GenerationFields.textLogprobs(body));
        JsonGrammar grammar = ResponseFormat.parse(body).grammar();
        try (ModelLease lease = Submission.lease(context.registry(), modelName)) {
            Tokenizer tokenizer = lease.engine().tokenizer();
            List<int[]> prompts = TokenInputs.read(body, "prompt", lease.engine().info().vocabularySize(),
                    context.limits().maxChoices(), (text, path) -> encode(text, tokenizer, path));
            if (prompts.size() * options.n() > context.limits().maxChoices()) {
                throw ApiException.invalid("prompt", prompts.size() + " prompts with n=" + options.n() + " make "
                        + prompts.size() * options.n() + " completions; this server allows " + context.limits().maxChoices());
            }
            List<CompletionRequest> completions = new ArrayList<>();
            for (int[] prompt : prompts) {
                for (int i = 0; i < options.n(); i++) {
                    completions.add(new CompletionRequest(prompt, options.params(i),
                            grammar == null ? null : grammar.constrain(tokenizer), options.topLogprobs(), options.lora()));
                }
            }
            Reply reply = new Reply(Submission.id("cmpl-"), Submission.now(), lease.name(), options);
            try (CompletionEvents events = Submission.submit(context, lease, completions, "prompt")) {
                if (options.stream()) {
                    reply.stream(ctx, events, prompts);
                } else {
                    ctx.contentType("application/json").result(Json.write(reply.whole(events.awaitAll(), prompts)));
                }
            }
        }
    }

    private static int[] encode(String text, Tokenizer tokenizer, String path) {
        int[] ids = tokenizer.encode(text, SpecialTokenMode.ALL);
        SpecialTokens specials = tokenizer.specialTokens();
        if (specials.addBos() && specials.bos().isPresent() && (ids.length == 0 || ids[0] != specials.bos().getAsInt())) {
            ids = IntStream.concat(IntStream.of(specials.bos().getAsInt()), IntStream.of(ids)).toArray();
        }
        if (ids.length == 0) {
            throw ApiException.invalid(path, path + " is empty, and the model adds no BOS token to start from");
        }
        return ids;
    }

    /** One request's answer, whole or streamed; choice {@code k} is prompt {@code k / n}'s {@code k % n}-th. */
    private record Reply(String id, long created, String model, GenerationOptions options) {

        TextCompletion whole(List<CompletionEvents.Outcome> outcomes, List<int[]> prompts) {
            List<TextCompletion.Choice> choices = new ArrayList<>(outcomes.size());
            int generated = 0;
            for (int k = 0; k < outcomes.size(); k++) {
                CompletionResult result = outcomes.get(k).result();
                Submission.checkNotCancelled(result);
                TextCompletion.TextLogprobs logprobs = options.topLogprobs() >= 0 ? logprobs(outcomes.get(k).tokens()) : null;
                choices.add(new TextCompletion.Choice(result.text(), k, logprobs, FinishReason.of(result.reason(), false)));
                generated += result.tokens().length;
            }
            return new TextCompletion(id, created, model, choices, usage(prompts, generated, outcomes.getFirst().result()));
        }

        void stream(Context ctx, CompletionEvents events, List<int[]> prompts) throws InterruptedException {
            int count = events.size();
            StringBuilder[] released = new StringBuilder[count];
            int generated = 0;
            CompletionResult first = null;
            try {
                EventStream stream = EventStream.sse(ctx);
                for (int k = 0; k < count; k++) {
                    released[k] = new StringBuilder();
                }
                while (!events.finished()) {
                    switch (events.next(Submission.KEEP_ALIVE)) {
                        case null -> stream.keepAlive();
                        case CompletionEvents.Token t -> {
                            TokenOutput output = t.output();
                            released[t.index()].append(output.text());
                            if (!output.text().isEmpty() || output.logprob() != null) {
                                TextCompletion.TextLogprobs logprobs = output.logprob() == null ? null : logprobs(List.of(output));
                                send(stream, new TextCompletion.Choice(output.text(), t.index(), logprobs, null));
                            }
                        }
                        case CompletionEvents.Done d -> {
                            CompletionResult result = d.result();
                            if (result.reason() == StopReason.CANCELLED) {
                                stream.send(ErrorFormat.OPENAI.body(
                                        ApiException.unavailable("the server is shutting down; the completion was cancelled", 1)));
                                return;
                            }
                            String text = result.text();
                            String rest = text.startsWith(released[d.index()].toString())
                                    ? text.substring(released[d.index()].length()) : "";
                            send(stream, new TextCompletion.Choice(rest, d.index(), null, FinishReason.of(result.reason(), false)));
                            generated += result.tokens().length;
                            first = d.index() == 0 ? result : first;
                        }
                        case CompletionEvents.Failed f -> {
                            stream.send(ErrorFormat.OPENAI.body(ApiException.of(f.error())));
                            return;
                        }
                    }
                }
                if (options.includeUsage()) {
                    stream.send(Json.write(new TextCompletion(id, created, model, List.of(), usage(prompts, generated, first))));
                }
                stream.done();
            } catch (IOException clientGone) {
                // closing the events cancels the completions
            }
        }

        private void send(EventStream stream, TextCompletion.Choice choice) throws IOException {
            stream.send(Json.write(new TextCompletion(id, created, model, List.of(choice), null)));
        }

        private static Usage usage(List<int[]> prompts, int generated, CompletionResult first) {
            int promptTokens = prompts.stream().mapToInt(p -> p.length).sum();
            return Usage.of(promptTokens, generated, first.cachedPromptTokens());
        }

        private static TextCompletion.TextLogprobs logprobs(List<TokenOutput> tokens) {
            List<String> pieces = new ArrayList<>();
            List<Float> values = new ArrayList<>();
            List<Map<String, Float>> tops = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            int offset = 0;
            for (TokenOutput t : tokens) {
                TokenLogprob lp = t.logprob();
                if (lp == null) {
                    continue;
                }
                pieces.add(lp.piece());
                values.add(lp.logprob());
                Map<String, Float> top = new LinkedHashMap<>();
                lp.top().forEach(alt -> top.putIfAbsent(alt.piece(), alt.logprob()));
                tops.add(top);
                offsets.add(offset);
                offset += lp.piece().length();
            }
            return new TextCompletion.TextLogprobs(pieces, values, tops, offsets);
        }
    }
}
