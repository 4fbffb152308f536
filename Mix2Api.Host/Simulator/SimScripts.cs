using System.Text;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// Factories for the named scenarios (docs/SIMULATOR.md lists them with their directive names).
/// Answer scripts have the real upstream's shape:
/// <c>start, start-step, text-start, text-delta…, text-end, finish-step, [data-usage], finish, [DONE]</c>.
/// </summary>
public static partial class SimScripts
{
    /// <summary>Text of <see cref="SplitUtf8"/>: CJK, accented Latin and emoji (4-byte UTF-8, surrogate pairs in .NET).</summary>
    public const string Utf8Text = "你好，世界🌍！Grüße 😀 终わり";

    /// <summary>The default: a short answer quoting the start of the question.</summary>
    public static SimScript Default() => new("default", Answer(SimEnvelope.Default, new SimStep.EchoQuestion()));

    public static SimScript ShortAnswer(string text = "Hello from the simulator.", int chunks = 2, SimEnvelope? envelope = null) =>
        new("short", Answer(envelope, new SimStep.TextDeltas(text, chunks)));

    /// <summary><paramref name="chunks"/> deltas of equal width (<c>w0000 w0001 …</c>, see <see cref="LongText"/>), <paramref name="interval"/> apart.</summary>
    public static SimScript LongAnswer(int chunks, TimeSpan interval, SimEnvelope? envelope = null) =>
        new("long", Answer(envelope, new SimStep.TextDeltas(LongText(chunks), chunks, interval)));

    /// <summary>The text <see cref="LongAnswer"/> streams: one fixed-width word per chunk.</summary>
    public static string LongText(int chunks)
    {
        var width = Math.Max(1, (chunks - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var text = new StringBuilder(chunks * (width + 2));
        for (var i = 0; i < chunks; i++)
            text.Append('w').Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0')).Append(' ');
        return text.ToString();
    }

    public static SimScript ReasoningThenAnswer(
        string reasoning = "The user greets me; a greeting back is right.", string answer = "Hello! How can I help?",
        int chunks = 3, SimEnvelope? envelope = null) =>
        new("reasoning", Answer(envelope, [
            SimFrames.ReasoningStart(), new SimStep.TextDeltas(reasoning, chunks, Id: "r0", Reasoning: true), SimFrames.ReasoningEnd(),
            SimFrames.TextStart(), new SimStep.TextDeltas(answer, chunks), SimFrames.TextEnd()], wrapText: false));

    /// <summary>
    /// <see cref="Utf8Text"/> in delta frames, each frame written in two flushed writes cut inside a multi-byte
    /// character, so a decoder that decodes per network read produces U+FFFD.
    /// </summary>
    public static SimScript SplitUtf8(int chunks = 4, SimEnvelope? envelope = null)
    {
        var content = new List<SimStep> { SimFrames.TextStart() };
        foreach (var part in TextSplitter.Split(Utf8Text, chunks))
        {
            var frame = SseBytes.Delta("text-delta", "t0", part);
            var cut = CutInsideCharacter(frame);
            content.Add(new SimStep.RawBytes(frame[..cut]));
            content.Add(new SimStep.RawBytes(frame[cut..]));
        }
        content.Add(SimFrames.TextEnd());
        return new("utf8", Answer(envelope, [.. content], wrapText: false));
    }

    /// <summary>Frames whose <c>data:</c> events also carry <c>id:</c>, <c>event:</c>, <c>retry:</c> lines, comments and a two-line <c>data</c>.</summary>
    public static SimScript SseFieldLines(SimEnvelope? envelope = null) =>
        new("sselines", Answer(envelope, [
            SimFrames.TextStart(),
            SimStep.RawBytes.Utf8("id: 1\nevent: message\ndata: {\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\"Hello\"}\n\n"),
            SimStep.RawBytes.Utf8("retry: 3000\n\n: a comment between events\n\n"),
            SimStep.RawBytes.Utf8("data: {\"type\":\"text-delta\",\ndata: \"id\":\"t0\",\"delta\":\", world\"}\n\n"),
            SimStep.RawBytes.Utf8("id: 2\r\ndata: {\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\"!\"}\r\n\r\n"),
            SimFrames.TextEnd()], wrapText: false));

    /// <summary>The upstream runs its own (server-side) tool, then answers; the broker must not expose the tool frames as client calls.</summary>
    public static SimScript ServerSideTool(string toolName = "web_search", string answer = "According to the search, it is sunny.", SimEnvelope? envelope = null) =>
        new("servertool", Answer(envelope, [
            SimFrames.ToolInputStart("srv-call-1", toolName),
            SimFrames.ToolInputDelta("srv-call-1", "{\"query\":"),
            SimFrames.ToolInputDelta("srv-call-1", "\"weather\"}"),
            SimFrames.ToolInputAvailable("srv-call-1", toolName, "{\"query\":\"weather\"}"),
            SimFrames.ToolOutputAvailable("srv-call-1", "{\"results\":[\"sunny\"]}"),
            SimFrames.TextStart(), new SimStep.TextDeltas(answer, 3), SimFrames.TextEnd()], wrapText: false));

    /// <summary>Two text deltas with a gate between them: "the first byte reaches the client before the upstream sends the second".</summary>
    public static SimScript Gated(SimGate gate, string first = "first ", string second = "second") =>
        new("gated", Answer(null, new SimStep.TextDeltas(first), new SimStep.WaitGate(gate), new SimStep.TextDeltas(second)));

    /// <summary>
    /// Wraps content steps in the answer envelope. With <paramref name="wrapText"/> the content is put between
    /// <c>text-start</c>/<c>text-end</c>; otherwise the content brings its own structure frames.
    /// </summary>
    public static SimStep[] Answer(SimEnvelope? envelope, params SimStep[] content) => Answer(envelope, content, wrapText: true);

    public static SimStep[] Answer(SimEnvelope? envelope, SimStep[] content, bool wrapText)
    {
        envelope ??= SimEnvelope.Default;
        var steps = new List<SimStep>(content.Length + 10)
        {
            new SimStep.StartFrame(WithSession: envelope.Session == SessionPlacement.Start),
            SimFrames.StartStep,
        };
        if (wrapText) steps.Add(SimFrames.TextStart());
        for (var i = 0; i < content.Length; i++)
        {
            steps.Add(content[i]);
            if (envelope.Session == SessionPlacement.Late && content[i] is SimStep.TextDeltas or SimStep.EchoQuestion or SimStep.RawBytes
                && !steps.Exists(s => s is SimStep.SessionMetadata))
                steps.Add(new SimStep.SessionMetadata());
        }
        if (wrapText) steps.Add(SimFrames.TextEnd());
        steps.Add(SimFrames.FinishStep);
        if (envelope.Usage is { } usage) steps.Add(SimFrames.DataUsage(usage));
        steps.Add(envelope.Usage is null && envelope.FinishReason is null
            ? SimFrames.Finish
            : SimFrames.FinishWith(envelope.FinishReason, envelope.Usage));
        steps.Add(new SimStep.Done());
        return [.. steps];
    }

    // A byte offset strictly inside the first multi-byte UTF-8 sequence of the frame (or its middle if all ASCII).
    private static int CutInsideCharacter(byte[] frame)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            if (frame[i] >= 0xC0) return i + 1;
        }
        return frame.Length / 2;
    }
}
