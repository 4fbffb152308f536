using System.Net.ServerSentEvents;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Sse;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// One request's pipeline: upstream bytes → SSE events → UI frames → tool-protocol transform →
/// OpenAI output. Pull-based: a frame is read only after the previous one was handed to the output,
/// and the output flushes (waiting for a slow client) before the next read that would block, so the
/// upstream is never read faster than the client drains. The run returns how it ended; it never
/// writes the terminal error itself (Supervision decides what the client is told).
/// </summary>
public sealed class ChatStreamGraph : IAsyncDisposable
{
    private enum Phase { Reading, Writing }

    private readonly IChatOutput _output;
    private readonly IToolTransform _transform;
    private readonly GraphSettings _settings;
    private readonly RequestDeadlines _deadlines;
    private readonly IChatStreamObserver? _observer;
    private readonly bool _legacyFunctions;
    private readonly int _promptTokenEstimate;
    private readonly StreamOutcome _outcome = new();
    /// <summary>How long the graph waits for <c>[DONE]</c> after <c>finish</c> before it gives the connection up.</summary>
    private static readonly TimeSpan DrainBudget = TimeSpan.FromSeconds(1);

    private Phase _phase;
    private ActivityTrackingStream? _body;
    private CancellationTokenSource? _readCts;
    private IAsyncEnumerator<SseItem<UiFrame>>? _frames;
    private bool _finished;
    private bool _flushedOnce;
    private long _lastWrite;
    private Task? _heartbeatDelay;
    private bool _idsCaptured;
    private char _pendingTextHigh;
    private char _pendingReasoningHigh;
    private string? _upstreamFinishReason;
    private UsageFigures? _upstreamUsage;

    public ChatStreamGraph(IChatOutput output, IToolTransform transform, GraphSettings settings, RequestDeadlines deadlines,
        IChatStreamObserver? observer, bool legacyFunctions, int promptTokenEstimate)
    {
        _output = output;
        _transform = transform;
        _settings = settings;
        _deadlines = deadlines;
        _observer = observer;
        _legacyFunctions = legacyFunctions;
        _promptTokenEstimate = Math.Max(1, promptTokenEstimate);
    }

    public async Task<StreamOutcome> RunAsync(Stream upstreamBody)
    {
        var token = _deadlines.Token;
        _lastWrite = _settings.Time.GetTimestamp();
        var body = _body = new ActivityTrackingStream(upstreamBody, _deadlines, _settings.MaxFrameBytes);
        _readCts = CancellationTokenSource.CreateLinkedTokenSource(token);
        var frames = _frames = UpstreamEventReader.ReadAsync(body, _readCts.Token).GetAsyncEnumerator(_readCts.Token);
        try
        {
            while (true)
            {
                _phase = Phase.Reading;
                var next = frames.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    if (!await FlushAsync(token)) return Exit(StreamExit.ClientDisconnected);
                    if (_output.WantsHeartbeat && _settings.HeartbeatInterval > TimeSpan.Zero)
                        next = await WaitWithHeartbeatsAsync(next, token);
                }
                if (!await next)
                    return Exit(StreamExit.UpstreamTruncated);

                if (Handle(frames.Current) is { } exit)
                {
                    if (exit is StreamExit.Completed)
                    {
                        exit = Complete();
                        if (!await FlushAsync(token)) return Exit(StreamExit.ClientDisconnected);
                        // The rest of the upstream reply ([DONE]) is read on disposal, after the caller closed the response.
                        _finished = true;
                    }
                    return Exit(exit);
                }
                // The first bytes go out at once (time to first byte); later ones coalesce while frames are ready.
                if ((_output.UnflushedBytes >= _settings.FlushThresholdBytes || (!_flushedOnce && _output.UnflushedBytes > 0))
                    && !await FlushAsync(token))
                    return Exit(StreamExit.ClientDisconnected);
            }
        }
        catch (OperationCanceledException) when (_deadlines.Cause != DeadlineCause.None)
        {
            return Exit(FromCause(_deadlines.Cause));
        }
        catch (UpstreamFrameTooLargeException ex)
        {
            _outcome.Detail = ex.Message;
            return Exit(StreamExit.UpstreamProtocolError);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Http.HttpRequestException or OperationCanceledException
            || ex.GetType().Name == "ConnectionAbortedException")
        {
            _outcome.Exception = ex;
            if (_deadlines.Cause != DeadlineCause.None) return Exit(FromCause(_deadlines.Cause));
            return Exit(_phase == Phase.Writing ? StreamExit.ClientDisconnected : StreamExit.UpstreamBodyFailed);
        }
        catch (Exception ex)
        {
            _outcome.Exception = ex;
            return Exit(StreamExit.AdapterFault);
        }
    }

    /// <summary>
    /// Releases the upstream side. After a normal finish it first reads on to the upstream's <c>[DONE]</c>
    /// (bounded), so the pooled connection is left clean; call it after the client's response is closed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_frames is null) return;
        if (_finished) await DrainAfterFinishAsync(_frames);
        try
        {
            await _frames.DisposeAsync();
        }
        catch (Exception)
        {
            // Disposing a cancelled parser can throw; the outcome is already decided.
        }
        if (_body is not null) await _body.DisposeAsync();
        _readCts?.Dispose();
        _frames = null;
    }

    public static StreamExit FromCause(DeadlineCause cause) => cause switch
    {
        DeadlineCause.Client => StreamExit.ClientDisconnected,
        DeadlineCause.FirstByte => StreamExit.UpstreamFirstByteTimedOut,
        DeadlineCause.Idle => StreamExit.UpstreamIdleTimedOut,
        DeadlineCause.Total => StreamExit.TotalTimedOut,
        DeadlineCause.Shutdown => StreamExit.ShuttingDown,
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, "no deadline fired"),
    };

    /// <summary>Applies one frame; returns an exit when the frame ends the response.</summary>
    private StreamExit? Handle(SseItem<UiFrame> item)
    {
        var frame = item.Data;
        switch (frame.Type)
        {
            case UiFrameType.TextDelta:
                if (JoinSurrogates(frame.Text, ref _pendingTextHigh) is { Length: > 0 } text) _transform.Push(text, _output);
                return null;
            case UiFrameType.ReasoningDelta:
                if (JoinSurrogates(frame.Text, ref _pendingReasoningHigh) is { Length: > 0 } thought) _output.Reasoning(thought);
                return null;
            case UiFrameType.Start or UiFrameType.MessageMetadata:
                Capture(frame);
                return null;
            case UiFrameType.Usage:
                _upstreamUsage = frame.Usage ?? _upstreamUsage;
                return null;
            case UiFrameType.Finish:
                Capture(frame);
                _upstreamFinishReason = frame.FinishReason;
                return StreamExit.Completed;
            case UiFrameType.Done:
                return StreamExit.Completed;
            case UiFrameType.Error:
                _outcome.Detail = frame.Text;
                return StreamExit.UpstreamErrorFrame;
            case UiFrameType.Abort:
                return StreamExit.UpstreamAbortFrame;
            case UiFrameType.Malformed:
                _outcome.BadFrames++;
                _observer?.OnBadFrame(_outcome.BadFrames);
                if (_outcome.BadFrames > _settings.MaxBadFrames)
                {
                    _outcome.Detail = "a data line was not JSON";
                    return StreamExit.UpstreamProtocolError;
                }
                return null;
            case UiFrameType.UpstreamTool:
                _observer?.OnUpstreamToolFrame();
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Holds a trailing high surrogate back until the next delta brings its low half, so an emoji
    /// split across frames is not turned into two replacement characters.
    /// </summary>
    private static string? JoinSurrogates(string? text, ref char pendingHigh)
    {
        if (string.IsNullOrEmpty(text)) return text;
        if (pendingHigh != '\0')
        {
            text = pendingHigh + text;
            pendingHigh = '\0';
        }
        if (char.IsHighSurrogate(text[^1]))
        {
            pendingHigh = text[^1];
            return text[..^1];
        }
        return text;
    }

    private void Capture(in UiFrame frame)
    {
        _upstreamUsage = frame.Usage ?? _upstreamUsage;
        if (_idsCaptured) return;
        var session = frame.SessionId ?? (_settings.SessionFromExchangeId ? frame.ExchangeId : null);
        if (session is null && frame.ExchangeId is null) return;
        _idsCaptured = true;
        _outcome.SessionId = session;
        _outcome.ExchangeId = frame.ExchangeId;
        if (session is not null) _output.SessionKnown(session);
        _observer?.OnSessionIds(session, frame.ExchangeId);
    }

    /// <summary>Normal end: flush the transform, decide finish_reason and usage, write the end.</summary>
    private StreamExit Complete()
    {
        if (_pendingTextHigh != '\0') _transform.Push([_pendingTextHigh], _output);
        _transform.Complete(_output);
        _outcome.ToolCalls = _transform.ToolCallCount;
        string finish;
        StreamExit exit;
        if (_transform is ToolProtocolTransform { EndedMidCall: true } || _upstreamFinishReason is "length" or "max_tokens")
        {
            // Cut by the length limit, possibly inside a call's arguments: never pretend the call is whole.
            finish = "length";
            exit = StreamExit.CompletedAtLength;
        }
        else if (_transform.ToolCallCount > 0)
        {
            finish = _legacyFunctions ? "function_call" : "tool_calls";
            exit = StreamExit.CompletedWithToolCalls;
        }
        else
        {
            finish = "stop";
            exit = StreamExit.Completed;
        }
        var reported = _upstreamUsage ?? default;
        _outcome.UpstreamReportedUsage = !reported.IsEmpty;
        // Never all zeros: whatever side the upstream did not report is our estimate.
        var usage = new UsageFigures(
            reported.PromptTokens > 0 ? reported.PromptTokens : _promptTokenEstimate,
            reported.CompletionTokens > 0 ? reported.CompletionTokens : _output.EstimatedCompletionTokens);
        _outcome.Usage = usage;
        _outcome.FinishReason = finish;
        _output.Finish(finish, usage);
        return exit;
    }

    /// <summary>
    /// After the finish frame the client already has everything; read the upstream on to its
    /// <c>[DONE]</c> (bounded by <see cref="DrainBudget"/>) so the pooled connection is left clean. A read
    /// still in flight is cancelled and awaited before the body is disposed: a read abandoned in flight
    /// would consume the next response on that connection.
    /// </summary>
    private async ValueTask DrainAfterFinishAsync(IAsyncEnumerator<SseItem<UiFrame>> frames)
    {
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var next = frames.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    var pending = next.AsTask();
                    using var budget = new CancellationTokenSource();
                    var expired = Task.Delay(DrainBudget, _settings.Time, budget.Token);
                    if (await Task.WhenAny(pending, expired) != pending)
                    {
                        _readCts!.Cancel();
                        await pending;
                        return;
                    }
                    // The frame came first: stop the budget's timer now rather than leave it ticking for a second.
                    budget.Cancel();
                    next = new ValueTask<bool>(pending);
                }
                if (!await next || frames.Current.Data.Type == UiFrameType.Done) return;
            }
            _readCts!.Cancel();
        }
        catch (Exception)
        {
            // The response is complete; whatever the upstream does now only decides whether its connection is reused.
        }
    }

    private async ValueTask<bool> FlushAsync(CancellationToken token)
    {
        if (_output.UnflushedBytes == 0) return true;
        _flushedOnce = true;
        _phase = Phase.Writing;
        _lastWrite = _settings.Time.GetTimestamp();
        var pending = _output.FlushAsync(token);
        System.IO.Pipelines.FlushResult result;
        if (pending.IsCompletedSuccessfully)
        {
            result = pending.Result;
        }
        else
        {
            _deadlines.PauseIdle();
            try
            {
                result = await pending;
            }
            finally
            {
                _deadlines.ResumeIdle();
            }
        }
        _phase = Phase.Reading;
        return !(result.IsCompleted || result.IsCanceled);
    }

    /// <summary>Waits for the next frame, writing a keep-alive comment whenever the client heard nothing for the interval.</summary>
    private async ValueTask<ValueTask<bool>> WaitWithHeartbeatsAsync(ValueTask<bool> next, CancellationToken token)
    {
        var time = _settings.Time;
        var interval = _settings.HeartbeatInterval;
        var pending = next.AsTask();
        while (!pending.IsCompleted)
        {
            var due = interval - time.GetElapsedTime(_lastWrite);
            if (due <= TimeSpan.Zero)
            {
                _output.Heartbeat();
                if (!await FlushAsync(token))
                {
                    _phase = Phase.Writing;
                    throw new IOException("client went away during a heartbeat");
                }
                _lastWrite = time.GetTimestamp();
                _phase = Phase.Reading;
                continue;
            }
            if (_heartbeatDelay is null || _heartbeatDelay.IsCompleted)
                _heartbeatDelay = Task.Delay(due, time, token);
            await Task.WhenAny(pending, _heartbeatDelay).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
        }
        return new ValueTask<bool>(pending);
    }

    private StreamOutcome Exit(StreamExit exit)
    {
        _outcome.Exit = exit;
        return _outcome;
    }
}
