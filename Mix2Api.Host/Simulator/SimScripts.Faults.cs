using System.Text.Json;

namespace Mix2Api.Host.Simulator;

// Fault scenarios: each one breaks the stream in a way a real upstream (or the network) does.
public static partial class SimScripts
{
    public const string PartialText = "partial ";
    public const string DefaultErrorMessage = "simulated upstream failure";

    /// <summary>One delta, then silence until the client leaves (idle-timeout and cancellation tests).</summary>
    public static SimScript StallAfterFirstChunk(bool keepAlive = false) =>
        new("fault:stall", Opening(new SimStep.Stall(keepAlive)));

    /// <summary>
    /// One delta, then the TCP connection is aborted (a reset). The pause before the abort lets the delta
    /// leave the machine first: an abort discards bytes still queued in the server's transport.
    /// Tests that need certainty use a gate: <c>new SimScript(…, new SimStep.WaitGate(g), new SimStep.Drop())</c>.
    /// </summary>
    public static SimScript DropMidStream(TimeSpan? pauseBeforeDrop = null) =>
        new("fault:drop", Opening(new SimStep.Delay(pauseBeforeDrop ?? TimeSpan.FromMilliseconds(100)), new SimStep.Drop()));

    /// <summary>An HTTP error status with <c>{"error":{"message":…}}</c> (and <c>Retry-After</c> when given).</summary>
    public static SimScript Status(int status, string? retryAfter = null, string message = DefaultErrorMessage) =>
        new($"fault:status{status}", new SimStep.Reply(status, ErrorObject(message), RetryAfter: retryAfter));

    /// <summary>One delta, then an <c>error</c> frame, then <c>[DONE]</c>.</summary>
    public static SimScript ErrorFrame(string errorText = "simulated upstream error") =>
        new("fault:error", Opening(SimFrames.Error(errorText), new SimStep.Done()));

    /// <summary>One delta, then an <c>abort</c> frame, then <c>[DONE]</c>.</summary>
    public static SimScript AbortFrame() => new("fault:abort", Opening(SimFrames.Abort, new SimStep.Done()));

    /// <summary>A normal answer with a <c>data:</c> line that is not JSON in the middle.</summary>
    public static SimScript NonJsonLine(string line = "this is not json") =>
        new("fault:badline", Answer(null,
            new SimStep.TextDeltas("before "), SimStep.RawBytes.Utf8("data: " + line + "\n\n"), new SimStep.TextDeltas("after")));

    /// <summary>
    /// One delta, then a <c>data:</c> line of bytes that are neither JSON nor UTF-8 (a corrupted frame), then the
    /// rest of a normal answer: the broker must fail it (adapter_error), not pass the bytes on.
    /// </summary>
    public static SimScript GarbageFrame() =>
        new("fault:garbage", Opening(
            new SimStep.RawBytes([.. "data: "u8, 0xFF, 0xFE, 0x7B, 0xC3, 0x28, 0x00, 0x22, 0xE2, 0x82, .. "\n\n"u8]),
            new SimStep.TextDeltas("after"), SimFrames.TextEnd(), SimFrames.FinishStep, SimFrames.Finish, new SimStep.Done()));

    /// <summary>A short answer whose bytes after the start frame go out one byte per write, <paramref name="interval"/> apart.</summary>
    public static SimScript SlowDrip(TimeSpan interval, string text = "drip drip") =>
        new("fault:drip", [
            new SimStep.StartFrame(),
            new SimStep.Drip(Concat(
                SimFrames.StartStep, SimFrames.TextStart(), new SimStep.TextDeltas(text, 2), SimFrames.TextEnd(),
                SimFrames.FinishStep, SimFrames.Finish, new SimStep.Done()), interval),
        ]);

    /// <summary>One delta, then the response ends cleanly at the HTTP level with neither <c>finish</c> nor <c>[DONE]</c>.</summary>
    public static SimScript Truncated() => new("fault:truncated", Opening());

    /// <summary>
    /// A non-SSE JSON answer <c>{"content":…,"messageMetadata":{"sessionId","exchangeId"}}</c> (digest §3.3);
    /// the ids are this exchange's.
    /// </summary>
    public static SimScript JsonReply(string content = "Hello from the simulator (JSON).") =>
        new("json", new SimStep.Reply(200, JsonBody(w =>
        {
            w.WriteString("content", content);
            w.WriteStartObject("messageMetadata");
            w.WriteString("sessionId", SessionIdPlaceholder);
            w.WriteString("exchangeId", ExchangeIdPlaceholder);
            w.WriteEndObject();
        })));

    /// <summary>HTTP 200 whose JSON body is an error in the given shape.</summary>
    public static SimScript JsonError(JsonErrorShape shape, string message = DefaultErrorMessage) =>
        new($"json:error-{shape.ToString().ToLowerInvariant()}", new SimStep.Reply(200, shape switch
        {
            JsonErrorShape.Text => JsonBody(w => w.WriteString("error", message)),
            JsonErrorShape.Parts => JsonBody(w =>
            {
                w.WriteStartArray("parts");
                w.WriteStartObject();
                w.WriteString("type", "error");
                w.WriteString("error_text", message);
                w.WriteEndObject();
                w.WriteEndArray();
            }),
            JsonErrorShape.ErrorText => JsonBody(w => w.WriteString("errorText", message)),
            _ => ErrorObject(message),
        }));

    /// <summary><c>{"error":{"message":…}}</c>, the upstream's error body.</summary>
    public static string ErrorObject(string message) => JsonBody(w =>
    {
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteEndObject();
    });

    // Reply bodies may carry these; the runner substitutes the exchange's ids.
    internal const string SessionIdPlaceholder = "{{sessionId}}";
    internal const string ExchangeIdPlaceholder = "{{exchangeId}}";

    // start, start-step, text-start and one delta; then the given tail.
    private static SimStep[] Opening(params SimStep[] tail) =>
        [new SimStep.StartFrame(), SimFrames.StartStep, SimFrames.TextStart(), new SimStep.TextDeltas(PartialText), .. tail];

    private static string JsonBody(Action<Utf8JsonWriter> write)
    {
        var bytes = SseBytes.Object(write);
        return System.Text.Encoding.UTF8.GetString(bytes, 6, bytes.Length - 8);
    }

    private static byte[] Concat(params SimStep[] steps)
    {
        using var buffer = new MemoryStream();
        foreach (var step in steps)
        {
            switch (step)
            {
                case SimStep.Frame f: buffer.Write(f.Bytes); break;
                case SimStep.TextDeltas d: foreach (var frame in d.Frames) buffer.Write(frame); break;
                case SimStep.Done: buffer.Write(SseBytes.Done); break;
                default: throw new ArgumentException($"Cannot pre-encode {step.GetType().Name}.", nameof(steps));
            }
        }
        return buffer.ToArray();
    }
}
