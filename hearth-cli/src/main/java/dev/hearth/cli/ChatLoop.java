package dev.hearth.cli;

import dev.hearth.model.generate.ChatSession;
import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.generate.PromptTooLongException;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.sampling.SamplingParams;
import dev.hearth.model.template.TemplateException;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;

/**
 * The conversation {@code hearth run} holds in the terminal: reads the user's lines, runs the
 * slash commands, streams the answers. Input and output are given, so tests drive it with
 * scripted lines; {@link RunCommand} gives it JLine's line reader and terminal.
 */
final class ChatLoop {
    static final String PROMPT = "> ";
    static final String CONTINUATION = "... ";
    static final String HELP = """
            Type a message and press Enter. A line ending in \\ continues on the next line; \"\"\" on a line
            of its own starts and ends a block of lines.
              /system TEXT          set the system message (/system alone removes it)
              /set NAME VALUE       temperature, top_k, top_p, min_p, repeat_penalty, seed, max_tokens
              /set                  show the settings
              /clear                forget the conversation (the system message stays)
              /help                 this text
              /exit                 leave (so does Ctrl-D)
            Ctrl-C stops an answer; at the prompt it clears the line.""";

    /**
     * Where the lines come from: JLine's {@code LineReader::readLine} or a script.
     * {@code readLine} throws JLine's {@link UserInterruptException} for Ctrl-C and
     * {@link EndOfFileException} for Ctrl-D (end of input).
     */
    interface LineSource {
        String readLine(String prompt);
    }

    private final ChatSession session;
    private final LineSource lines;
    private final PrintWriter out;
    private final AtomicBoolean answering = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private GenerationParams params;

    ChatLoop(ChatSession session, GenerationParams params, LineSource lines, PrintWriter out) {
        this.session = session;
        this.params = params;
        this.lines = lines;
        this.out = out;
    }

    /** Stops the answer being generated, if any; safe from any thread (a signal handler). */
    void cancelAnswer() {
        if (answering.get()) {
            cancelled.set(true);
        }
    }

    GenerationParams params() {
        return params;
    }

    /** Runs until {@code /exit} or the end of input. */
    void run() {
        while (true) {
            String message;
            try {
                message = readMessage();
            } catch (UserInterruptException e) {
                continue; // Ctrl-C at the prompt: the line is dropped, the program stays
            } catch (EndOfFileException e) {
                return;
            }
            if (message.isBlank()) {
                continue;
            }
            if (message.startsWith("/")) {
                if (!command(message.strip())) {
                    return;
                }
            } else {
                answer(message);
            }
        }
    }

    /** One message: a line, lines joined by a trailing backslash, or a triple-quoted block. */
    private String readMessage() {
        String line = lines.readLine(PROMPT);
        if (line.strip().equals("\"\"\"")) {
            StringBuilder block = new StringBuilder();
            for (String next = lines.readLine(CONTINUATION); !next.strip().equals("\"\"\""); next = lines.readLine(CONTINUATION)) {
                block.append(block.isEmpty() ? "" : "\n").append(next);
            }
            return block.toString();
        }
        StringBuilder joined = new StringBuilder();
        while (line.endsWith("\\")) {
            joined.append(line, 0, line.length() - 1).append('\n');
            line = lines.readLine(CONTINUATION);
        }
        return joined.append(line).toString();
    }

    private void answer(String message) {
        cancelled.set(false);
        answering.set(true);
        try {
            ChatSession.Reply reply = session.reply(message, params, piece -> {
                out.print(piece);
                out.flush();
            }, cancelled::get);
            if (reply.droppedTurns() > 0) {
                // said after the answer too, since the answer streams as soon as it starts
                notice("the context was full: dropped the oldest " + plural(reply.droppedTurns(), "turn"));
            }
            StopReason reason = reply.generation().stopReason();
            out.println();
            if (reason == StopReason.CANCELLED) {
                notice("stopped");
            } else if (reason == StopReason.CONTEXT_FULL) {
                notice("the context is full; the answer was cut off");
            } else if (reason == StopReason.MAX_TOKENS) {
                notice("reached max_tokens (" + params.maxTokens() + "); /set max_tokens N for longer answers");
            }
        } catch (PromptTooLongException e) {
            notice(e.getMessage() + ": start with a larger --ctx, or send a shorter message");
        } catch (TemplateException | IllegalArgumentException e) {
            notice(e.getMessage());
        } finally {
            answering.set(false);
        }
        out.flush();
    }

    /** Runs a slash command; false for {@code /exit}. */
    private boolean command(String line) {
        String[] words = line.split("\\s+", 2);
        String argument = words.length > 1 ? words[1] : "";
        switch (words[0]) {
            case "/exit", "/quit", "/bye" -> {
                return false;
            }
            case "/help", "/?" -> out.println(HELP);
            case "/clear" -> {
                session.clear();
                notice("conversation cleared" + session.system().map(s -> "; the system message stays").orElse(""));
            }
            case "/system" -> {
                session.setSystem(argument);
                notice(argument.isEmpty() ? "system message removed" : "system message set");
            }
            case "/set" -> set(argument);
            default -> notice("unknown command " + words[0] + "; /help lists them");
        }
        out.flush();
        return true;
    }

    private void set(String argument) {
        if (argument.isBlank()) {
            SamplingParams s = params.sampling();
            out.printf(Locale.ROOT, "temperature %s, top_k %d, top_p %s, min_p %s, repeat_penalty %s, seed %s, max_tokens %d%n",
                    s.temperature(), s.topK(), s.topP(), s.minP(), s.repetitionPenalty(),
                    s.seed().isPresent() ? String.valueOf(s.seed().getAsLong()) : "random", params.maxTokens());
            return;
        }
        String[] nameValue = argument.strip().split("\\s+");
        if (nameValue.length != 2) {
            notice("usage: /set NAME VALUE, e.g. /set temperature 0.2");
            return;
        }
        String name = nameValue[0].toLowerCase(Locale.ROOT).replace('-', '_');
        String value = nameValue[1];
        try {
            SamplingParams s = params.sampling();
            params = switch (name) {
                case "temperature", "temp" -> params.withSampling(s.withTemperature(Float.parseFloat(value)));
                case "top_k" -> params.withSampling(s.withTopK(Integer.parseInt(value)));
                case "top_p" -> params.withSampling(s.withTopP(Float.parseFloat(value)));
                case "min_p" -> params.withSampling(s.withMinP(Float.parseFloat(value)));
                case "repeat_penalty" -> params.withSampling(s.withRepetitionPenalty(Float.parseFloat(value)));
                case "seed" -> params.withSampling(s.withSeed(Long.parseLong(value)));
                case "max_tokens" -> params.withMaxTokens(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("no setting named '" + nameValue[0]
                        + "'; there are temperature, top_k, top_p, min_p, repeat_penalty, seed, max_tokens");
            };
            notice(name + " = " + value);
        } catch (NumberFormatException e) {
            notice(name + ": '" + value + "' is not a number");
        } catch (IllegalArgumentException e) {
            notice(e.getMessage());
        }
    }

    private void notice(String text) {
        out.println("(" + text + ")");
        out.flush();
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
