using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace Mix2Api.Host.Gate;

/// <summary>
/// The release gate (FR38): the digest's packs A (stream), B (tool loop) and C (cancel, timeout, error envelope) run
/// against a live node and its real upstream with the official OpenAI .NET client, as an IDE agent would.
/// </summary>
public sealed class ReleaseGate(Uri node, string key, string model, GatePrompts prompts, TimeSpan timeout)
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Current weather of a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private readonly List<GateCheck> _checks = [];

    private ChatClient Client(string? apiKey = null) => new(model, new ApiKeyCredential(apiKey ?? key),
        new OpenAIClientOptions { Endpoint = new Uri(node, "v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = timeout });

    public async Task<IReadOnlyList<GateCheck>> RunAsync(CancellationToken cancellationToken)
    {
        await CheckAsync("A", "stream: chunks, finish_reason stop, usage, [DONE]", StreamAsync);
        await CheckAsync("A", "non-stream: chat.completion with content", NonStreamAsync);
        await CheckAsync("B", "tool loop: tool_calls, then the final answer (stream)", ToolLoopAsync);
        await CheckAsync("C", "client cancel mid-stream; the node serves the next request", CancelAsync);
        await CheckAsync("C", "client timeout mid-stream; the node serves the next request", TimeoutAsync);
        await CheckAsync("C", "errors: wrong key 401 and bad request 400 in the OpenAI envelope", ErrorsAsync);
        return _checks;

        async Task CheckAsync(string pack, string name, Func<CancellationToken, Task<string>> check)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(timeout * 2);
                var detail = await check(limit.Token);
                _checks.Add(new GateCheck(pack, name, true, clock.Elapsed.TotalMilliseconds, detail));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _checks.Add(new GateCheck(pack, name, false, clock.Elapsed.TotalMilliseconds, OneLine(ex)));
            }
        }
    }

    private async Task<string> StreamAsync(CancellationToken ct)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var clock = Stopwatch.StartNew();
        double? firstChunkMs = null;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage(prompts.Short)], new ChatCompletionOptions(), ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                firstChunkMs ??= clock.Elapsed.TotalMilliseconds;
                text.Append(part.Text);
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }
        Require(text.Length > 0, "the stream carried no content");
        Require(finish == ChatFinishReason.Stop, $"finish_reason was {finish?.ToString() ?? "missing"}, expected stop");
        Require(usage is { TotalTokenCount: > 0 }, "no usage chunk at the end");
        return $"first chunk after {firstChunkMs:0} ms, {text.Length} chars, {usage!.TotalTokenCount} tokens";
    }

    private async Task<string> NonStreamAsync(CancellationToken ct)
    {
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage(prompts.Short)], new ChatCompletionOptions(), ct);
        Require(completion.Content.Count > 0 && !string.IsNullOrWhiteSpace(completion.Content[0].Text), "no content");
        Require(completion.FinishReason == ChatFinishReason.Stop, $"finish_reason was {completion.FinishReason}, expected stop");
        return $"{completion.Content[0].Text.Length} chars";
    }

    private async Task<string> ToolLoopAsync(CancellationToken ct)
    {
        var options = new ChatCompletionOptions { Tools = { Weather }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        List<ChatMessage> messages = [new UserChatMessage(prompts.ToolCall)];
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Args)>();
        ChatFinishReason? finish = null;
        await foreach (var update in Client().CompleteChatStreamingAsync(messages, options, ct))
        {
            finish ??= update.FinishReason;
            foreach (var part in update.ToolCallUpdates)
            {
                if (part.ToolCallId is not null) calls[part.Index] = (part.ToolCallId, part.FunctionName ?? "", new StringBuilder());
                Require(calls.ContainsKey(part.Index), "argument fragment before its call's id and name");
                calls[part.Index].Args.Append(part.FunctionArgumentsUpdate?.ToString());
            }
        }
        Require(finish == ChatFinishReason.ToolCalls, $"finish_reason was {finish?.ToString() ?? "missing"}, expected tool_calls");
        Require(calls.Count > 0 && calls.Values.All(c => c.Name == "get_weather"), "no get_weather call");
        foreach (var call in calls.Values)
        {
            using var args = JsonDocument.Parse(call.Args.ToString());
            Require(args.RootElement.ValueKind == JsonValueKind.Object, "arguments are not a JSON object");
        }

        var toolCalls = calls.Values.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Args.ToString()))).ToList();
        messages.Add(new AssistantChatMessage(toolCalls));
        foreach (var call in toolCalls) messages.Add(new ToolChatMessage(call.Id, """{"city":"Paris","weather":"sunny, 21 °C"}"""));
        var text = new StringBuilder();
        finish = null;
        await foreach (var update in Client().CompleteChatStreamingAsync(messages, new ChatCompletionOptions { Tools = { Weather } }, ct))
        {
            finish ??= update.FinishReason;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        }
        Require(finish == ChatFinishReason.Stop, $"the answer after the tool result ended {finish?.ToString() ?? "without finish_reason"}, expected stop");
        Require(text.Length > 0, "no final answer after the tool result");
        return $"{toolCalls.Count} call(s), final answer {text.Length} chars";
    }

    private async Task<string> CancelAsync(CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var updates = 0;
        try
        {
            await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage(prompts.Long)], new ChatCompletionOptions(), cancel.Token))
            {
                if (update.ContentUpdate.Count > 0 && ++updates == 3) await cancel.CancelAsync();
            }
            throw new GateFailure("the stream ended before the client could cancel it (answer too short)");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !ct.IsCancellationRequested)
        {
        }
        return "cancelled after 3 chunks; " + await FollowUpAsync(ct);
    }

    /// <summary>An agent's own deadline (300 ms for a long answer): it leaves, maybe before the first byte; the node must not care.</summary>
    private async Task<string> TimeoutAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(300));
        try
        {
            await foreach (var _ in Client().CompleteChatStreamingAsync([new UserChatMessage(prompts.Long)], new ChatCompletionOptions(), deadline.Token))
            {
            }
            throw new GateFailure("a long stream finished inside a 300 ms client deadline: cannot test the timeout path");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
        }
        return $"client gave up after {clock.Elapsed.TotalMilliseconds:0} ms; " + await FollowUpAsync(ct);
    }

    private async Task<string> ErrorsAsync(CancellationToken ct)
    {
        var wrongKey = await Assert4xxAsync(Client(apiKey: "mix2api-gate-wrong-key"), [new UserChatMessage("hi")], ct);
        Require(wrongKey.Status == 401, $"wrong key answered {wrongKey.Status}, expected 401");
        Require(wrongKey.Type == "authentication_error", $"wrong key error type {wrongKey.Type}, expected authentication_error");
        var bad = await Assert4xxAsync(Client(), [new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_expected", "get_weather", BinaryData.FromString("{}"))]),
            new ToolChatMessage("call_wrong", "ok")], ct);
        Require(bad.Status == 400, $"a mismatched tool result answered {bad.Status}, expected 400");
        Require(bad.Type == "invalid_request_error", $"bad request error type {bad.Type}, expected invalid_request_error");
        return $"401 {wrongKey.Code}, 400 {bad.Code}";
    }

    private static async Task<(int Status, string? Type, string? Code)> Assert4xxAsync(ChatClient client, List<ChatMessage> messages, CancellationToken ct)
    {
        try
        {
            await client.CompleteChatAsync(messages, new ChatCompletionOptions(), ct);
        }
        catch (ClientResultException ex)
        {
            var body = ex.GetRawResponse()?.Content.ToString();
            Require(body is not null, $"status {ex.Status} without a body");
            using var doc = JsonDocument.Parse(body!);
            Require(doc.RootElement.TryGetProperty("error", out var error), $"status {ex.Status} without the error envelope");
            return (ex.Status, error.GetProperty("type").GetString(), error.TryGetProperty("code", out var c) ? c.ToString() : null);
        }
        throw new GateFailure("the request succeeded, expected an error");
    }

    /// <summary>After a client left, the node still serves: a short non-stream request succeeds.</summary>
    private async Task<string> FollowUpAsync(CancellationToken ct)
    {
        ChatCompletion next = await Client().CompleteChatAsync([new UserChatMessage(prompts.Short)], new ChatCompletionOptions(), ct);
        Require(next.FinishReason == ChatFinishReason.Stop, "the follow-up request did not finish normally");
        return "follow-up ok";
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition) throw new GateFailure(failure);
    }

    private static string OneLine(Exception ex) => ex switch
    {
        GateFailure => ex.Message,
        ClientResultException c => $"HTTP {c.Status}: {c.Message.Split('\n')[0]}",
        _ => $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}",
    };

    private sealed class GateFailure(string message) : Exception(message);
}
