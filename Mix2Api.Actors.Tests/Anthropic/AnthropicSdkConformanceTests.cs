using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Anthropic;

/// <summary>
/// The official Anthropic SDK for .NET against the broker on the simulator: plain answers, streamed and not,
/// and a whole tool loop, as any Anthropic client would run them.
/// </summary>
public sealed class AnthropicSdkConformanceTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;
    private AnthropicClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        _client = new AnthropicClient(new ClientOptions
        {
            BaseUrl = _broker.BaseUrl.ToString().TrimEnd('/'),
            ApiKey = BrokerHost.InboundToken,
            MaxRetries = 0,
            Timeout = TimeSpan.FromSeconds(30),
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    private static MessageCreateParams Ask(string text, IReadOnlyList<ToolUnion>? tools = null) => new()
    {
        Model = "mix/claude-sonnet-4-5",
        MaxTokens = 1024,
        System = "You are terse.",
        Messages = [new MessageParam(new UserMessageParam(new MessageContentParam(text)))],
        Tools = tools,
    };

    private static readonly ToolUnion ReadTool = new Tool
    {
        Name = "Read",
        Description = "Reads a file from the local filesystem",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement>
            {
                ["file_path"] = JsonDocument.Parse("""{"type":"string","description":"Absolute path"}""").RootElement.Clone(),
            },
            Required = ["file_path"],
        },
    };

    private static string Text(Message message)
        => string.Concat(message.Content.Select(c => c.TryPickText(out var t) ? t.Text : ""));

    [Fact]
    public async Task A_non_stream_message_is_a_message_object_with_text_end_turn_and_usage()
    {
        var message = await _client.Messages.Create(Ask("hi [[sim:short text=\"Hello from the simulator.\"]]"));

        Assert.StartsWith("msg_", message.ID);
        Assert.Equal("Hello from the simulator.", Text(message));
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.True(message.Usage.InputTokens > 0);
        Assert.True(message.Usage.OutputTokens > 0);
    }

    [Fact]
    public async Task A_streamed_message_aggregates_to_the_same_answer()
    {
        var message = await _client.Messages.CreateStreaming(Ask("hi [[sim:long chunks=30]]")).Aggregate();

        Assert.Equal(Mix2Api.Host.Simulator.SimScripts.LongText(30), Text(message));
        Assert.Equal("end_turn", message.StopReason!.Raw());
    }

    [Fact]
    public async Task Reasoning_streams_as_a_thinking_block()
    {
        var message = await _client.Messages.CreateStreaming(
            Ask("[[sim:reasoning reasoning=\"step by step\" text=\"42\"]]")).Aggregate();

        Assert.Equal("step by step", string.Concat(message.Content.Select(c => c.TryPickThinking(out var t) ? t.Thinking : "")));
        Assert.Equal("42", Text(message));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_tool_loop_closes_tool_use_then_tool_result_then_a_final_answer(bool stream)
    {
        var first = Ask("read it [[sim:tool name=Read args={\"file_path\":\"/srv/notes.txt\"}]]", [ReadTool]);
        var turn1 = stream ? await _client.Messages.CreateStreaming(first).Aggregate() : await _client.Messages.Create(first);

        Assert.Equal("tool_use", turn1.StopReason!.Raw());
        var call = Assert.Single(turn1.Content, c => c.TryPickToolUse(out _)).Value as ToolUseBlock;
        Assert.StartsWith("toolu_", call!.ID);
        Assert.Equal("Read", call.Name);
        Assert.Equal("/srv/notes.txt", call.Input["file_path"].GetString());

        var second = first with
        {
            Messages =
            [
                .. first.Messages,
                new MessageParam(new AssistantMessageParam(new MessageContentParam(
                    [new ContentBlockParam(new ToolUseBlockParam { ID = call.ID, Name = call.Name, Input = call.Input }, null)]))),
                new MessageParam(new UserMessageParam(new MessageContentParam(
                    [new ContentBlockParam(new ToolResultBlockParam(call.ID) { Content = "1\tthe notes" }, null)]))),
            ],
        };
        var turn2 = stream ? await _client.Messages.CreateStreaming(second).Aggregate() : await _client.Messages.Create(second);

        Assert.Equal("end_turn", turn2.StopReason!.Raw());
        Assert.Equal("Done: 1 tool result(s) seen.", Text(turn2));
        var upstream = _broker.Simulator.Simulator.ChatRequests[^1].Body!.Value.GetProperty("request").GetProperty("query").GetString();
        Assert.Contains("工具 Read（tool_call_id=" + call.ID + "）输出：\n1\tthe notes", upstream);
    }

    [Fact]
    public async Task An_upstream_failure_before_the_first_byte_is_an_api_exception_with_the_status()
    {
        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(
            () => _client.Messages.Create(Ask("[[sim:fault kind=status code=500 message=boom]]")));
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("\"type\":\"api_error\"", error.ResponseBody);
    }

    [Fact]
    public async Task An_upstream_failure_mid_stream_surfaces_as_an_error_not_as_a_finished_message()
    {
        var events = new List<RawMessageStreamEvent>();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var e in _client.Messages.CreateStreaming(Ask("[[sim:fault kind=error message=exploded]]"))) events.Add(e);
        });
        Assert.DoesNotContain(events, e => e.TryPickStop(out _));
        Assert.Contains("exploded", error.ToString());
    }

    [Fact]
    public async Task Count_tokens_answers_the_prompt_estimate()
    {
        var count = await _client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "mix/claude-sonnet-4-5",
            Messages = [new MessageParam(new UserMessageParam(new MessageContentParam("hello there, how are you today?")))],
        });
        Assert.True(count.InputTokens >= 5, $"{count.InputTokens}");
    }
}
