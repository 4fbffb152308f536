using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// The context budget through the real broker (SPEC §8): a small MODEL_PROFILE_JSON window for the model, and
/// what the simulator received upstream (max_tokens, trimmed query and messages), what the client got, and
/// the request.completed and /metrics records.
/// </summary>
public sealed class BudgetThroughBrokerTests : IAsyncLifetime
{
    private const string Model = "mix/qwen-3-235b-instruct";
    private const string SmallProfile = """{"mix/qwen-3-235b-instruct":{"context_window":8192,"max_input_tokens":3000,"max_new_tokens":1024}}""";

    private BrokerHost _broker = null!;

    public async Task InitializeAsync()
        => _broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["MODEL_PROFILE_JSON"] = SmallProfile });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private sealed record Sent(HttpStatusCode Status, string Text, string RequestId, SimulatedRequest? Upstream, string? SessionId);

    private async Task<Sent> SendAsync(IReadOnlyList<(string Role, string Content)> messages, string extraFields = "", string model = Model)
    {
        var requestId = "b" + Guid.NewGuid().ToString("N");
        var json = $$"""{"model":{{JsonSerializer.Serialize(model)}},"messages":{{JsonSerializer.Serialize(
            messages.Select(m => new { role = m.Role, content = m.Content }))}}{{extraFields}}}""";
        using var response = await _broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Json(json), requestId: requestId));
        var text = await response.Content.ReadAsStringAsync();
        var upstream = _broker.Simulator.Simulator.ChatRequests.LastOrDefault(r => r.Header("x-request-id") == requestId);
        var session = response.Headers.TryGetValues("x-session-id", out var values) ? values.First() : null;
        return new Sent(response.StatusCode, text, requestId, upstream, session);
    }

    /// <summary>A system prompt and <paramref name="turns"/> turns of <paramref name="chars"/> characters each, ending on a user message.</summary>
    private static List<(string Role, string Content)> Conversation(int turns, int chars, string unit = "a", string system = "You are Mix, be precise.")
    {
        var list = new List<(string, string)> { ("system", system) };
        for (var i = 1; i <= turns; i++)
        {
            if (i > 1) list.Add(("assistant", $"answer {i - 1} " + Repeat(unit, chars)));
            list.Add(("user", $"question {i} " + Repeat(unit, chars)));
        }
        return list;
    }

    private static string Repeat(string unit, int chars) => string.Concat(Enumerable.Repeat(unit, chars / unit.Length));

    private static List<JsonElement> UpstreamMessages(Sent sent) => [.. sent.Upstream!.Body!.Value.GetProperty("messages").EnumerateArray()];

    private static string Query(Sent sent) => sent.Upstream!.Body!.Value.GetProperty("request").GetProperty("query").GetString()!;

    [Theory]
    [InlineData("", 1024, "pass")]                                                   // absent: max_new_tokens, no silent 1024-style cap
    [InlineData(""","max_tokens":200""", 200, "pass")]
    [InlineData(""","max_tokens":5000""", 1024, "clamp")]                           // clamped to max_new_tokens
    [InlineData(""","max_completion_tokens":"300","max_tokens":100""", 300, "pass")] // max_completion_tokens first, numeric string
    [InlineData(""","max_tokens":0""", 1024, "pass")]                                // not a positive integer: ignored
    public async Task Upstream_max_tokens_is_the_output_budget(string fields, int upstreamMaxTokens, string action)
    {
        var sent = await SendAsync([("user", "hi")], fields);

        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Equal(upstreamMaxTokens, sent.Upstream!.Body!.Value.GetProperty("max_tokens").GetInt32());
        var completed = await _broker.CompletedAsync(sent.RequestId);
        Assert.Equal(action, completed.Budget!.Action.ToString().ToLowerInvariant());
        Assert.Equal(upstreamMaxTokens, completed.Budget.OutputTokens);
    }

    [Fact]
    public async Task A_long_new_conversation_is_trimmed_keeping_the_system_and_the_latest_message()
    {
        var conversation = Conversation(30, 800);
        var sent = await SendAsync(conversation);

        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var messages = UpstreamMessages(sent);
        Assert.Equal(("system", conversation[0].Content), (messages[0].GetProperty("role").GetString(), messages[0].GetProperty("content").GetString()));
        Assert.Equal(conversation[^1].Content, messages[^1].GetProperty("content").GetString());
        Assert.True(messages.Count < 21);
        var query = Query(sent);
        Assert.EndsWith("[当前问题]\n" + conversation[^1].Content, query);
        Assert.DoesNotContain("question 1 ", query); // the oldest turns are gone

        var completed = await _broker.CompletedAsync(sent.RequestId);
        Assert.Equal("stop", completed.EndReason);
        var budget = completed.Budget!;
        Assert.Equal("trim", budget.Action.ToString().ToLowerInvariant());
        Assert.True(budget.TrimmedMessages > 0);
        Assert.Matches(@"^\d+/3000$", budget.InputBudget);
        Assert.InRange(budget.EstimatedInput, 1, 3000);
    }

    [Theory]
    [InlineData("x", 20000, false)]
    [InlineData("长", 4000, false)]  // 1000 tokens by chars/4, which would fit; 4000 by characters
    [InlineData("长", 4000, true)]
    public async Task An_oversized_message_is_context_length_exceeded_before_anything_goes_upstream(string unit, int chars, bool stream)
    {
        var before = _broker.Simulator.Simulator.ChatRequests.Count;
        var sent = await SendAsync([("system", "sys"), ("user", Repeat(unit, chars))], stream ? ""","stream":true""" : "");

        Assert.Equal(HttpStatusCode.BadRequest, sent.Status);
        var error = JsonDocument.Parse(sent.Text).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        var match = Regex.Match(error.GetProperty("message").GetString()!,
            @"^Input exceeds available input budget \((\d+) > 3000\); reduce messages/tools or max_tokens$");
        Assert.True(match.Success, error.GetProperty("message").GetString());
        Assert.True(int.Parse(match.Groups[1].Value) > 3000);
        Assert.Equal(before, _broker.Simulator.Simulator.ChatRequests.Count);

        var completed = await _broker.CompletedAsync(sent.RequestId);
        Assert.Equal("invalid_request", completed.EndReason);
        Assert.Equal("reject", completed.Budget!.Action.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task A_session_whose_upstream_holds_the_history_is_sent_only_the_new_messages()
    {
        var conversation = Conversation(30, 800);
        var first = await SendAsync(conversation);
        Assert.Equal("trim", (await _broker.CompletedAsync(first.RequestId)).Budget!.Action.ToString().ToLowerInvariant());

        conversation.Add(("assistant", "the reply"));
        conversation.Add(("user", "and now?"));
        var second = await SendAsync(conversation);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.SessionId, second.Upstream!.Body!.Value.GetProperty("session_id").GetString());
        Assert.Equal([conversation[0].Content, "the reply", "and now?"],
            UpstreamMessages(second).Select(m => m.GetProperty("content").GetString()));
        Assert.DoesNotContain("[对话历史]", Query(second));
        var budget = (await _broker.CompletedAsync(second.RequestId)).Budget!;
        Assert.Equal(("pass", 0), (budget.Action.ToString().ToLowerInvariant(), budget.TrimmedMessages));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upstream_stop_for_length_is_finish_reason_length(bool stream)
    {
        var sent = await SendAsync([("user", "write a lot [[sim:short finish_reason=length]]")], stream ? ""","stream":true""" : "");

        Assert.Equal(HttpStatusCode.OK, sent.Status);
        if (stream)
        {
            var (data, _) = ChatRequests.ParseSse(sent.Text);
            Assert.Equal("[DONE]", data[^1]);
            var finishes = data.Where(d => d != "[DONE]")
                .Select(d => JsonDocument.Parse(d).RootElement.GetProperty("choices"))
                .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                .Select(c => c[0].GetProperty("finish_reason").GetString()).ToList();
            Assert.Equal(["length"], finishes);
        }
        else
        {
            var choice = JsonDocument.Parse(sent.Text).RootElement.GetProperty("choices")[0];
            Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
            Assert.Equal("Hello from the simulator.", choice.GetProperty("message").GetProperty("content").GetString());
        }
        Assert.Equal("length", (await _broker.CompletedAsync(sent.RequestId)).EndReason);
    }

    [Fact]
    public async Task Metrics_count_budget_decisions_by_model_and_action_and_the_trim_ratio()
    {
        var trimmed = await SendAsync(Conversation(30, 800));
        var rejected = await SendAsync([("user", new string('x', 20000))]);
        var unknown = await SendAsync([("user", "hi")], model: "someone/else");
        foreach (var sent in new[] { trimmed, rejected, unknown }) await _broker.CompletedAsync(sent.RequestId);

        var metrics = await _broker.Client.GetStringAsync("metrics");

        Assert.Contains($"mix2api_budget_decisions_total{{model=\"{Model}\",action=\"trim\"}} 1\n", metrics);
        Assert.Contains($"mix2api_budget_decisions_total{{model=\"{Model}\",action=\"reject\"}} 1\n", metrics);
        Assert.Contains("mix2api_budget_decisions_total{model=\"other\",action=\"pass\"} 1\n", metrics);
        Assert.Contains("# TYPE mix2api_budget_trim_ratio histogram\n", metrics);
        Assert.Contains("mix2api_budget_trim_ratio_bucket{le=\"+Inf\"} 1\n", metrics);
        Assert.Contains("mix2api_budget_trim_ratio_count 1\n", metrics);
        var sum = Regex.Match(metrics, @"mix2api_budget_trim_ratio_sum ([0-9.Ee-]+)\n");
        Assert.InRange(double.Parse(sum.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.01, 1.0);
    }
}
