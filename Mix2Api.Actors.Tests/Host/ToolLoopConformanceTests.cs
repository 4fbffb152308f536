using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Mix2Api.Tests.Support;
using OpenAI;
using OpenAI.Chat;

namespace Mix2Api.Tests.Host;

/// <summary>
/// The official OpenAI .NET client closes two-turn tool loops through the broker: the model calls a
/// tool, the client sends the result, the model answers. The simulator's directive in the first user
/// message makes the model call; once tool results are present it answers with a final.
/// </summary>
public sealed class ToolLoopConformanceTests : IAsyncLifetime
{
    private const string OneCall = """[[sim:tool name=get_weather args={"city":"Paris"}]] What is the weather in Paris?""";
    private const string TwoCalls = """[[sim:tools name=get_weather args={"city":"Paris"} name2=get_time args2={"tz":"CET"}]] Weather and time?""";
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private ChatClient Client() => new("mix/qwen-3-235b-instruct", new ApiKeyCredential(BrokerHost.InboundToken),
        new OpenAIClientOptions { Endpoint = new Uri(_broker.BaseUrl, "v1"), RetryPolicy = new ClientRetryPolicy(0) });

    private static ChatCompletionOptions Options() => new()
    {
        Tools =
        {
            ChatTool.CreateFunctionTool("get_weather", "Current weather of a city",
                BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")),
            ChatTool.CreateFunctionTool("get_time", "Current time in a time zone",
                BinaryData.FromString("""{"type":"object","properties":{"tz":{"type":"string","enum":["CET","UTC"]}},"required":["tz"]}""")),
        },
    };

    [Theory]
    [InlineData(OneCall, new[] { "get_weather" })]
    [InlineData(TwoCalls, new[] { "get_weather", "get_time" })]
    public async Task Non_stream_tool_loop_closes(string question, string[] expectedTools)
    {
        var client = Client();
        List<ChatMessage> messages = [new UserChatMessage(question)];
        ChatCompletion first = await client.CompleteChatAsync(messages, Options());
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal(expectedTools, first.ToolCalls.Select(c => c.FunctionName));
        Assert.All(first.ToolCalls, c => Assert.StartsWith("call_", c.Id));
        Assert.Equal(first.ToolCalls.Count, first.ToolCalls.Select(c => c.Id).Distinct().Count());
        Assert.Equal("Paris", System.Text.Json.JsonDocument.Parse(first.ToolCalls[0].FunctionArguments).RootElement.GetProperty("city").GetString());

        messages.Add(new AssistantChatMessage(first));
        foreach (var call in first.ToolCalls) messages.Add(new ToolChatMessage(call.Id, $"result of {call.FunctionName}: ok"));
        ChatCompletion final = await client.CompleteChatAsync(messages, Options());
        Assert.Equal(ChatFinishReason.Stop, final.FinishReason);
        Assert.Empty(final.ToolCalls);
        Assert.False(string.IsNullOrWhiteSpace(final.Content[0].Text));
        Assert.DoesNotContain("\"final\"", final.Content[0].Text);

        // The result went upstream labelled with the function name found through tool_call_id.
        var query = _broker.Simulator.Simulator.ChatRequests[^1].Body!.Value.GetProperty("request").GetProperty("query").GetString();
        Assert.Contains("get_weather", query);
        Assert.Contains("result of get_weather: ok", query);
    }

    [Theory]
    [InlineData(OneCall, new[] { "get_weather" })]
    [InlineData(TwoCalls, new[] { "get_weather", "get_time" })]
    public async Task Stream_tool_loop_closes(string question, string[] expectedTools)
    {
        var client = Client();
        List<ChatMessage> messages = [new UserChatMessage(question)];
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Args)>();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, Options()))
        {
            finish ??= update.FinishReason;
            foreach (var part in update.ToolCallUpdates)
            {
                if (part.ToolCallId is not null)
                {
                    Assert.NotNull(part.FunctionName);
                    calls[part.Index] = (part.ToolCallId, part.FunctionName, new StringBuilder());
                }
                calls[part.Index].Args.Append(part.FunctionArgumentsUpdate?.ToString());
            }
        }
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(expectedTools, calls.Values.Select(c => c.Name));

        var toolCalls = calls.Values.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Args.ToString()))).ToList();
        Assert.Equal("Paris", System.Text.Json.JsonDocument.Parse(toolCalls[0].FunctionArguments).RootElement.GetProperty("city").GetString());
        messages.Add(new AssistantChatMessage(toolCalls));
        foreach (var call in toolCalls) messages.Add(new ToolChatMessage(call.Id, "ok"));

        var text = new StringBuilder();
        finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, Options()))
        {
            finish ??= update.FinishReason;
            Assert.Empty(update.ToolCallUpdates);
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        }
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.False(string.IsNullOrWhiteSpace(text.ToString()));
    }

#pragma warning disable CS0618 // legacy functions are obsolete in the client, still used by older agents
    [Fact]
    public async Task Legacy_functions_get_function_call_back_and_close_the_loop()
    {
        var client = Client();
        var options = new ChatCompletionOptions
        {
            Functions =
            {
                new ChatFunction("get_weather")
                {
                    FunctionDescription = "Current weather of a city",
                    FunctionParameters = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
                },
            },
        };
        List<ChatMessage> messages = [new UserChatMessage(OneCall)];
        ChatCompletion first = await client.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.FunctionCall, first.FinishReason);
        Assert.Equal("get_weather", first.FunctionCall.FunctionName);
        Assert.Empty(first.ToolCalls);

        messages.Add(new AssistantChatMessage(first.FunctionCall));
        messages.Add(new FunctionChatMessage("get_weather", "sunny, 21 °C"));
        ChatCompletion final = await client.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.Stop, final.FinishReason);
        Assert.False(string.IsNullOrWhiteSpace(final.Content[0].Text));
    }
#pragma warning restore CS0618
}
