package dev.hearth.serve.registry;

/** No model of this name is served. */
public final class UnknownModelException extends RuntimeException {
    private final String model;

    public UnknownModelException(String model) {
        super("no model named '" + model + "'");
        this.model = model;
    }

    public String model() {
        return model;
    }
}
