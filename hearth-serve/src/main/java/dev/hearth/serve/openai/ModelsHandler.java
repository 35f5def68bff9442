package dev.hearth.serve.openai;

import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelStatus;

import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: every served model, loaded or not, named
 * as clients address it ({@code created} is when its file was written), then the ids a
 * {@link ChatGrounding} offers (knowledge bases, {@code created} 0).
 */
final class ModelsHandler {
    private final ModelRegistry registry;
    private final ChatGrounding grounding;

    ModelsHandler(ModelRegistry registry, ChatGrounding grounding) {
        this.registry = registry;
        this.grounding = grounding;
    }

    /** One model, as OpenAI describes it. */
    record Model(String id, String object, long created, String ownedBy) {}

    record ModelList(String object, List<Model> data) {}

    void list(Context ctx) {
        List<Model> models = new ArrayList<>(registry.models().stream().map(ModelsHandler::model).toList());
        grounding.models().forEach(id -> models.add(grounded(id)));
        ctx.contentType("application/json").result(Json.write(new ModelList("list", models)));
    }

    void get(Context ctx) {
        String id = ctx.pathParam("id");
        if (grounding.models().contains(id)) {
            ctx.contentType("application/json").result(Json.write(grounded(id)));
            return;
        }
        ModelStatus status = registry.models().stream().filter(m -> m.name().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.modelNotFound(id));
        ctx.contentType("application/json").result(Json.write(model(status)));
    }

    private static Model grounded(String id) {
        return new Model(id, "model", 0, "hearth");
    }

    private static Model model(ModelStatus status) {
        return new Model(status.name(), "model", status.modified().getEpochSecond(), "hearth");
    }
}
