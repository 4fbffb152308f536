using System.Buffers;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Streams.Graph;

/// <summary>
/// The model's turn, from UI frames to client bytes: session ids, usage and finish are captured, text goes
/// through the tool-protocol transform, and everything is encoded by the request's <see cref="IChatOutput"/>
/// (OpenAI SSE chunks, or the one aggregated body). Transform and encoding are fused on purpose: the
/// transform calls the encoder directly, so no intermediate delta objects exist. One element out per batch
/// in (all chunks that batch produced, in one pooled buffer); the first batch always yields an element,
/// possibly <see cref="PooledBytes.Empty"/>, so the sink knows the upstream has answered (and the output has written
/// its opening event, if its grammar has one: <see cref="IChatOutput.UpstreamAnswered"/>).
/// Ends the stream after finish/<c>[DONE]</c> or at the first of the request's stop sequences (<see cref="StopSequenceSink"/>); fails with a typed exception on error or abort frames, bad
/// data over the limit, or an upstream that ends without finishing. Materializes the <see cref="StreamOutcome"/>.
/// </summary>
public static class ChatTurn
{
    /// <summary>
    /// One request's turn: what the stage encodes into and with, and the <see cref="StreamOutcome"/> it records into.
    /// An attribute, so a pre-built graph (<see cref="ChatStreamGraph"/>) gets it at materialization instead of
    /// being rebuilt per request.
    /// </summary>
    public sealed record Parts(IChatOutput Output, IToolTransform Transform, ChatTurnOptions Options, IChatStreamObserver? Observer = null)
        : Attributes.IAttribute
    {
        /// <summary>What the turn saw; the stage's materialized value, there before the graph runs.</summary>
        public StreamOutcome Outcome { get; } = new();
    }

    /// <summary>The stage bound to one request's parts.</summary>
    public static Flow<UiFrameBatch, PooledBytes, StreamOutcome> Create(IChatOutput output, IToolTransform transform,
        ChatTurnOptions options, IChatStreamObserver? observer = null)
        => Create().AddAttributes(new Attributes(new Parts(output, transform, options, observer)));

    /// <summary>The stage taking its <see cref="Parts"/> from the attributes it is materialized with.</summary>
    public static Flow<UiFrameBatch, PooledBytes, StreamOutcome> Create()
        => Flow.FromGraph(new ChatTurnStage()).Named("ChatTurn");

    private sealed class ChatTurnStage : GraphStageWithMaterializedValue<FlowShape<UiFrameBatch, PooledBytes>, StreamOutcome>
    {
        private readonly Inlet<UiFrameBatch> _in = new("ChatTurn.in");
        private readonly Outlet<PooledBytes> _out = new("ChatTurn.out");

        private FlowShape<UiFrameBatch, PooledBytes>? _shape;

        // Made once: Akka reads the shape at every materialization, and a request graph's stages are shared by every request.
        public override FlowShape<UiFrameBatch, PooledBytes> Shape => _shape ??= new(_in, _out);

        public override ILogicAndMaterializedValue<StreamOutcome> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var parts = RequestPart.Required<Parts>(inheritedAttributes);
            return new LogicAndMaterializedValue<StreamOutcome>(new Logic(this, parts, parts.Outcome), parts.Outcome);
        }

        private sealed class Logic : InAndOutGraphStageLogic
        {
            private readonly ChatTurnStage _stage;
            private readonly StreamOutcome _outcome;
            private readonly IChatOutput _output;
            private readonly IToolTransform _transform;
            private readonly ChatTurnOptions _options;
            private readonly IChatStreamObserver? _observer;
            // What the transform and reasoning write into: the output, or the stop-sequence filter in front of it.
            private readonly IChatSink _sink;
            private readonly StopSequenceSink? _stops;
            private readonly Action _completeStage;
            private bool _answered;
            private bool _finished;
            private bool _idsCaptured;
            private char _pendingTextHigh;
            private char _pendingReasoningHigh;
            private string? _upstreamFinishReason;
            private UsageFigures? _upstreamUsage;

            protected override object LogSource => "ChatTurn";

            // Port counts, not the shape: Akka's shape constructor formats the shape into a log-source string for every
            // request's logic; the stage's name (LogSource) serves instead.
            public Logic(ChatTurnStage stage, Parts parts, StreamOutcome outcome) : base(inCount: 1, outCount: 1)
            {
                _stage = stage;
                _outcome = outcome;
                _output = parts.Output;
                _transform = parts.Transform;
                _options = parts.Options;
                _observer = parts.Observer;
                var stops = _options.StopSequences.Count > 0 ? new StopSequenceSink(_output, _options.StopSequences) : null;
                _stops = stops is { HasSequences: true } ? stops : null;
                _sink = (IChatSink?)_stops ?? _output;
                _completeStage = CompleteStage;
                SetHandler(stage._in, this);
                SetHandler(stage._out, this);
            }

            public override void OnPull() => Pull(_stage._in);

            public override void OnPush()
            {
                var batch = Grab(_stage._in);
                Exception? failure = null;
                var finished = false;
                var frames = batch.Frames;
                for (var i = 0; i < frames.Length && !finished && failure is null; i++)
                    finished = Handle(batch, frames[i], ref failure);
                batch.Return();
                if (finished)
                {
                    _finished = true;
                    Complete();
                }
                if (!_answered && failure is null && !finished) _output.UpstreamAnswered();
                var bytes = _output.TakeWritten();
                if (!_answered)
                {
                    _answered = true;
                    bytes ??= PooledBytes.Empty;
                }
                if (failure is not null)
                {
                    if (bytes is null) FailStage(failure);
                    else Emit(_stage._out, bytes, () => FailStage(failure));
                }
                else if (finished)
                {
                    if (bytes is null) CompleteStage();
                    else Emit(_stage._out, bytes, _completeStage);
                }
                else if (bytes is not null) Push(_stage._out, bytes);
                else Pull(_stage._in);
            }

            public override void OnUpstreamFinish()
            {
                // After finish the last bytes may still be on their way out; the stage completes after them.
                if (!_finished) FailStage(new UpstreamTruncatedException());
            }

            /// <summary>Applies one frame; true when it ends the turn normally, or sets <paramref name="failure"/>.</summary>
            private bool Handle(UiFrameBatch batch, in UiFrame frame, ref Exception? failure)
            {
                switch (frame.Type)
                {
                    case UiFrameType.TextDelta:
                        PushText(batch.TextOf(frame), ref _pendingTextHigh, reasoning: false);
                        return _stops?.Matched is not null;
                    case UiFrameType.ReasoningDelta:
                        PushText(batch.TextOf(frame), ref _pendingReasoningHigh, reasoning: true);
                        return false;
                    case UiFrameType.Start or UiFrameType.MessageMetadata:
                        Capture(frame);
                        return false;
                    case UiFrameType.Usage:
                        _upstreamUsage = frame.Usage ?? _upstreamUsage;
                        return false;
                    case UiFrameType.Finish:
                        Capture(frame);
                        _upstreamFinishReason = frame.FinishReason;
                        return true;
                    case UiFrameType.Done:
                        return true;
                    case UiFrameType.Error:
                        failure = new UpstreamErrorFrameException(frame.Text);
                        return false;
                    case UiFrameType.Abort:
                        failure = new UpstreamAbortFrameException();
                        return false;
                    case UiFrameType.Malformed:
                        _outcome.BadFrames++;
                        _observer?.OnBadFrame(_outcome.BadFrames);
                        if (_outcome.BadFrames > _options.MaxBadFrames) failure = new UpstreamMalformedException("a data line was not JSON");
                        return false;
                    case UiFrameType.UpstreamTool:
                        _observer?.OnUpstreamToolFrame();
                        return false;
                    default:
                        return false;
                }
            }

            /// <summary>
            /// Passes a delta on (to the tool transform, or as reasoning) holding a trailing high surrogate back until
            /// the next delta brings its low half, so an emoji split across frames is not turned into two replacement
            /// characters.
            /// </summary>
            private void PushText(scoped ReadOnlySpan<char> text, ref char pendingHigh, bool reasoning)
            {
                if (text.IsEmpty) return;
                char[]? rented = null;
                if (pendingHigh != '\0')
                {
                    // Rare (a pair split across frames): the held half goes out in front of this delta, in one piece.
                    var joined = text.Length < 256 ? stackalloc char[text.Length + 1] : (rented = ArrayPool<char>.Shared.Rent(text.Length + 1));
                    joined[0] = pendingHigh;
                    text.CopyTo(joined[1..]);
                    text = joined[..(text.Length + 1)];
                    pendingHigh = '\0';
                }
                if (char.IsHighSurrogate(text[^1]))
                {
                    pendingHigh = text[^1];
                    text = text[..^1];
                }
                if (!text.IsEmpty)
                {
                    if (reasoning) _sink.Reasoning(text);
                    else _transform.Push(text, _sink);
                }
                if (rented is not null) ArrayPool<char>.Shared.Return(rented);
            }

            private void Capture(in UiFrame frame)
            {
                _upstreamUsage = frame.Usage ?? _upstreamUsage;
                if (_idsCaptured) return;
                var session = frame.SessionId ?? (_options.SessionFromExchangeId ? frame.ExchangeId : null);
                if (session is null && frame.ExchangeId is null) return;
                _idsCaptured = true;
                _outcome.SessionId = session;
                _outcome.ExchangeId = frame.ExchangeId;
                if (session is not null) _output.SessionKnown(session);
                _observer?.OnSessionIds(session, frame.ExchangeId);
            }

            /// <summary>Normal end: flush the transform, decide finish_reason and usage, write the end.</summary>
            private void Complete()
            {
                if (_pendingTextHigh != '\0') _transform.Push([_pendingTextHigh], _sink);
                _transform.Complete(_sink);
                _stops?.Flush();
                var stopSequence = _stops?.Matched;
                // After a stop sequence the rest of the answer (calls included) was dropped: only calls already sent count.
                _outcome.ToolCalls = stopSequence is null ? _transform.ToolCallCount : _stops!.ToolCallsPassed;
                string finish;
                if (stopSequence is not null)
                    finish = _outcome.ToolCalls == 0 ? "stop" : _options.LegacyFunctions ? "function_call" : "tool_calls";
                else if (_transform is ToolProtocolTransform { EndedMidCall: true } || _upstreamFinishReason is "length" or "max_tokens")
                    // Cut by the length limit, possibly inside a call's arguments: never pretend the call is whole.
                    finish = "length";
                else if (_transform.ToolCallCount > 0)
                    finish = _options.LegacyFunctions ? "function_call" : "tool_calls";
                else
                    finish = "stop";
                var reported = _upstreamUsage ?? default;
                _outcome.UpstreamReportedUsage = !reported.IsEmpty;
                // Never all zeros: whatever side the upstream did not report is our estimate.
                var usage = new UsageFigures(
                    reported.PromptTokens > 0 ? reported.PromptTokens : Math.Max(1, _options.PromptTokenEstimate),
                    reported.CompletionTokens > 0 ? reported.CompletionTokens : _output.EstimatedCompletionTokens);
                _outcome.Usage = usage;
                _outcome.FinishReason = finish;
                _output.Finish(finish, usage, finish == "stop" ? stopSequence : null);
            }
        }
    }
}
