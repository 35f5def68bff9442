package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.serve.engine.LoraAdapterFile;
import dev.hearth.serve.engine.LoraChoice;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.registry.ModelRegistry;

import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters the way llama.cpp's server offers them, beside OpenAI's routes: a completion's
 * {@code "lora": [{"id": 0, "scale": 0.5}, …]} chooses among the server's adapters (those it does
 * not name are off; a missing {@code scale} is 0, as in llama.cpp; without the field, every
 * adapter at the scale the server was started with), and {@code GET /lora-adapters} lists them as
 * {@code [{"id": 0, "path": "…", "scale": 1.0}, …]}. The engine checks the ids.
 */
final class LoraFields {
    /** One adapter as {@code GET /lora-adapters} lists it. */
    record Adapter(int id, String path, float scale) {}

    private LoraFields() {}

    /** The request's {@code lora} field. */
    static LoraChoice parse(Fields body) {
        JsonNode lora = body.raw("lora");
        if (lora == null) {
            return LoraChoice.DEFAULTS;
        }
        if (!lora.isArray()) {
            throw body.wrongType("lora", "an array of objects with id and scale", lora);
        }
        Map<Integer, Float> scales = new LinkedHashMap<>();
        List<Fields> entries = body.objects("lora");
        for (int i = 0; i < entries.size(); i++) {
            Fields entry = entries.get(i);
            int id = (int) entry.integer("id", 0, Integer.MAX_VALUE).orElseThrow(() -> entry.missing("id"));
            float scale = (float) entry.number("scale", -Float.MAX_VALUE, Float.MAX_VALUE).orElse(0);
            if (scales.put(id, scale) != null) {
                throw ApiException.invalid(entry.path("id"), entry.path("id") + ": adapter " + id
                        + " is chosen twice");
            }
        }
        return LoraChoice.of(scales);
    }

    /** {@code GET /lora-adapters}: the server's adapters with their default scales. */
    static void list(Context ctx, ModelRegistry registry) {
        List<LoraAdapterFile> files = registry.loraAdapters();
        List<Adapter> adapters = new ArrayList<>(files.size());
        for (int id = 0; id < files.size(); id++) {
            adapters.add(new Adapter(id, files.get(id).path().toString(), files.get(id).scale()));
        }
        ctx.contentType("application/json").result(Json.write(adapters));
    }
}
