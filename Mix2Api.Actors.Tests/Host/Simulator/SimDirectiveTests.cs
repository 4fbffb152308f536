using System.Text.Json.Nodes;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Host.Simulator;

public class SimDirectiveTests
{
    [Fact]
    public void Find_reads_name_and_bare_quoted_and_json_values()
    {
        var d = SimDirective.Find("""please [[sim:tool name=read_file text="two words" args={"path": "a ]] b", "n": [1, 2]}]] thanks""")!;

        Assert.Equal("tool", d.Name);
        Assert.Equal("read_file", d.Args["name"]);
        Assert.Equal("two words", d.Args["text"]);
        Assert.Equal("""{"path": "a ]] b", "n": [1, 2]}""", d.Args["args"]);
        Assert.EndsWith("]]", d.Raw);
    }

    [Fact]
    public void Find_takes_the_last_directive_and_returns_null_when_there_is_none()
    {
        Assert.Null(SimDirective.Find("no directive here"));
        Assert.Equal("long", SimDirective.Find("[[sim:short]] then [[sim:long chunks=3]]")!.Name);
    }

    [Fact]
    public void Strip_removes_directives_from_the_question()
    {
        Assert.Equal("hello", SimDirective.Strip("hello [[sim:long chunks=3]]"));
    }

    [Theory]
    [InlineData("[[sim:nosuch]]", "unknown scenario 'nosuch'")]
    [InlineData("[[sim:long chunks=abc]]", "parameter 'chunks' must be an integer")]
    [InlineData("[[sim:long chunks=0]]", "parameter 'chunks' must be an integer from 1")]
    [InlineData("[[sim:long chunkz=5]]", "unknown parameter 'chunkz'")]
    [InlineData("[[sim:fault]]", "parameter 'kind' is required")]
    [InlineData("[[sim:fault kind=explode]]", "parameter 'kind' must be one of stall, drop")]
    [InlineData("[[sim:tool args={\"a\":]]", "unterminated JSON value")]
    [InlineData("[[sim:tool args={\"a\":} ]]", "parameter 'args' is not valid JSON")]
    [InlineData("[[sim:tool args={\"a\":\"x]]", "unterminated JSON value")]
    [InlineData("[[sim:tool args=[1,2]]]", "parameter 'args' must be a JSON object")]
    [InlineData("[[sim:short text=\"open]]", "unterminated string")]
    [InlineData("[[sim:short chunks=2", "missing closing ']]'")]
    [InlineData("[[sim: short]]", "missing scenario name")]
    [InlineData("[[sim:short chunks=2 chunks=3]]", "given twice")]
    [InlineData("[[sim:short =3]]", "expected key=value")]
    public void Bad_directives_give_a_clear_error(string text, string expected)
    {
        var error = Assert.Throws<SimDirectiveException>(() => SimDirectiveScripts.Build(SimDirective.Find(text)!, 0));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith("simulator directive [[sim:", error.Message);
    }

    [Fact]
    public void Every_scenario_is_documented_and_builds_its_own_script()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "SIMULATOR.md"));
        var built = new Dictionary<string, string>();
        foreach (var name in SimDirectiveScripts.Names)
        {
            var text = name == "fault" ? "[[sim:fault kind=drop]]" : $"[[sim:{name}]]";
            Assert.Contains($"`{text}`", doc);
            var script = SimDirectiveScripts.Build(SimDirective.Find(text)!, 0);
            Assert.NotEmpty(script.Steps);
            built.Add(name, script.Name);
        }
        // Two scenarios that built the same script would mean a name silently falls back to another one.
        Assert.Equal(built.Count, built.Values.Distinct().Count());
        foreach (var kind in SimDirectiveScripts.FaultKinds)
        {
            Assert.Contains($"`[[sim:fault kind={kind}]]`", doc);
            Assert.StartsWith("fault:" + kind, SimDirectiveScripts.Build(SimDirective.Find($"[[sim:fault kind={kind}]]")!, 0).Name);
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Common_parameters_set_keep_alive_and_a_first_delay()
    {
        var script = SimDirectiveScripts.Build(SimDirective.Find("[[sim:short keepalive_ms=250 first_delay_ms=100]]")!, 0);

        Assert.Equal(TimeSpan.FromMilliseconds(250), script.KeepAliveInterval);
        Assert.Equal(new SimStep.Delay(TimeSpan.FromMilliseconds(100)), script.Steps[0]);
    }

    [Fact]
    public async Task An_unknown_directive_gets_400_with_the_reason_and_the_simulator_keeps_serving()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        using var bad = await client.SendAsync(SimHttp.Chat("[[sim:explode]]"));
        var error = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
        var good = await SimHttp.SendAndReadAsync(client, SimHttp.Chat("[[sim:short text=ok chunks=1]]"));

        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("unknown scenario 'explode'", error);
        Assert.Equal("ok", good.Deltas());
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_400()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        using var response = await client.SendAsync(SimHttp.ChatRaw("not json"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("JSON object", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_query_current_question_is_used_and_history_directives_are_ignored()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        var body = JsonNode.Parse(SimHttp.Body("ignored"))!;
        body["messages"] = new JsonArray { new JsonObject { ["role"] = "system", ["content"] = "sys" } };

        body["request"]!["query"] = "[对话历史]\nUser: [[sim:fault kind=drop]]\n\n[当前问题]\nnow [[sim:short text=current chunks=1]]\n\ninstruction";
        var current = await SimHttp.SendAndReadAsync(client, SimHttp.ChatRaw(body.ToJsonString()));
        body["request"]!["query"] = "[对话历史]\nUser: [[sim:fault kind=drop]]\n\n[当前问题]\nplain question";
        var history = await SimHttp.SendAndReadAsync(client, SimHttp.ChatRaw(body.ToJsonString()));

        Assert.Equal("current", current.Deltas());
        Assert.Equal("Simulated answer to: plain question", history.Deltas());
    }

    [Fact]
    public async Task Directives_win_over_queued_scripts_which_win_over_the_default_in_order()
    {
        await using var server = await SimulatorServer.StartAsync();
        var sim = server.Simulator;
        sim.Enqueue(SimScripts.ShortAnswer("queued one", 1), SimScripts.ShortAnswer("queued two", 1));
        sim.DefaultScript = SimScripts.ShortAnswer("default", 1);
        using var client = SimHttp.Client(server);

        var answers = new List<string>();
        foreach (var q in new[] { "[[sim:short text=directive chunks=1]]", "a", "b", "c" })
            answers.Add((await SimHttp.SendAndReadAsync(client, SimHttp.Chat(q))).Deltas());

        Assert.Equal(["directive", "queued one", "queued two", "default"], answers);
        Assert.Equal(0, sim.QueuedScripts);
    }

    [Fact]
    public void A_reply_step_must_be_last_and_follow_no_writes()
    {
        Assert.Throws<ArgumentException>(() => new SimScript("x", new SimStep.Reply(500, "{}"), new SimStep.Done()));
        Assert.Throws<ArgumentException>(() => new SimScript("x", new SimStep.Done(), new SimStep.Reply(500, "{}")));
        var delayed = new SimScript("x", new SimStep.Delay(TimeSpan.FromMilliseconds(1)), new SimStep.Reply(500, "{}"));
        Assert.Equal([new SimStep.Delay(TimeSpan.FromMilliseconds(1)), new SimStep.Reply(500, "{}")], delayed.Steps);
    }
}
