package dev.hearth.model.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class ChatTemplateConcurrencyTest {

    @Test
    void rendersTheSameTextFromManyThreadsAtOnce() throws Exception {
        ChatTemplate chatml = ChatTemplates.named("chatml").compile(null, "<|im_end|>");
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                String text = "message " + i;
                results.add(pool.submit(() -> chatml.render(ChatRequest.of(List.of(ChatMessage.user(text))))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get())
                        .isEqualTo("<|im_start|>user\nmessage " + i + "<|im_end|>\n<|im_start|>assistant\n");
            }
        }
    }
}
