package dev.hearth.serve.engine;

/**
 * A completion asked for a LoRA adapter the server does not have, or one that does not apply to
 * the model it asked (an adapter made for another base model). The message names the id.
 */
public final class LoraAdapterException extends IllegalArgumentException {

    public LoraAdapterException(String message) {
        super(message);
    }
}
