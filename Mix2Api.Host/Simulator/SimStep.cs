namespace Mix2Api.Host.Simulator;

/// <summary>
/// One step of a <see cref="SimScript"/>. Frames are encoded when the step is built, so running a script
/// only copies bytes. Every writing step flushes, so each step is (at least) one network write.
/// </summary>
public abstract record SimStep
{
    private SimStep() { }

    /// <summary>Sends the SSE response headers now (any writing step does this implicitly).</summary>
    public sealed record Headers : SimStep;

    /// <summary>The <c>start</c> frame with this exchange's <c>messageId</c> and, unless disabled, <c>sessionId</c>/<c>exchangeId</c>.</summary>
    public sealed record StartFrame(bool WithSession = true) : SimStep;

    /// <summary>A <c>message-metadata</c> frame carrying this exchange's session ids (for "ids arrive late").</summary>
    public sealed record SessionMetadata : SimStep;

    /// <summary>One pre-encoded SSE event (<c>data: …\n\n</c>). Build it with <see cref="SimFrames"/> or <see cref="Json"/>.</summary>
    public sealed record Frame(byte[] Bytes) : SimStep
    {
        public override string ToString() => $"Frame({System.Text.Encoding.UTF8.GetString(Bytes).TrimEnd()})";
    }

    /// <summary>
    /// <paramref name="Text"/> as <paramref name="Chunks"/> <c>text-delta</c> (or <c>reasoning-delta</c>) frames,
    /// one write each, <paramref name="Interval"/> apart. Chunks never split a surrogate pair.
    /// </summary>
    public sealed record TextDeltas(string Text, int Chunks = 1, TimeSpan Interval = default, string Id = "t0", bool Reasoning = false) : SimStep
    {
        internal byte[][] Frames { get; } = EncodeChunks(Text, Chunks, Id, Reasoning);

        private static byte[][] EncodeChunks(string text, int chunks, string id, bool reasoning)
        {
            var type = reasoning ? "reasoning-delta" : "text-delta";
            var parts = TextSplitter.Split(text, chunks);
            var frames = new byte[parts.Length][];
            for (var i = 0; i < parts.Length; i++) frames[i] = SseBytes.Delta(type, id, parts[i]);
            return frames;
        }
    }

    /// <summary>Text deltas answering with a little of the request's question (built per request).</summary>
    public sealed record EchoQuestion(string Prefix = "Simulated answer to: ", int MaxChars = 60, int Chunks = 3, string Id = "t0") : SimStep;

    /// <summary>Waits (keep-alive comments are written meanwhile when the wait is long).</summary>
    public sealed record Delay(TimeSpan Duration) : SimStep;

    /// <summary>Waits until the test opens <paramref name="Gate"/>.</summary>
    public sealed record WaitGate(SimGate Gate) : SimStep;

    /// <summary>An SSE comment line such as <c>: ping</c>.</summary>
    public sealed record Comment(string Text) : SimStep
    {
        internal byte[] Bytes { get; } = SseBytes.Comment(Text);
    }

    /// <summary>Bytes written as is (half a UTF-8 character, an <c>id:</c> line, a non-JSON <c>data:</c> line …).</summary>
    public sealed record RawBytes(byte[] Bytes, bool Flush = true) : SimStep
    {
        public static RawBytes Utf8(string text, bool flush = true) => new(System.Text.Encoding.UTF8.GetBytes(text), flush);

        public override string ToString() => $"RawBytes({Bytes.Length} bytes)";
    }

    /// <summary>Bytes written one byte per write, flushed, <paramref name="Interval"/> apart (a slow link).</summary>
    public sealed record Drip(byte[] Bytes, TimeSpan Interval) : SimStep;

    /// <summary>Never sends anything more; ends when the client goes away (or the simulator stops).</summary>
    public sealed record Stall(bool KeepAlive = false) : SimStep;

    /// <summary>Aborts the TCP connection mid-stream (<c>HttpContext.Abort()</c>): the client sees an I/O error.</summary>
    public sealed record Drop : SimStep;

    /// <summary>
    /// A complete non-SSE reply: HTTP <paramref name="Status"/> with <paramref name="Body"/>. Must be the last step
    /// and nothing may have been written before it (delays may precede it).
    /// </summary>
    public sealed record Reply(int Status, string Body, string ContentType = "application/json", string? RetryAfter = null) : SimStep;

    /// <summary><c>data: [DONE]</c>.</summary>
    public sealed record Done : SimStep;

    /// <summary>A frame from JSON text (not validated: broken JSON is allowed on purpose).</summary>
    public static Frame Json(string json) => new(SseBytes.Data(json));
}
