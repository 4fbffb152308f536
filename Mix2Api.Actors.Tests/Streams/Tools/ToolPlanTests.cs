using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Streams.Tools;

public class ToolPlanTests
{
    private const string Messages = "[{\"role\":\"user\",\"content\":\"read it\"}]";
    private const string ReadFile = """{"type":"function","function":{"name":"read_file","description":"Read local file content","parameters":{"type":"object","properties":{"path":{"type":"string","description":"Absolute path"},"encoding":{"type":"string","enum":["utf8","base64"]},"options":{"type":"object","properties":{"recursive":{"type":"boolean"}}},"tags":{"type":"array","items":{"type":"string"}},"limit":{"type":["integer","null"]}},"required":["path"]}}}""";
    private const string Bash = """{"type":"function","function":{"name":"bash","parameters":{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"]}}}""";

    private static ToolPlan Plan(string extra, ToolOptions? options = null, string messages = Messages)
    {
        var ok = ToolPlan.TryCreate(ToolBackfillValidatorTests.Request(messages, extra), options ?? ToolOptions.Default, out var plan, out var error);
        Assert.True(ok, error?.Message);
        return plan!;
    }

    [Fact]
    public void Mcp_only_request_is_inactive_and_not_an_error()
    {
        var plan = Plan(""", "tools":[{"type":"mcp","server_label":"x","name":"mcp_tool"},{"type":"code_interpreter"}],"tool_choice":"auto" """);
        Assert.False(plan.Active);
        Assert.Empty(plan.Tools);
        Assert.Equal(2, plan.IgnoredToolCount);
        Assert.Null(plan.Instruction);
        Assert.Equal(ToolInstructionMode.None, plan.Placement);
        Assert.Same(PassThroughTransform.Instance, plan.CreateTransform());
    }

    [Fact]
    public void Mcp_tools_beside_function_tools_are_never_shown()
    {
        var plan = Plan(", \"tools\":[{\"type\":\"mcp\",\"name\":\"mcp_tool\"}," + Bash + "]");
        Assert.True(plan.Active);
        Assert.Equal(["bash"], plan.Tools.Select(t => t.Name));
        Assert.DoesNotContain("mcp_tool", plan.Instruction);
    }

    [Fact]
    public void Legacy_functions_and_function_call_map_to_a_named_choice_and_legacy_output()
    {
        var plan = Plan(""", "functions":[{"name":" get_weather ","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},{"description":"nameless"}], "function_call":{"name":"get_weather"} """);
        Assert.True(plan.Legacy);
        Assert.True(plan.Active);
        Assert.Equal(ToolChoiceKind.Named, plan.Choice);
        Assert.Equal("get_weather", plan.ChoiceName);
        Assert.False(plan.ParallelToolCalls);
        Assert.True(plan.Forced);
        Assert.Contains("get_weather", plan.Instruction);
        Assert.Contains("{city: string}", plan.Instruction);
    }

    [Theory]
    [InlineData("\"none\"", ToolChoiceKind.None, false)]
    [InlineData("\" AUTO \"", ToolChoiceKind.Auto, true)]
    [InlineData("\"required\"", ToolChoiceKind.Required, true)]
    public void Legacy_function_call_strings_are_copied(string functionCall, ToolChoiceKind kind, bool active)
    {
        var plan = Plan(", \"functions\":[{\"name\":\"f\"}], \"function_call\":" + functionCall);
        Assert.Equal(kind, plan.Choice);
        Assert.Equal(active, plan.Active);
    }

    [Fact]
    public void Bare_function_schemas_in_tools_are_declared()
    {
        var plan = Plan(""", "tools":[{"name":"bare","description":"d","parameters":{"type":"object","properties":{"x":{"type":"number"}}}}] """);
        Assert.Equal("bare", Assert.Single(plan.Tools).Name);
        Assert.Contains("x?: number", plan.Instruction);
    }

    [Fact]
    public void Tool_choice_none_means_no_instruction_and_no_parsing()
    {
        var plan = Plan(", \"tools\":[" + Bash + "], \"tool_choice\":\"none\"");
        Assert.False(plan.Active);
        Assert.Null(plan.Instruction);
        Assert.Same(PassThroughTransform.Instance, plan.CreateTransform());
    }

    [Fact]
    public void Tool_choice_auto_offers_the_final_answer()
    {
        var plan = Plan(", \"tools\":[" + Bash + "]");
        Assert.False(plan.Forced);
        Assert.Contains("{\"final\":", plan.Instruction);
        Assert.Contains("{\"tool_calls\":[", plan.Instruction);
        Assert.IsType<ToolProtocolTransform>(plan.CreateTransform());
    }

    [Fact]
    public void Tool_choice_required_demands_a_call_and_drops_the_final_option()
    {
        var plan = Plan(", \"tools\":[" + Bash + "], \"tool_choice\":\"required\"");
        Assert.True(plan.Forced);
        Assert.Contains("必须", plan.Instruction);
        Assert.DoesNotContain("{\"final\":", plan.Instruction);
    }

    [Fact]
    public void Named_tool_choice_demands_that_function_and_only_it_is_callable()
    {
        var plan = Plan(", \"tools\":[" + ReadFile + "," + Bash + "], \"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"bash\"}}");
        Assert.Equal(ToolChoiceKind.Named, plan.Choice);
        Assert.Contains("必须调用工具 bash", plan.Instruction);
        Assert.Equal(["bash"], plan.CallableNames);

        var transform = plan.CreateTransform();
        var sink = new RecordingSink();
        transform.Push("{\"tool_calls\":[{\"name\":\"read_file\",\"arguments\":{}},{\"name\":\"bash\",\"arguments\":{}}]}", sink);
        transform.Complete(sink);
        Assert.Equal("bash", Assert.Single(sink.Calls).Name);
    }

    [Theory]
    [InlineData(", \"tools\":[" + Bash + "], \"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}", "tool_choice")]
    [InlineData(", \"functions\":[{\"name\":\"f\"}], \"function_call\":{\"name\":\"nope\"}", "function_call")]
    [InlineData(", \"tools\":[{\"type\":\"mcp\",\"name\":\"nope\"}], \"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}", "tool_choice")]
    public void Named_choice_of_an_undeclared_function_is_a_clear_400(string extra, string param)
    {
        var ok = ToolPlan.TryCreate(ToolBackfillValidatorTests.Request(Messages, extra), ToolOptions.Default, out var plan, out var error);
        Assert.False(ok);
        Assert.Null(plan);
        Assert.Equal("invalid_request", error!.Code);
        Assert.Equal(param, error.Param);
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("not declared", error.Message);
    }

    [Fact]
    public void Parallel_tool_calls_false_is_kept_and_told_to_the_model()
    {
        var plan = Plan(", \"tools\":[" + Bash + "], \"parallel_tool_calls\":false");
        Assert.False(plan.ParallelToolCalls);
        Assert.Contains("一次只能调用一个工具", plan.Instruction);
        Assert.DoesNotContain("tool_calls", plan.Instruction);
    }

    [Fact]
    public void Force_tool_call_forces_only_when_no_tool_results_trail()
    {
        var forced = new ToolOptions { ForceToolCall = true };
        Assert.True(Plan(", \"tools\":[" + Bash + "]", forced).Forced);

        var loop = "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"bash\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"}]";
        var plan = Plan(", \"tools\":[" + Bash + "]", forced, loop);
        Assert.True(plan.HasTrailingToolResults);
        Assert.False(plan.Forced);
        Assert.True(plan.Active);
    }

    [Fact]
    public void Instruction_carries_types_enums_required_nesting_and_descriptions()
    {
        var instruction = Plan(", \"tools\":[" + ReadFile + "]").Instruction!;
        Assert.Contains("- read_file: Read local file content", instruction);
        Assert.Contains("{path: string, encoding?: \"utf8\"|\"base64\", options?: {recursive?: boolean}, tags?: string[], limit?: integer|null}", instruction);
        Assert.Contains("path: Absolute path", instruction);
        Assert.Contains("{\"tool_call\":{\"name\":\"<工具名>\",\"arguments\":{...}}}", instruction);
    }

    [Fact]
    public void Tool_descriptions_are_capped()
    {
        var tool = "{\"type\":\"function\",\"function\":{\"name\":\"t\",\"description\":\"" + new string('d', 300) + "\"}}";
        var instruction = Plan(", \"tools\":[" + tool + "]", new ToolOptions { DescriptionMaxChars = 20 }).Instruction!;
        Assert.Contains("- t: " + new string('d', 19) + "…", instruction);
        Assert.DoesNotContain(new string('d', 21), instruction);
    }

    [Fact]
    public void Instruction_respects_the_cap_by_dropping_detail_but_keeps_every_tool_name()
    {
        var tools = string.Join(",", Enumerable.Range(0, 80).Select(i =>
            "{\"type\":\"function\",\"function\":{\"name\":\"tool_" + i + "\",\"description\":\"" + new string('x', 400)
            + "\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"description\":\"" + new string('y', 100)
            + "\"},\"b\":{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"string\",\"enum\":[\"p\",\"q\"]}}}},\"required\":[\"a\"]}}}"));
        var full = Plan(", \"tools\":[" + tools + "]", new ToolOptions { InstructionMaxChars = 1_000_000 }).Instruction!;
        var capped = Plan(", \"tools\":[" + tools + "]", new ToolOptions { InstructionMaxChars = 4000 }).Instruction!;
        var tiny = Plan(", \"tools\":[" + tools + "]", new ToolOptions { InstructionMaxChars = 600 }).Instruction!;

        Assert.Contains("b?: {c?: \"p\"|\"q\"}", full);
        Assert.True(capped.Length <= 4000, capped.Length.ToString());
        Assert.True(tiny.Length <= 600, tiny.Length.ToString());
        for (var i = 0; i < 80; i++) Assert.Contains("tool_" + i + "(", capped);
        Assert.Contains("tool_0", tiny);
        Assert.Contains("{\"tool_call\"", tiny);
    }

    [Theory]
    [InlineData("query", ToolInstructionMode.Query, true, false)]
    [InlineData("system", ToolInstructionMode.System, false, true)]
    [InlineData("messages", ToolInstructionMode.System, false, true)]
    [InlineData("both", ToolInstructionMode.Both, true, true)]
    [InlineData("", ToolInstructionMode.Query, true, false)]
    public void Placement_follows_the_instruction_mode(string value, ToolInstructionMode mode, bool inQuery, bool inSystem)
    {
        Assert.True(ToolOptions.TryParseInstructionMode(value, out var parsed));
        Assert.Equal(mode, parsed);
        var plan = Plan(", \"tools\":[" + Bash + "]", new ToolOptions { InstructionMode = parsed });
        Assert.Equal(mode, plan.Placement);
        Assert.Equal(inQuery, plan.InstructionInQuery);
        Assert.Equal(inSystem, plan.InstructionInSystem);
    }

    [Fact]
    public void Mode_none_injects_nothing_but_still_parses_the_reply()
    {
        var plan = Plan(", \"tools\":[" + Bash + "]", new ToolOptions { InstructionMode = ToolInstructionMode.None });
        Assert.True(plan.Active);
        Assert.Null(plan.Instruction);
        Assert.IsType<ToolProtocolTransform>(plan.CreateTransform());
    }

    [Fact]
    public void Unknown_instruction_mode_is_refused_and_force_needs_exactly_1()
    {
        Assert.False(ToolOptions.TryParseInstructionMode("sometimes", out _));
        Assert.True(ToolOptions.ParseForceToolCall("1"));
        Assert.False(ToolOptions.ParseForceToolCall("true"));
    }
}
