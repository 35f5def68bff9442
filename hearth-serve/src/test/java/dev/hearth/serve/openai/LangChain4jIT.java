package dev.hearth.serve.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.constrain.SchemaValidator;
import dev.hearth.serve.http.Json;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LangChain4j's OpenAI module, a real client, against a running server with the real engine
 * ({@link RealModels}): chat, streaming, tool calling and JSON schema. The model is tiny and
 * random, so its words mean nothing; what is checked is what a client relies on: the greedy text
 * streamed equals the text answered whole, a forced tool call is parsed by LangChain4j with the
 * right name and arguments that validate, a JSON-schema answer parses and validates.
 */
class LangChain4jIT {
    /** The tool's parameters, as LangChain4j writes them below: bounded, so a random model's call always ends. */
    private static final String WEATHER_PARAMETERS = "{\"type\": \"object\", \"properties\": {"
            + "\"city\": {\"type\": \"string\", \"enum\": [\"Paris\", \"Rome\", \"Oslo\"]},"
            + " \"metric\": {\"type\": \"boolean\"}}, \"required\": [\"city\", \"metric\"], \"additionalProperties\": false}";
    private static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("get_weather")
            .description("The weather in a city")
            .parameters(JsonObjectSchema.builder()
                    .addEnumProperty("city", List.of("Paris", "Rome", "Oslo"))
                    .addBooleanProperty("metric")
                    .required("city", "metric")
                    .additionalProperties(false)
                    .build())
            .build();

    @TempDir
    static Path dir;
    static RealModels models;

    @BeforeAll
    static void start() throws IOException {
        models = RealModels.start(dir);
    }

    @AfterAll
    static void stop() {
        if (models != null) {
            models.close();
        }
    }

    private static OpenAiChatModel chatModel(String model, int maxTokens) {
        return OpenAiChatModel.builder().httpClientBuilder(new JdkHttpClientBuilder()).baseUrl(models.baseUrl())
                .apiKey("unused").modelName(model).temperature(0.0).maxTokens(maxTokens)
                .timeout(Duration.ofMinutes(3)).maxRetries(0).build();
    }

    private static OpenAiStreamingChatModel streamingModel(String model, int maxTokens) {
        return OpenAiStreamingChatModel.builder().httpClientBuilder(new JdkHttpClientBuilder()).baseUrl(models.baseUrl())
                .apiKey("unused").modelName(model).temperature(0.0).maxTokens(maxTokens)
                .timeout(Duration.ofMinutes(3)).build();
    }

    /** Streams {@code request}; returns the complete response after checking the pieces add up to its text. */
    private static ChatResponse stream(OpenAiStreamingChatModel model, ChatRequest request) throws Exception {
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                pieces.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(3, TimeUnit.MINUTES);
        assertThat(pieces.toString()).isEqualTo(response.aiMessage().text() == null ? "" : response.aiMessage().text());
        return response;
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text)).build();
    }

    @Test
    void chatAnswersAndTheStreamedGreedyTextIsTheSame() throws Exception {
        ChatResponse whole = chatModel("qwen", 24).chat(ask("Tell me about the sea."));
        assertThat(whole.aiMessage().text()).isNotNull();
        assertThat(whole.metadata().finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(whole.tokenUsage().inputTokenCount()).isPositive();

        ChatResponse streamed = stream(streamingModel("qwen", 24), ask("Tell me about the sea."));
        assertThat(streamed.aiMessage().text()).isEqualTo(whole.aiMessage().text());
        assertThat(streamed.metadata().finishReason()).isEqualTo(whole.metadata().finishReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen", "llama", "chatml"})
    void aRequiredToolCallIsParsedByLangChain4jWithArgumentsThatValidate(String model) throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("What is the weather in Paris?"))
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build();
        for (ChatResponse response : List.of(chatModel(model, 1000).chat(request), stream(streamingModel(model, 1000), request))) {
            assertThat(response.metadata().finishReason()).as(model).isEqualTo(FinishReason.TOOL_EXECUTION);
            List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
            assertThat(calls).as(model).hasSize(1);
            assertThat(calls.getFirst().name()).isEqualTo("get_weather");
            assertThat(calls.getFirst().id()).startsWith("call_");
            JsonNode arguments = Json.mapper().readTree(calls.getFirst().arguments());
            assertThat(new SchemaValidator(Json.mapper().readTree(WEATHER_PARAMETERS)).validate(arguments))
                    .as(calls.getFirst().arguments()).isEmpty();
        }
    }

    @Test
    void aToolResultGoesBackAndTheModelAnswers() {
        ChatRequest call = ChatRequest.builder().messages(UserMessage.from("What is the weather in Rome?"))
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build();
        ChatResponse called = chatModel("qwen", 1000).chat(call);
        AiMessage asked = called.aiMessage();
        ToolExecutionRequest request = asked.toolExecutionRequests().getFirst();
        ChatRequest answer = ChatRequest.builder()
                .messages(UserMessage.from("What is the weather in Rome?"), asked,
                        ToolExecutionResultMessage.from(request, "{\"sky\": \"clear\", \"celsius\": 24}"))
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.NONE).build();
        ChatResponse response = chatModel("qwen", 16).chat(answer);
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.aiMessage().text()).isNotNull();
        assertThat(response.tokenUsage().inputTokenCount()).as("the call and its result are in the prompt")
                .isGreaterThan(chatModel("qwen", 1).chat(ask("What is the weather in Rome?")).tokenUsage().inputTokenCount() + 20);
    }

    @Test
    void aJsonSchemaAnswerParsesAndValidates() throws Exception {
        String schema = "{\"type\": \"object\", \"properties\": {\"verdict\": {\"type\": \"string\", \"enum\": [\"yes\", \"no\"]},"
                + " \"sure\": {\"type\": \"boolean\"}}, \"required\": [\"verdict\", \"sure\"], \"additionalProperties\": false}";
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder()
                .name("verdict").rootElement(JsonObjectSchema.builder()
                        .addEnumProperty("verdict", List.of("yes", "no"))
                        .addBooleanProperty("sure")
                        .required("verdict", "sure")
                        .additionalProperties(false)
                        .build())
                .build()).build();
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Is the sea blue? Answer in JSON."))
                .responseFormat(format).build();
        for (String model : List.of("qwen", "llama")) {
            for (ChatResponse response : List.of(chatModel(model, 1000).chat(request), stream(streamingModel(model, 1000), request))) {
                assertThat(response.metadata().finishReason()).as(model).isEqualTo(FinishReason.STOP);
                JsonNode answer = Json.mapper().readTree(response.aiMessage().text());
                assertThat(new SchemaValidator(Json.mapper().readTree(schema)).validate(answer))
                        .as(response.aiMessage().text()).isEmpty();
            }
        }
    }
}
