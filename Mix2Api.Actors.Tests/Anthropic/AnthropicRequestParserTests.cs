using System.Text;
using System.Text.Json;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Tools;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Anthropic;

/// <summary>Anthropic Messages bodies → the engine's request, and the errors that name the bad field.</summary>
public class AnthropicRequestParserTests
{
    private static ChatRequest Parse(string json)
    {
        Assert.True(AnthropicRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request!;
    }

    private static RequestError Reject(string json)
    {
        Assert.False(AnthropicRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        return error!;
    }

    /// <summary>The shape Claude Code 2.1.328 sends (captured from the CLI; texts shortened).</summary>
    private const string ClaudeCodeBody = """
        {"model":"claude-opus-5-5",
         "messages":[
           {"role":"user","content":[{"type":"text","text":"<system-reminder>\nAttribution…\n</system-reminder>\n"},{"type":"text","text":"say hi"}]},
           {"role":"system","content":[{"type":"text","text":"# Environment\nPrimary working directory: /w","cache_control":{"type":"ephemeral"}}]}],
         "system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.328;"},
                   {"type":"text","text":"You are a Claude agent.","cache_control":{"type":"ephemeral"}},
                   {"type":"text","text":"Harness rules.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
         "tools":[{"name":"Read","description":"Reads a file","input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"file_path":{"type":"string"}},"required":["file_path"]}},
                  {"name":"Bash","description":"Runs a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}}},"cache_control":{"type":"ephemeral"}},
                  {"name":"DeferredToolPlaceholder","description":"x","input_schema":{"type":"object","properties":{}},"defer_loading":true}],
         "metadata":{"user_id":"{\"device_id\":\"abc\",\"session_id\":\"s-1\"}"},
         "max_tokens":128000,
         "thinking":{"type":"adaptive","display":"omitted"},
         "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
         "output_config":{"effort":"medium"},
         "stream":true}
        """;

    [Fact]
    public void Claude_code_requests_parse_with_system_blocks_joined_and_mid_conversation_system_turns_kept_in_place()
    {
        var request = Parse(ClaudeCodeBody);

        Assert.Equal("claude-opus-5-5", request.Model);
        Assert.True(request.Stream);
        Assert.Equal(128000, request.MaxTokens);
        Assert.Equal("{\"device_id\":\"abc\",\"session_id\":\"s-1\"}", request.User);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.System], request.Messages.Select(m => m.Role));
        Assert.Equal("x-anthropic-billing-header: cc_version=2.1.328;\nYou are a Claude agent.\nHarness rules.", request.Messages[0].Text);
        Assert.Equal("<system-reminder>\nAttribution…\n</system-reminder>\nsay hi", request.Messages[1].Text);
        Assert.StartsWith("# Environment", request.Messages[2].Text);
    }

    [Fact]
    public void Custom_tools_become_function_tools_with_their_input_schema_and_deferred_tools_are_left_out()
    {
        var request = Parse(ClaudeCodeBody);
        Assert.True(ToolPlan.TryCreate(request, new ToolOptions(), out var plan, out var error), error?.Message);

        Assert.Equal(["Read", "Bash"], plan!.Tools.Select(t => t.Name));
        Assert.True(plan.Active);
        Assert.Contains("file_path: string", plan.Instruction);
        var fn = request.Tools[0].GetProperty("function");
        Assert.Equal("Reads a file", fn.GetProperty("description").GetString());
        Assert.Equal("file_path", fn.GetProperty("parameters").GetProperty("required")[0].GetString());
    }

    [Fact]
    public void A_tool_loop_turn_becomes_assistant_tool_calls_and_trailing_tool_messages_with_ids_and_names()
    {
        var request = Parse("""
            {"model":"m","max_tokens":100,
             "tools":[{"name":"Read","input_schema":{"type":"object"}},{"name":"Bash","input_schema":{"type":"object"}}],
             "messages":[
               {"role":"user","content":"read two files"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"plan","signature":"sig"},
                                              {"type":"text","text":"Reading."},
                                              {"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/a"}},
                                              {"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"cat /b"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"A","cache_control":{"type":"ephemeral"}},
                                         {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"B1"},{"type":"text","text":"B2"}],"is_error":true},
                                         {"type":"text","text":"<system-reminder>file changed</system-reminder>"}]}]}
            """);

        var assistant = request.Messages[1];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal("Reading.", assistant.Text);
        Assert.Equal([("toolu_1", "Read", "{\"file_path\":\"/a\"}"), ("toolu_2", "Bash", "{\"command\":\"cat /b\"}")],
            assistant.ToolCalls.Select(c => (c.Id!, c.Name, c.Arguments)));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Tool], request.Messages.Select(m => m.Role));
        Assert.Equal(("toolu_1", "Read", "A"), (request.Messages[2].ToolCallId, request.Messages[2].Name, request.Messages[2].Text));
        Assert.Equal("toolu_2", request.Messages[3].ToolCallId);
        Assert.Equal("[tool error] B1\nB2\n\n<system-reminder>file changed</system-reminder>", request.Messages[3].Text);

        Assert.True(ToolPlan.TryCreate(request, new ToolOptions(), out var plan, out var error), error?.Message);
        Assert.True(plan!.HasTrailingToolResults);
        var results = ToolResultsFormatter.Format(request.Messages, 20000)!;
        Assert.Contains("工具 Read（tool_call_id=toolu_1）输出：\nA", results);
        Assert.Contains("工具 Bash（tool_call_id=toolu_2）", results);
    }

    [Fact]
    public void A_tool_result_for_an_unknown_id_fails_the_backfill_check()
    {
        var request = Parse("""
            {"model":"m","tools":[{"name":"Read","input_schema":{"type":"object"}}],
             "messages":[{"role":"user","content":"x"},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Read","input":{}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"?"}]}]}
            """);
        Assert.False(ToolPlan.TryCreate(request, new ToolOptions(), out _, out var error));
        Assert.Equal("tool_call_id_mismatch", error!.Code);
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", ToolChoiceKind.Auto, null, null)]
    [InlineData("""{"type":"any"}""", ToolChoiceKind.Required, null, null)]
    [InlineData("""{"type":"none"}""", ToolChoiceKind.None, null, null)]
    [InlineData("""{"type":"tool","name":"Read"}""", ToolChoiceKind.Named, "Read", null)]
    [InlineData("""{"type":"any","disable_parallel_tool_use":true}""", ToolChoiceKind.Required, null, false)]
    public void Tool_choice_maps_to_the_openai_equivalent(string choice, ToolChoiceKind kind, string? name, bool? parallel)
    {
        var request = Parse($$$"""{"model":"m","tools":[{"name":"Read","input_schema":{"type":"object"}}],"tool_choice":{{{choice}}},"messages":[{"role":"user","content":"x"}]}""");
        Assert.True(ToolPlan.TryCreate(request, new ToolOptions(), out var plan, out var error), error?.Message);
        Assert.Equal(kind, plan!.Choice);
        Assert.Equal(name, plan.ChoiceName);
        Assert.Equal(parallel, request.ParallelToolCalls);
    }

    [Fact]
    public void Scalars_map_and_stream_defaults_to_false_and_unknown_fields_are_ignored()
    {
        var request = Parse("""
            {"model":" m ","max_tokens":64,"temperature":0.2,"top_p":0.9,"top_k":5,"stop_sequences":["END","##"],
             "system":"be brief","service_tier":"auto","future_field":{"a":1},
             "messages":[{"role":"user","content":"hi"}]}
            """);
        Assert.Equal("m", request.Model);
        Assert.False(request.Stream);
        Assert.Equal(64, request.MaxTokens);
        Assert.Equal(0.2, request.Temperature);
        Assert.Equal(0.9, request.TopP);
        Assert.Equal(["END", "##"], request.Stop);
        Assert.Equal(("be brief", ChatRole.System), (request.Messages[0].Text, request.Messages[0].Role));
        Assert.False(request.ToolsPresent);
    }

    [Fact]
    public void Anthropic_server_tools_are_kept_as_non_function_tools_that_are_never_offered()
    {
        var request = Parse("""
            {"model":"m","tools":[{"type":"web_search_20250305","name":"web_search"},{"type":"custom","name":"Read","input_schema":{"type":"object"}}],
             "messages":[{"role":"user","content":"x"}]}
            """);
        Assert.True(ToolPlan.TryCreate(request, new ToolOptions(), out var plan, out _));
        Assert.Equal(["Read"], plan!.Tools.Select(t => t.Name));
        Assert.Equal(1, plan.IgnoredToolCount);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model", "model: Field required")]
    [InlineData("""{"model":"m"}""", "messages", "messages: at least one message is required")]
    [InlineData("""{"model":"m","messages":[]}""", "messages", "messages: at least one message is required")]
    [InlineData("""{"model":"m","messages":[{"role":"tool","content":"x"}]}""", "messages", "messages.0.role: must be 'user' or 'assistant'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":7}]}""", "messages", "messages.0.content: must be a string or an array")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages", "messages.0.content.0.text: Field required")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", "max_tokens", "max_tokens: must be a positive integer")]
    [InlineData("""{"model":"m","max_tokens":"9","messages":[{"role":"user","content":"x"}]}""", "max_tokens", "max_tokens: must be a positive integer")]
    [InlineData("""{"model":"m","stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream", "stream: must be a boolean")]
    [InlineData("""{"model":"m","temperature":"hot","messages":[{"role":"user","content":"x"}]}""", "temperature", "temperature: must be a number")]
    [InlineData("""{"model":"m","top_p":1e400,"messages":[{"role":"user","content":"x"}]}""", "top_p", "top_p: must be a number")]
    [InlineData("""{"model":"m","temperature":-1e400,"messages":[{"role":"user","content":"x"}]}""", "temperature", "temperature: must be a number")]
    [InlineData("""{"model":"m","stop_sequences":["a",1],"messages":[{"role":"user","content":"x"}]}""", "stop_sequences", "stop_sequences.1: must be a string")]
    [InlineData("""{"model":"m","system":5,"messages":[{"role":"user","content":"x"}]}""", "system", "system: must be a string or an array of text blocks")]
    [InlineData("""{"model":"m","system":[{"type":"image"}],"messages":[{"role":"user","content":"x"}]}""", "messages", "system.0: content blocks of type 'image' are not supported")]
    [InlineData("""{"model":"m","tools":{},"messages":[{"role":"user","content":"x"}]}""", "tools", "tools: must be an array")]
    [InlineData("""{"model":"m","tools":[{"input_schema":{}}],"messages":[{"role":"user","content":"x"}]}""", "tools", "tools.0.name: Field required")]
    [InlineData("""{"model":"m","tool_choice":"auto","messages":[{"role":"user","content":"x"}]}""", "tool_choice", "tool_choice: must be an object")]
    [InlineData("""{"model":"m","tool_choice":{"type":"sometimes"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice", "tool_choice.type: must be one of")]
    [InlineData("""{"model":"m","tool_choice":{"type":"tool"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice", "tool_choice.name: Field required")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","name":"Read","input":{}}]}]}""", "messages", "messages.0.content.0: a tool_use block needs a string id and name")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}""", "messages", "messages.0.content.0.tool_use_id: Field required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"server_tool_use"}]}]}""", "messages", "messages.0.content.0: content block type 'server_tool_use' is not supported")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"x<script>"}]}]}""", "messages", "content block type 'unknown'")]
    public void Bad_requests_are_refused_with_the_field_named(string json, string param, string message)
    {
        var error = Reject(json);
        Assert.Equal(param, error.Param);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("""{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}""", "messages.1.content.1: content blocks of type 'image'")]
    [InlineData("""{"type":"document","source":{"type":"text","data":"x"}}""", "messages.1.content.1: content blocks of type 'document'")]
    public void Images_and_documents_are_refused_with_a_clear_error_never_dropped(string block, string message)
    {
        var error = Reject($$$"""{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"see"},{{{block}}}]}]}""");
        Assert.Equal("invalid_request", error.Code);
        Assert.StartsWith(message, error.Message);
        Assert.Contains("not supported by this server", error.Message);
    }

    [Fact]
    public void An_image_inside_a_tool_result_is_refused_too()
    {
        var error = Reject("""
            {"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{}}]}]}]}
            """);
        Assert.StartsWith("messages.0.content.0.content.0: content blocks of type 'image'", error.Message);
    }

    [Theory]
    [InlineData("{ not json", "invalid_json")]
    [InlineData("[1,2]", "invalid_request")]
    public void Malformed_bodies_are_refused(string json, string code) => Assert.Equal(code, Reject(json).Code);

    // The twin of ChatRequestParser's fuzz finding: invalid UTF-8 inside a string, or a lone surrogate escape, throws
    // when the string is read; /v1/messages must refuse it as invalid JSON like /v1/chat/completions does.
    [Theory]
    [MemberData(nameof(InvalidUtf8.Insides), MemberType = typeof(InvalidUtf8))]
    public void Text_that_is_not_utf8_is_invalid_json_not_a_crash(byte[] inside)
    {
        foreach (var template in new[] { "{\"model\":\"m#\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                     "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"h#i\"}]}" })
        {
            Assert.False(AnthropicRequestParser.TryParse(InvalidUtf8.Splice(template, inside), out _, out var error));
            Assert.Equal("invalid_json", error!.Code);
        }
    }

    [Fact]
    public void The_prompt_estimate_counts_messages_tool_calls_and_tools()
    {
        var small = PromptTokenEstimate.Of(Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));
        var big = PromptTokenEstimate.Of(Parse(ClaudeCodeBody));
        var cjk = PromptTokenEstimate.Of(Parse("""{"model":"m","messages":[{"role":"user","content":"你好世界你好世界"}]}"""));
        Assert.Equal(1, small);
        Assert.True(big > 50, $"estimate {big}");
        Assert.Equal(8, cjk);
    }
}
