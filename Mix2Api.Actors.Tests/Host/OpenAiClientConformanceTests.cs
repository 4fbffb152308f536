using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;
using OpenAI;
using OpenAI.Chat;

namespace Mix2Api.Tests.Host;

/// <summary>The official OpenAI .NET client talks to the broker exactly as it would to OpenAI.</summary>
public sealed class OpenAiClientConformanceTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private ChatClient Client(string model = "mix/qwen-3-235b-instruct") => new(model, new ApiKeyCredential(BrokerHost.InboundToken),
        // No client retries: a retried 502 would hide the error under the next (default) answer.
        new OpenAIClientOptions { Endpoint = new Uri(_broker.BaseUrl, "v1"), RetryPolicy = new ClientRetryPolicy(0) });

    [Fact]
    public async Task Non_stream_completion_has_text_stop_and_nonzero_usage()
    {
        _broker.Upstream.Enqueue(SimScripts.ShortAnswer("The answer is 42.", chunks: 4));
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("What is the answer?")]);

        Assert.Equal("The answer is 42.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal("mix/qwen-3-235b-instruct", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Stream_delivers_text_in_order_then_stop_and_usage_last()
    {
        _broker.Upstream.Enqueue(SimScripts.ShortAnswer("Streaming works across many small pieces.", chunks: 9));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("stream please")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            if (update.Usage is not null) usage = update.Usage;
        }
        Assert.Equal("Streaming works across many small pieces.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage!.OutputTokenCount > 0);
        Assert.True(updates >= 9);
    }

    [Fact]
    public async Task Stream_of_split_utf8_reassembles_cjk_and_emoji()
    {
        _broker.Upstream.Enqueue(SimScripts.SplitUtf8(chunks: 7));
        var text = new StringBuilder();
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("utf8")]))
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        Assert.Equal(SimScripts.Utf8Text, text.ToString());
    }

    [Fact]
    public async Task Upstream_error_frame_surfaces_as_a_client_exception_not_as_content()
    {
        _broker.Upstream.Enqueue(SimScripts.ErrorFrame("model exploded"));
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client().CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(502, ex.Status);
        Assert.Contains("model exploded", ex.Message);
    }
}
