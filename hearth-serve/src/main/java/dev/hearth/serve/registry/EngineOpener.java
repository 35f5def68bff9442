package dev.hearth.serve.registry;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngine;

import java.io.IOException;
import java.nio.file.Path;

/** Opens an engine on a model file; the registry calls it on a model's first use. */
@FunctionalInterface
public interface EngineOpener {

    InferenceEngine open(Path file, EngineOptions options) throws IOException;
}
