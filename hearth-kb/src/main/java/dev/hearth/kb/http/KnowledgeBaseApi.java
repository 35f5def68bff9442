package dev.hearth.kb.http;

import dev.hearth.kb.IngestionListener;
import dev.hearth.kb.KnowledgeBaseException;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.Retrieval;
import dev.hearth.kb.RetrievalOptions;
import dev.hearth.kb.answer.GroundedAnswerer;
import dev.hearth.kb.index.SearchMode;
import dev.hearth.kb.store.IngestionJob;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.serve.http.Api;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.ErrorFormat;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.openai.ChatGrounding;
import dev.hearth.serve.registry.ModelLease;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Knowledge bases over HTTP, under {@code /v1/kb} with OpenAI's error shape: create, list,
 * describe and delete them; upload documents (multipart, field {@code file}, repeated) into a
 * background ingestion job and follow it; list and remove documents; search; ask. Chat with
 * streaming goes through the OpenAI API as model {@code kb:NAME} ({@link #grounding()}).
 * Routes and fields are listed in docs/api.md.
 */
public final class KnowledgeBaseApi implements Api {
    private static final String PREFIX = "/v1/kb";

    private final KnowledgeBases bases;
    private final Optional<String> answerModel;

    private KnowledgeBaseApi(KnowledgeBases bases, Optional<String> answerModel) {
        this.bases = bases;
        this.answerModel = answerModel;
    }

    /**
     * @param answerModel the served model that writes answers, by name; empty for extractive
     *     answers (the passages themselves)
     */
    public static KnowledgeBaseApi create(KnowledgeBases bases, Optional<String> answerModel) {
        return new KnowledgeBaseApi(bases, answerModel);
    }

    /** {@code kb:NAME} chat for the OpenAI API ({@code OpenAiApi.create(grounding)}). */
    public ChatGrounding grounding() {
        return new KnowledgeBaseGrounding(bases, answerModel);
    }

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public ErrorFormat errorFormat() {
        return ErrorFormat.OPENAI;
    }

    @Override
    public void addRoutes(RoutesConfig routes, ApiContext context) {
        routes.get(PREFIX, wrap(ctx -> json(ctx, 200, Views.ListOf.of(bases.list().stream().map(Views::of).toList()))));
        routes.post(PREFIX, wrap(ctx -> create(ctx, context)));
        routes.get(PREFIX + "/{name}", wrap(ctx -> json(ctx, 200, Views.of(bases.describe(ctx.pathParam("name"))))));
        routes.delete(PREFIX + "/{name}", wrap(ctx -> {
            bases.delete(ctx.pathParam("name"));
            ctx.status(204);
        }));
        routes.get(PREFIX + "/{name}/documents", wrap(ctx -> {
            String name = ctx.pathParam("name");
            json(ctx, 200, Views.ListOf.of(bases.documents(name).stream().map(d -> Views.of(d, bases.uploads(name))).toList()));
        }));
        routes.post(PREFIX + "/{name}/documents", wrap(this::upload));
        routes.delete(PREFIX + "/{name}/documents/{id}", wrap(ctx -> {
            bases.removeDocument(ctx.pathParam("name"), ctx.pathParam("id"));
            ctx.status(204);
        }));
        routes.get(PREFIX + "/{name}/jobs/{id}", wrap(this::job));
        routes.post(PREFIX + "/{name}/search", wrap(ctx -> search(ctx, context)));
        routes.post(PREFIX + "/{name}/ask", wrap(ctx -> ask(ctx, context)));
    }

    private void create(Context ctx, ApiContext context) {
        Fields body = Fields.readBody(ctx, context.limits().maxBodyBytes());
        json(ctx, 201, Views.of(bases.create(body.requiredString("name"), body.string("description").orElse(""))));
    }

    /** Stores the uploaded files in the knowledge base's upload folder, then adds them in the background. */
    private void upload(Context ctx) {
        String name = ctx.pathParam("name");
        bases.describe(name); // 404 before reading any file
        List<UploadedFile> files = ctx.uploadedFiles("file");
        if (files.isEmpty()) {
            throw ApiException.invalid("file", "send the documents as multipart/form-data, each in a field named file");
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String field : ctx.formParams("tags")) {
            for (String tag : field.split(",")) {
                if (!tag.isBlank()) {
                    tags.add(tag.strip());
                }
            }
        }
        Path folder = bases.uploads(name);
        List<Path> stored = new ArrayList<>(files.size());
        try {
            Files.createDirectories(folder);
            for (UploadedFile file : files) {
                Path target = folder.resolve(safeName(file.filename()));
                Path part = Files.createTempFile(folder, ".upload-", ".part");
                try (InputStream in = file.content()) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(part);
                }
                stored.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded files in " + folder, e);
        }
        IngestionJob job = bases.startAdd(name, stored, tags, List.of(folder), IngestionListener.NONE, () -> false);
        json(ctx, 202, Map.of("job", Views.of(job, folder)));
    }

    private void job(Context ctx) {
        String name = ctx.pathParam("name");
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiException(404, "invalid_request_error", "not_found", null, "there is no job " + ctx.pathParam("id"), 0);
        }
        bases.describe(name);
        IngestionJob job = bases.job(name, id).orElseThrow(() -> new ApiException(404, "invalid_request_error",
                "not_found", null, "knowledge base '" + name + "' has no job " + id, 0));
        json(ctx, 200, Views.of(job, bases.uploads(name)));
    }

    private void search(Context ctx, ApiContext context) {
        Fields body = Fields.readBody(ctx, context.limits().maxBodyBytes());
        Retrieval found = retrieve(ctx.pathParam("name"), body.requiredString("query"), body);
        json(ctx, 200, Map.of("object", "list", "covered", found.covered(),
                "data", found.passages().stream().map(Views::of).toList()));
    }

    /** A whole answer: generated from the passages when an answering model is configured, else the passages. */
    private void ask(Context ctx, ApiContext context) {
        Fields body = Fields.readBody(ctx, context.limits().maxBodyBytes());
        String name = ctx.pathParam("name");
        String question = body.requiredString("question");
        Retrieval found = retrieve(name, question, body);
        String answer = found.answerWithoutModel(answerModel.isPresent()).orElse(null);
        String model = null;
        if (answer == null) {
            int maxTokens = (int) body.integer("max_tokens", 1, context.limits().maxTokens()).orElse(1024);
            try (ModelLease lease = context.registry().acquire(answerModel.get())) {
                model = lease.name();
                answer = GroundedAnswerer.answer(lease.engine(), name, List.of(ChatMessage.user(question)),
                        found.passages(), GenerationParams.greedy(maxTokens), text -> {});
            }
        }
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("knowledge_base", name);
        reply.put("question", question);
        reply.put("covered", found.covered());
        reply.put("answer", answer);
        reply.put("model", model);
        reply.put("citations", found.passages().stream().map(Views::of).toList());
        json(ctx, 200, reply);
    }

    private Retrieval retrieve(String name, String question, Fields body) {
        RetrievalOptions options = RetrievalOptions.defaults()
                .withK((int) body.integer("k", 1, 100).orElse(RetrievalOptions.DEFAULT_K));
        if (body.has("mode")) {
            String mode = body.requiredString("mode");
            try {
                options = options.withMode(SearchMode.valueOf(mode.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("mode", "mode must be hybrid, bm25 or vector; got '" + mode + "'");
            }
        }
        options = options.withFilters(strings(body, "documents"), strings(body, "tags"));
        if (question.isBlank()) {
            throw ApiException.invalid(body.has("question") ? "question" : "query", "the question is empty");
        }
        return bases.retrieve(name, question, options);
    }

    private static Set<String> strings(Fields body, String field) {
        Set<String> values = new LinkedHashSet<>();
        List<JsonNode> items = body.array(field);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isTextual()) {
                throw body.wrongType(field + "[" + i + "]", "a string", items.get(i));
            }
            values.add(items.get(i).asText());
        }
        return values;
    }

    /** The file name of an upload, without any folder a browser or client sent with it. */
    static String safeName(String sent) {
        String name = sent == null ? "" : sent.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.startsWith(".")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.invalid("file", "an uploaded file needs a plain file name, not '" + sent + "'");
        }
        return name;
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /** Runs a handler with the knowledge bases' exceptions turned into API errors. */
    private static Handler wrap(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (KnowledgeBaseException e) {
                throw toApi(e, null);
            }
        };
    }

    static ApiException toApi(KnowledgeBaseException e, String param) {
        return switch (e.kind()) {
            case NOT_FOUND -> new ApiException(404, "invalid_request_error", "not_found", param, e.getMessage(), 0);
            case CONFLICT -> new ApiException(409, "invalid_request_error", "conflict", param, e.getMessage(), 0);
            case INVALID -> ApiException.invalid(param, e.getMessage());
        };
    }
}
