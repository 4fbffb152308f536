namespace Mix2Api.Host.Simulator;

/// <summary>
/// Turns a <see cref="SimDirective"/> into a <see cref="SimScript"/>. docs/SIMULATOR.md documents every
/// scenario and parameter listed here; keep them in step.
/// </summary>
public static class SimDirectiveScripts
{
    public static readonly IReadOnlyList<string> Names =
        ["default", "short", "long", "reasoning", "utf8", "sselines", "servertool", "tool", "tools", "final", "json", "fault"];

    public static readonly IReadOnlyList<string> FaultKinds =
        ["stall", "drop", "status", "error", "abort", "badline", "drip", "truncated"];

    /// <param name="toolResults">How many tool results the request carries; a <c>tool</c> directive then answers <c>final</c> so that agent loops end.</param>
    /// <param name="lastToolResult">The last tool result's text: <c>{result}</c> in <c>final=</c> quotes it (proof the result reached the model).</param>
    public static SimScript Build(SimDirective d, int toolResults, string? lastToolResult = null)
    {
        var script = d.Name switch
        {
            "default" or "echo" => SimScripts.Default(),
            "short" => SimScripts.ShortAnswer(d.String("text", "Hello from the simulator."), d.Int("chunks", 2, 1, 10_000), Envelope(d)),
            "long" => SimScripts.LongAnswer(d.Int("chunks", 20, 1, 100_000), d.Millis("delay_ms", TimeSpan.Zero), Envelope(d)),
            "reasoning" => SimScripts.ReasoningThenAnswer(
                d.String("reasoning", "The user greets me; a greeting back is right."), d.String("text", "Hello! How can I help?"),
                d.Int("chunks", 3, 1, 10_000), Envelope(d)),
            "utf8" => SimScripts.SplitUtf8(d.Int("chunks", 4, 1, 100), Envelope(d)),
            "sselines" => SimScripts.SseFieldLines(Envelope(d)),
            "servertool" => SimScripts.ServerSideTool(d.String("tool", "web_search"), d.String("text", "According to the search, it is sunny."), Envelope(d)),
            "tool" => Tool(d, toolResults, lastToolResult),
            "tools" => Tools(d, toolResults, lastToolResult),
            "final" => SimScripts.FinalEnvelope(d.String("text", "All done."), ChunkChars(d), d.Millis("delay_ms", TimeSpan.Zero), Envelope(d)),
            "json" => Json(d),
            "fault" => Fault(d),
            _ => throw d.Error($"unknown scenario '{d.Name}' (known: {string.Join(", ", Names)})"),
        };
        var keepAlive = d.Has("keepalive_ms") ? d.Millis("keepalive_ms", TimeSpan.Zero) : (TimeSpan?)null;
        var firstDelay = d.Millis("first_delay_ms", TimeSpan.Zero);
        d.EnsureAllUsed();
        if (firstDelay > TimeSpan.Zero) script = new SimScript(script.Name, [new SimStep.Delay(firstDelay), .. script.Steps]);
        return keepAlive is null ? script : script with { KeepAliveInterval = keepAlive };
    }

    private static SimScript Tool(SimDirective d, int toolResults, string? lastToolResult)
    {
        var name = d.String("name", "read_file");
        var args = d.JsonObject("args", "{}");
        var style = Style(d);
        var repeat = d.Bool("repeat", false);
        if (toolResults > 0 && !repeat)
            return SimScripts.FinalEnvelope(FinalAnswer(d, toolResults, lastToolResult), ChunkChars(d), d.Millis("delay_ms", TimeSpan.Zero), Envelope(d));
        d.String("final");
        return SimScripts.ToolCall(name, args, style, ChunkChars(d), d.Millis("delay_ms", TimeSpan.Zero), Envelope(d));
    }

    private static SimScript Tools(SimDirective d, int toolResults, string? lastToolResult)
    {
        var first = (d.String("name", "read_file"), d.JsonObject("args", "{\"path\":\"a.txt\"}"));
        var second = (d.String("name2", first.Item1), d.JsonObject("args2", "{\"path\":\"b.txt\"}"));
        var style = Style(d);
        var repeat = d.Bool("repeat", false);
        if (toolResults > 0 && !repeat)
            return SimScripts.FinalEnvelope(FinalAnswer(d, toolResults, lastToolResult), ChunkChars(d), d.Millis("delay_ms", TimeSpan.Zero), Envelope(d));
        d.String("final");
        return SimScripts.ToolCalls([first, second], style, ChunkChars(d), d.Millis("delay_ms", TimeSpan.Zero), Envelope(d));
    }

    private static string FinalAnswer(SimDirective d, int toolResults, string? lastToolResult)
        => d.String("final", $"Done: {toolResults} tool result(s) seen.").Replace("{result}", lastToolResult ?? "", StringComparison.Ordinal);

    private static SimScript Json(SimDirective d)
    {
        var error = d.Choice("error", "none", "none", "text", "object", "parts", "errortext");
        var text = d.String("text");
        return error switch
        {
            "text" => SimScripts.JsonError(JsonErrorShape.Text, text ?? SimScripts.DefaultErrorMessage),
            "object" => SimScripts.JsonError(JsonErrorShape.Object, text ?? SimScripts.DefaultErrorMessage),
            "parts" => SimScripts.JsonError(JsonErrorShape.Parts, text ?? SimScripts.DefaultErrorMessage),
            "errortext" => SimScripts.JsonError(JsonErrorShape.ErrorText, text ?? SimScripts.DefaultErrorMessage),
            _ => SimScripts.JsonReply(text ?? "Hello from the simulator (JSON)."),
        };
    }

    private static SimScript Fault(SimDirective d)
    {
        var kind = d.Choice("kind", "", [.. FaultKinds]);
        return kind switch
        {
            "stall" => SimScripts.StallAfterFirstChunk(d.Bool("keepalive", false)),
            "drop" => SimScripts.DropMidStream(d.Millis("after_ms", TimeSpan.FromMilliseconds(100), max: 60_000)),
            "status" => SimScripts.Status(d.Int("code", 500, 400, 599), d.String("retry_after"), d.String("message", SimScripts.DefaultErrorMessage)),
            "error" => SimScripts.ErrorFrame(d.String("message", "simulated upstream error")),
            "abort" => SimScripts.AbortFrame(),
            "badline" => SimScripts.NonJsonLine(d.String("line", "this is not json")),
            "drip" => SimScripts.SlowDrip(d.Millis("delay_ms", TimeSpan.FromMilliseconds(20), max: 10_000), d.String("text", "drip drip")),
            "truncated" => SimScripts.Truncated(),
            _ => throw d.Error($"parameter 'kind' is required (one of {string.Join(", ", FaultKinds)})"),
        };
    }

    private static SimEnvelope Envelope(SimDirective d)
    {
        var session = d.Choice("session", "start", "start", "late", "omit") switch
        {
            "late" => SessionPlacement.Late,
            "omit" => SessionPlacement.Omit,
            _ => SessionPlacement.Start,
        };
        SimUsage? usage = d.Has("input_tokens") || d.Has("output_tokens")
            ? new SimUsage(d.Int("input_tokens", 0, 0, int.MaxValue / 2), d.Int("output_tokens", 0, 0, int.MaxValue / 2))
            : null;
        var finishReason = d.String("finish_reason");
        return session == SessionPlacement.Start && usage is null && finishReason is null ? SimEnvelope.Default : new SimEnvelope(session, usage, finishReason);
    }

    private static ToolEnvelopeStyle Style(SimDirective d) => d.Choice("style", "plain", "plain", "fenced", "prose") switch
    {
        "fenced" => ToolEnvelopeStyle.Fenced,
        "prose" => ToolEnvelopeStyle.Prose,
        _ => ToolEnvelopeStyle.Plain,
    };

    private static int ChunkChars(SimDirective d) => d.Int("chunk", 4, 1, 100_000);
}
