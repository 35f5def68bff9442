package dev.hearth.serve.engine;

/** A completion asked of an embedding model (a BERT-family encoder), which has nothing to generate with. */
public final class ModelCannotGenerateException extends RuntimeException {
    public ModelCannotGenerateException(String model, String architecture) {
        super("model " + model + " (" + architecture + ") is an embedding model: it cannot generate text; ask it "
                + "for embeddings instead");
    }
}
