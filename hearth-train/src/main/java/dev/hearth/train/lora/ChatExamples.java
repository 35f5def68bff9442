package dev.hearth.train.lora;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.template.ChatMessage;
import dev.hearth.model.template.ChatRequest;
import dev.hearth.model.template.TemplateException;
import dev.hearth.train.data.Documents;
import dev.hearth.train.data.TrainingDataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Chat-format training examples: JSONL lines of OpenAI-style {@code {"messages": [{"role": …,
 * "content": …}, …]}}, rendered with the base model's chat template and tokenized as a prompt is.
 * The loss counts only the assistant turns' tokens (their text and the template's end of turn):
 * each is found as the tokens that rendering up to and including that turn adds to rendering the
 * turns before it with the assistant's header.
 */
final class ChatExamples {

    /** One conversation: {@code inputs[i]} predicts {@code targets[i]}, −1 where the loss does not count. */
    record Example(long line, int[] inputs, int[] targets) {
        int length() {
            return inputs.length;
        }

        int counted() {
            return (int) Arrays.stream(targets).filter(t -> t >= 0).count();
        }
    }

    /** What to do with a line that cannot be used. */
    enum OnError { STOP, SKIP }

    private ChatExamples() {}

    /**
     * @param maxTokens the longest conversation allowed (the training's sequence length plus one)
     * @param skipped told each line skipped and why, under {@link OnError#SKIP}
     * @throws TrainingDataException naming the file and line, under {@link OnError#STOP}
     */
    static List<Example> read(Path file, ChatPrompt prompt, int maxTokens, OnError onError,
            Consumer<TrainingDataException> skipped) {
        List<Example> examples = new ArrayList<>();
        Documents.readJsonLines(file, (line, text) -> {
            try {
                examples.add(example(file, line, Documents.parse(file, line, text), prompt, maxTokens));
            } catch (TrainingDataException e) {
                if (onError == OnError.STOP) {
                    throw e;
                }
                skipped.accept(e);
            }
        });
        if (examples.isEmpty()) {
            throw new TrainingDataException(file, 0, "no usable conversations");
        }
        return examples;
    }

    private static Example example(Path file, long line, JsonNode object, ChatPrompt prompt, int maxTokens) {
        List<ChatMessage> messages = messages(file, line, object);
        try {
            int[] all = prompt.tokens(ChatRequest.of(messages).withGenerationPrompt(false));
            if (all.length > maxTokens) {
                throw new TrainingDataException(file, line, "the conversation is " + all.length
                        + " tokens; the training's sequences hold " + maxTokens
                        + " (raise --seq-len up to the model's context, or shorten it)");
            }
            int[] targets = new int[all.length - 1];
            Arrays.fill(targets, -1);
            for (int i = 0; i < messages.size(); i++) {
                if (!messages.get(i).role().equals("assistant")) {
                    continue;
                }
                int[] before = prompt.tokens(ChatRequest.of(messages.subList(0, i)).withGenerationPrompt(true));
                int[] through = prompt.tokens(ChatRequest.of(messages.subList(0, i + 1)).withGenerationPrompt(false));
                if (!startsWith(through, before) || !startsWith(all, through)) {
                    throw new TrainingDataException(file, line, "the chat template renders turn " + (i + 1)
                            + " differently once later turns follow, so its tokens cannot be found; "
                            + "split the conversation at that turn");
                }
                for (int t = before.length; t < through.length; t++) {
                    targets[t - 1] = all[t]; // position t-1 predicts token t
                }
            }
            return new Example(line, Arrays.copyOf(all, all.length - 1), targets);
        } catch (TemplateException | IllegalArgumentException e) {
            throw new TrainingDataException(file, line, "the chat template cannot render it: " + e.getMessage());
        }
    }

    private static List<ChatMessage> messages(Path file, long line, JsonNode object) {
        JsonNode array = object.get("messages");
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new TrainingDataException(file, line, "expected an object with a non-empty \"messages\" array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        boolean answered = false;
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new TrainingDataException(file, line, "messages[" + i + "] needs string fields \"role\" and \"content\"");
            }
            switch (role.asText()) {
                case "system" -> messages.add(ChatMessage.system(content.asText()));
                case "user" -> messages.add(ChatMessage.user(content.asText()));
                case "assistant" -> {
                    messages.add(ChatMessage.assistant(content.asText()));
                    answered = true;
                }
                default -> throw new TrainingDataException(file, line, "messages[" + i + "] has role \"" + role.asText()
                        + "\"; fine-tuning takes system, user and assistant turns");
            }
        }
        if (!answered) {
            throw new TrainingDataException(file, line, "no assistant turn to learn from");
        }
        return messages;
    }

    private static boolean startsWith(int[] tokens, int[] prefix) {
        return tokens.length >= prefix.length && Arrays.equals(tokens, 0, prefix.length, prefix, 0, prefix.length);
    }
}
