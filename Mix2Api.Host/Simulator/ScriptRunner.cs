using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// Plays one script onto one response through the response <see cref="PipeWriter"/>: one write and one
/// flush per frame, keep-alive comments while a started stream waits, and an exact account of how it ended.
/// </summary>
internal sealed class ScriptRunner
{
    private readonly HttpContext _context;
    private readonly SimulatedExchange _exchange;
    private readonly TimeProvider _time;
    private readonly TimeSpan _keepAlive;
    private readonly CancellationToken _shutdown;
    private readonly CancellationToken _token;
    private bool _started;

    private ScriptRunner(HttpContext context, SimulatedExchange exchange, TimeProvider time, TimeSpan keepAlive, CancellationToken shutdown, CancellationToken token)
    {
        _context = context;
        _exchange = exchange;
        _time = time;
        _keepAlive = keepAlive;
        _shutdown = shutdown;
        _token = token;
    }

    private PipeWriter Writer => _context.Response.BodyWriter;

    private bool KeepAliveEnabled => _keepAlive > TimeSpan.Zero && _keepAlive != Timeout.InfiniteTimeSpan;

    public static async Task<SimulatedExchangeEnd> RunAsync(HttpContext context, SimulatedExchange exchange, TimeProvider time, TimeSpan keepAlive, CancellationToken shutdown)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown);
        var runner = new ScriptRunner(context, exchange, time, exchange.Script.KeepAliveInterval ?? keepAlive, shutdown, linked.Token);
        SimulatedEndKind kind;
        Exception? error = null;
        try
        {
            kind = await runner.RunStepsAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            kind = shutdown.IsCancellationRequested ? SimulatedEndKind.ServerStopped : SimulatedEndKind.PeerClosed;
        }
        catch (Exception e)
        {
            // A simulator bug must not look like a clean stream: abort so the client notices.
            kind = SimulatedEndKind.Faulted;
            error = e;
            context.Abort();
        }
        if (kind == SimulatedEndKind.Completed && context.RequestAborted.IsCancellationRequested) kind = SimulatedEndKind.PeerClosed;
        return new SimulatedExchangeEnd(kind, time.GetTimestamp(), exchange.StepsFlushed, error);
    }

    private async Task<SimulatedEndKind> RunStepsAsync()
    {
        var steps = _exchange.Script.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var ok = steps[i] switch
            {
                SimStep.Frame f => await WriteAsync(f.Bytes),
                SimStep.TextDeltas d => await WriteDeltasAsync(d.Frames, d.Interval),
                SimStep.StartFrame s => await WriteAsync(StartFrame(s.WithSession)),
                SimStep.SessionMetadata => await WriteAsync(SessionMetadataFrame()),
                SimStep.EchoQuestion e => await WriteDeltasAsync(EchoFrames(e), TimeSpan.Zero),
                SimStep.Done => await WriteAsync(SseBytes.Done),
                SimStep.Comment c => await WriteAsync(c.Bytes),
                SimStep.RawBytes r => await WriteAsync(r.Bytes, r.Flush),
                SimStep.Drip d => await DripAsync(d),
                SimStep.Headers => await StartSseAsync(),
                SimStep.Delay d => await WaitAsync(Task.Delay(d.Duration, _time, _token), d.Duration >= _keepAlive),
                SimStep.WaitGate g => await WaitGateAsync(g.Gate),
                SimStep.Stall s => await WaitAsync(Task.Delay(Timeout.InfiniteTimeSpan, _time, _token), s.KeepAlive),
                SimStep.Reply r => await ReplyAsync(r),
                SimStep.Drop => false,
                _ => throw new InvalidOperationException($"Unknown step {steps[i].GetType().Name}."),
            };
            if (steps[i] is SimStep.Drop)
            {
                _context.Abort();
                return SimulatedEndKind.Dropped;
            }
            if (!ok || _context.RequestAborted.IsCancellationRequested) return SimulatedEndKind.PeerClosed;
            _exchange.MarkFlushed(i);
        }
        return SimulatedEndKind.Completed;
    }

    private async ValueTask<bool> StartSseAsync()
    {
        if (!_started) await StartResponseAsync();
        return await FlushAsync();
    }

    private Task StartResponseAsync()
    {
        _started = true;
        var response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-vercel-ai-ui-message-stream"] = "v1";
        response.Headers["x-accel-buffering"] = "no";
        return response.StartAsync(_token);
    }

    private async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> bytes, bool flush = true)
    {
        if (!_started) await StartResponseAsync();
        Writer.Write(bytes.Span);
        return !flush || await FlushAsync();
    }

    private async ValueTask<bool> FlushAsync()
    {
        var result = await Writer.FlushAsync(_token);
        return !result.IsCompleted && !result.IsCanceled && !_context.RequestAborted.IsCancellationRequested;
    }

    private async ValueTask<bool> WriteDeltasAsync(byte[][] frames, TimeSpan interval)
    {
        for (var i = 0; i < frames.Length; i++)
        {
            if (i > 0 && interval > TimeSpan.Zero && !await WaitAsync(Task.Delay(interval, _time, _token), interval >= _keepAlive)) return false;
            if (!await WriteAsync(frames[i])) return false;
        }
        return true;
    }

    private async ValueTask<bool> DripAsync(SimStep.Drip drip)
    {
        for (var i = 0; i < drip.Bytes.Length; i++)
        {
            if (i > 0 && drip.Interval > TimeSpan.Zero) await Task.Delay(drip.Interval, _time, _token);
            if (!await WriteAsync(drip.Bytes.AsMemory(i, 1))) return false;
        }
        return true;
    }

    private async ValueTask<bool> WaitGateAsync(SimGate gate)
    {
        gate.MarkReached();
        return await WaitAsync(gate.WhenOpen.WaitAsync(_token), keepAlive: true);
    }

    // Waits for `wait`; on a started stream, writes a keep-alive comment each interval meanwhile.
    private async ValueTask<bool> WaitAsync(Task wait, bool keepAlive)
    {
        if (!keepAlive || !_started || !KeepAliveEnabled)
        {
            await wait;
            return true;
        }
        while (true)
        {
            try
            {
                await wait.WaitAsync(_keepAlive, _time, _token);
                return true;
            }
            catch (TimeoutException)
            {
                if (!await WriteAsync(SseBytes.KeepAlive)) return false;
            }
        }
    }

    private async ValueTask<bool> ReplyAsync(SimStep.Reply reply)
    {
        var response = _context.Response;
        response.StatusCode = reply.Status;
        response.ContentType = reply.ContentType;
        if (reply.RetryAfter is not null) response.Headers.RetryAfter = reply.RetryAfter;
        var body = reply.Body.Contains("{{", StringComparison.Ordinal)
            ? reply.Body.Replace(SimScripts.SessionIdPlaceholder, _exchange.SessionId, StringComparison.Ordinal)
                .Replace(SimScripts.ExchangeIdPlaceholder, _exchange.ExchangeId, StringComparison.Ordinal)
            : reply.Body;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        _started = true;
        Writer.Write(bytes);
        return await FlushAsync();
    }

    private byte[] StartFrame(bool withSession) => SseBytes.Object(w =>
    {
        w.WriteString("type", "start");
        w.WriteString("messageId", _exchange.MessageId);
        if (!withSession) return;
        w.WriteStartObject("messageMetadata");
        w.WriteString("sessionId", _exchange.SessionId);
        w.WriteString("exchangeId", _exchange.ExchangeId);
        w.WriteEndObject();
    });

    private byte[] SessionMetadataFrame() => SseBytes.Object(w =>
    {
        w.WriteString("type", "message-metadata");
        w.WriteStartObject("messageMetadata");
        w.WriteString("sessionId", _exchange.SessionId);
        w.WriteString("exchangeId", _exchange.ExchangeId);
        w.WriteEndObject();
    });

    private byte[][] EchoFrames(SimStep.EchoQuestion echo)
    {
        var question = _exchange.Question.ReplaceLineEndings(" ");
        if (question.Length > Math.Max(1, echo.MaxChars))
        {
            var cut = Math.Max(1, echo.MaxChars);
            if (char.IsHighSurrogate(question[cut - 1])) cut--;
            question = question[..cut] + "…";
        }
        var parts = TextSplitter.Split(echo.Prefix + question, echo.Chunks);
        var frames = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++) frames[i] = SseBytes.Delta("text-delta", echo.Id, parts[i]);
        return frames;
    }
}
