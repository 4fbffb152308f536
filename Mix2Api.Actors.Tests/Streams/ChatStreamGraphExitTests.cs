using System.IO.Pipelines;
using System.Text;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;
using static Mix2Api.Tests.Support.UiStream;

namespace Mix2Api.Tests.Streams;

/// <summary>
/// One test per way a request graph ends, over in-memory upstream bodies on a real ActorSystem: each asserts
/// the exact exit Supervision decides and what the client received. Deadlines are short real times; the
/// tests wait for outcomes, never for durations.
/// </summary>
public class ChatStreamGraphExitTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private static MemoryStream Sse(params string[] data) => new(Encoding.UTF8.GetBytes(SseText(data)));

    private static async Task<(ExitDecision Decision, StreamOutcome Outcome, ClientTranscript Client)> RunAsync(Stream upstream, GraphSettings? settings = null)
    {
        var (decision, outcome, output) = await new GraphRun(settings).RunAsync(upstream);
        return (decision, outcome, output.Length == 0 ? new ClientTranscript() : ClientTranscript.Parse(output));
    }

    [Fact]
    public async Task Finish_frame_completes_with_stop_usage_and_done()
    {
        var (decision, outcome, client) = await RunAsync(Sse(Start, Hello, Finish, "[DONE]"));
        Assert.Equal(StreamExit.Completed, decision.Exit);
        Assert.Equal(EndReason.Stop, decision.Verdict.Reason);
        Assert.Equal("Hello", client.Content);
        Assert.Equal("stop", client.FinishReason);
        Assert.True(client.DoneLast);
        Assert.Equal("s1", outcome.SessionId);
    }

    [Fact]
    public async Task Done_without_finish_still_completes()
    {
        var (decision, _, client) = await RunAsync(Sse(Start, Hello, "[DONE]"));
        Assert.Equal(StreamExit.Completed, decision.Exit);
        Assert.Equal("stop", client.FinishReason);
        Assert.True(client.DoneLast);
    }

    [Fact]
    public async Task End_of_body_without_finish_or_done_is_truncated_and_never_fakes_stop()
    {
        var (decision, _, client) = await RunAsync(Sse(Start, Hello));
        Assert.Equal(StreamExit.UpstreamTruncated, decision.Exit);
        Assert.Equal(EndReason.UpstreamError, decision.Verdict.Reason);
        Assert.Null(client.FinishReason);
        Assert.Equal(0, client.DoneCount);
    }

    [Fact]
    public async Task Error_frame_ends_with_upstream_error_and_keeps_its_text_after_the_text_before_it()
    {
        var (decision, _, client) = await RunAsync(Sse(Start, Hello, """{"type":"error","errorText":"model overloaded"}""", Finish));
        Assert.Equal(StreamExit.UpstreamErrorFrame, decision.Exit);
        Assert.Equal("model overloaded", decision.Detail);
        Assert.Contains("model overloaded", decision.Verdict.Error!.Message);
        Assert.Equal("Hello", client.Content);
        Assert.Null(client.FinishReason);
    }

    [Fact]
    public async Task Abort_frame_ends_with_upstream_abort()
    {
        var (decision, _, client) = await RunAsync(Sse(Start, Hello, """{"type":"abort"}"""));
        Assert.Equal(StreamExit.UpstreamAbortFrame, decision.Exit);
        Assert.Null(client.FinishReason);
    }

    [Fact]
    public async Task Non_json_line_fails_the_request_by_default()
    {
        var (decision, outcome, _) = await RunAsync(Sse(Start, "<html>oops</html>", Hello, Finish));
        Assert.Equal(StreamExit.UpstreamProtocolError, decision.Exit);
        Assert.Equal(EndReason.AdapterError, decision.Verdict.Reason);
        Assert.Equal(1, outcome.BadFrames);
    }

    [Fact]
    public async Task Non_json_line_within_the_tolerance_is_skipped()
    {
        var (decision, outcome, client) = await RunAsync(Sse(Start, "<html>oops</html>", Hello, Finish), new GraphSettings { MaxBadFrames = 1 });
        Assert.Equal(StreamExit.Completed, decision.Exit);
        Assert.Equal(1, outcome.BadFrames);
        Assert.Equal("Hello", client.Content);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task Over_long_line_is_a_protocol_error_not_unbounded_buffering(int trickle)
    {
        var huge = """{"type":"text-delta","delta":""" + "\"" + new string('x', 5000) + "\"}";
        var body = Sse(Start, huge, Finish);
        Stream upstream = trickle == 0 ? body : new TrickleStream(body.ToArray(), trickle);
        var (decision, _, client) = await RunAsync(upstream, new GraphSettings { MaxFrameBytes = 1024 });
        Assert.Equal(StreamExit.UpstreamProtocolError, decision.Exit);
        Assert.Contains("1024", decision.Detail);
        Assert.DoesNotContain("xxxx", client.Content);
    }

    [Theory]
    [InlineData("""{"type":"finish","finishReason":"length"}""")]
    [InlineData("""{"type":"finish","messageMetadata":{"finishReason":"max_tokens"}}""")]
    public async Task Length_finish_reason_completes_at_length(string finish)
    {
        var (decision, outcome, client) = await RunAsync(Sse(Start, Hello, finish, "[DONE]"));
        Assert.Equal(StreamExit.CompletedAtLength, decision.Exit);
        Assert.Equal("length", client.FinishReason);
        Assert.Equal("length", outcome.FinishReason);
    }

    [Fact]
    public async Task Usage_is_estimated_never_all_zeros_when_the_upstream_sends_none()
    {
        var (_, outcome, client) = await RunAsync(Sse(Start, Hello, Finish));
        Assert.False(outcome.UpstreamReportedUsage);
        var usage = client.Usage!.Value;
        Assert.Equal(7, usage.Prompt); // GraphRun's prompt estimate
        Assert.True(usage.Completion > 0);
        Assert.Equal(usage.Prompt + usage.Completion, usage.Total);
    }

    [Fact]
    public async Task Usage_sides_the_upstream_reports_as_zero_are_filled_by_estimates()
    {
        var (_, outcome, client) = await RunAsync(Sse(Start, Hello, """{"type":"finish","usage":{"inputTokens":0,"outputTokens":9}}"""));
        Assert.True(outcome.UpstreamReportedUsage);
        Assert.Equal((7, 9, 16), client.Usage);
    }

    [Fact]
    public async Task Quiet_upstream_times_out_as_idle_and_the_client_keeps_what_it_got()
    {
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello));
        var (decision, _, client) = await RunAsync(upstream, new GraphSettings { HeartbeatInterval = TimeSpan.Zero, FirstByteTimeout = Long, IdleTimeout = Short });

        Assert.Equal(StreamExit.UpstreamIdleTimedOut, decision.Exit);
        Assert.Equal(EndReason.Timeout, decision.Verdict.Reason);
        Assert.Equal("Hello", client.Content);
        await upstream.ReadCancelled.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Silent_upstream_before_any_byte_times_out_as_first_byte_with_nothing_written()
    {
        var run = new GraphRun(new GraphSettings { HeartbeatInterval = TimeSpan.FromMilliseconds(20), FirstByteTimeout = Short, IdleTimeout = Long });
        var started = run.Start(new GatedStream());
        var decision = await started.EndAsync();

        Assert.Equal(StreamExit.UpstreamFirstByteTimedOut, decision.Exit);
        Assert.Equal(504, decision.Verdict.HttpStatus);
        // Heartbeats were due many times over, but one byte would have turned the 504 into a 200.
        Assert.False(started.Response.Started);
        await run.Pipe.Writer.CompleteAsync();
        Assert.Equal("", await GraphRun.ReadToEndAsync(run.Pipe.Reader));
    }

    [Fact]
    public async Task Upstream_that_never_answers_times_out_as_first_byte_and_its_call_is_cancelled()
    {
        var callCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new GraphRun(new GraphSettings { FirstByteTimeout = Short, IdleTimeout = Long });
        var started = run.Start(async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // The call itself saw the cancellation (a registration disposed with the call could miss it).
                callCancelled.TrySetResult();
                throw;
            }
            throw new InvalidOperationException("unreachable");
        });
        Assert.Equal(StreamExit.UpstreamFirstByteTimedOut, (await started.EndAsync()).Exit);
        await callCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Total_deadline_ends_an_active_stream_as_total_timeout()
    {
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello));
        var (decision, _, client) = await RunAsync(upstream, new GraphSettings
        {
            HeartbeatInterval = TimeSpan.Zero, FirstByteTimeout = Long, IdleTimeout = Long, TotalTimeout = Short,
        });
        Assert.Equal(StreamExit.TotalTimedOut, decision.Exit);
        Assert.Equal("Upstream timeout (total)", decision.Verdict.Error!.Message);
        Assert.Equal("Hello", client.Content);
    }

    [Fact]
    public async Task Typed_upstream_call_failures_become_their_exits()
    {
        async Task<StreamExit> ExitOf(Exception failure)
        {
            var run = new GraphRun();
            var started = run.Start(_ => Task.FromException<Stream>(failure));
            return (await started.EndAsync()).Exit;
        }
        Assert.Equal(StreamExit.UpstreamConnectFailed, await ExitOf(new UpstreamConnectException(false, "ConnectionError", null)));
        Assert.Equal(StreamExit.UpstreamConnectTimedOut, await ExitOf(new UpstreamConnectException(true, null, null)));
        Assert.Equal(StreamExit.UpstreamRateLimited, await ExitOf(new UpstreamStatusException(429, TimeSpan.FromSeconds(3))));
        Assert.Equal(StreamExit.UpstreamAuthRejected, await ExitOf(new UpstreamStatusException(401, null)));
        Assert.Equal(StreamExit.UpstreamHttpError, await ExitOf(new UpstreamStatusException(500, null)));
        Assert.Equal(StreamExit.CredentialUnavailable, await ExitOf(new UpstreamCredentialUnavailableException()));
        Assert.Equal(StreamExit.AdapterFault, await ExitOf(new InvalidOperationException("a bug")));
    }

    [Fact]
    public async Task Upstream_read_failure_mid_stream_is_upstream_body_failed()
    {
        var body = Encoding.UTF8.GetBytes(SseText(Start, Hello));
        var (decision, _, client) = await RunAsync(new FailingStream(body));
        Assert.Equal(StreamExit.UpstreamBodyFailed, decision.Exit);
        Assert.Equal("Hello", client.Content);
    }

    [Fact]
    public async Task Heartbeat_comment_is_written_while_the_client_heard_nothing_once_the_upstream_answered()
    {
        var run = new GraphRun(new GraphSettings { HeartbeatInterval = TimeSpan.FromMilliseconds(100), FirstByteTimeout = Long, IdleTimeout = Long });
        var upstream = new GatedStream();
        upstream.Push(SseText(Start));
        var started = run.Start(upstream);

        var first = await run.Pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var text = Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(first.Buffer));
        run.Pipe.Reader.AdvanceTo(first.Buffer.End);
        Assert.StartsWith(": keep-alive\n\n", text);

        upstream.Push(SseText(Hello, Finish));
        var reading = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var decision = await started.EndAsync();
        await run.Pipe.Writer.CompleteAsync();
        var rest = ClientTranscript.Parse(await reading);

        Assert.Equal(StreamExit.Completed, decision.Exit);
        Assert.Equal("Hello", rest.Content);
        Assert.True(rest.DoneLast);
        await started.Upstream.DisposeAsync();
    }

    [Fact]
    public async Task Kill_switch_abort_ends_the_run_as_client_disconnected_and_cancels_the_upstream_read()
    {
        var run = new GraphRun();
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello));
        var reading = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var started = run.Start(upstream);
        await upstream.Waiting.WaitAsync(TimeSpan.FromSeconds(10));

        started.Abort(new ClientAbortedException());
        var decision = await started.EndAsync();

        Assert.Equal(StreamExit.ClientDisconnected, decision.Exit);
        Assert.Equal(EndReason.ClientAbort, decision.Verdict.Reason);
        // The upstream connection is given up at once, not after a deadline.
        await upstream.ReadCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        await run.Pipe.Writer.CompleteAsync();
        Assert.Equal("Hello", ClientTranscript.Parse(await reading).Content);
    }

    [Fact]
    public async Task Shutdown_kill_switch_ends_the_run_as_shutting_down()
    {
        var run = new GraphRun();
        var upstream = new GatedStream();
        upstream.Push(SseText(Start));
        _ = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var started = run.Start(upstream);
        await upstream.Waiting.WaitAsync(TimeSpan.FromSeconds(10));
        started.Abort(new NodeShuttingDownException());
        Assert.Equal(StreamExit.ShuttingDown, (await started.EndAsync()).Exit);
    }

    [Fact]
    public async Task Client_whose_connection_is_closed_fails_the_write_as_client_write_failed()
    {
        var run = new GraphRun();
        await run.Pipe.Reader.CompleteAsync();
        var decision = await run.Start(Sse(Start, Hello, Finish, "[DONE]")).EndAsync();
        Assert.Equal(StreamExit.ClientWriteFailed, decision.Exit);
        Assert.Equal(EndReason.ClientAbort, decision.Verdict.Reason);
    }

    [Fact]
    public async Task Client_that_went_away_while_waiting_for_upstream_is_client_write_failed_at_the_next_write()
    {
        var run = new GraphRun();
        await run.Pipe.Reader.CompleteAsync();
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello));
        Assert.Equal(StreamExit.ClientWriteFailed, (await run.Start(upstream).EndAsync()).Exit);
    }

    [Fact]
    public async Task A_slow_client_is_not_an_idle_upstream_and_gets_everything()
    {
        // A tiny pipe: the sink waits for the client after a few KB, for much longer than the idle timeout.
        var run = new GraphRun(new GraphSettings { IdleTimeout = TimeSpan.FromMilliseconds(200), FirstByteTimeout = Long, HeartbeatInterval = TimeSpan.Zero },
            pipe: new PipeOptions(pauseWriterThreshold: 2048, resumeWriterThreshold: 1024));
        var frames = new List<string> { Start };
        for (var i = 0; i < 300; i++) frames.Add($$"""{"type":"text-delta","id":"t","delta":"chunk-{{i}} {{new string('x', 64)}}"}""");
        frames.Add(Finish);
        var started = run.Start(Sse([.. frames]));

        await Task.Delay(TimeSpan.FromSeconds(1)); // the client reads nothing, far past the idle timeout
        Assert.False(started.Response.Completion.IsCompleted);
        var reading = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var decision = await started.EndAsync();
        await run.Pipe.Writer.CompleteAsync();
        var output = await reading;

        Assert.Equal(StreamExit.Completed, decision.Exit);
        var client = ClientTranscript.Parse(output);
        Assert.Contains("chunk-299", client.Content);
        Assert.True(client.DoneLast);
    }

    [Fact]
    public async Task After_finish_the_late_done_is_read_to_the_end_of_the_body_then_the_body_is_released()
    {
        var run = new GraphRun();
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello, Finish));
        var reading = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var started = run.Start(upstream);
        Assert.Equal(StreamExit.Completed, (await started.EndAsync()).Exit);
        await run.Pipe.Writer.CompleteAsync();
        Assert.True(ClientTranscript.Parse(await reading).DoneLast); // the client has everything before [DONE] arrives

        var draining = started.Upstream.DrainAsync(TimeSpan.FromSeconds(10), 64 * 1024);
        upstream.Push("data: [DONE]\n\n");
        upstream.End();
        await draining.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(upstream.ReadToEnd);
        Assert.False(upstream.ReadCancelled.IsCompleted);
    }

    [Fact]
    public async Task A_drain_whose_budget_expires_cancels_the_read_instead_of_abandoning_it()
    {
        var run = new GraphRun();
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello, Finish));
        _ = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var started = run.Start(upstream);
        Assert.Equal(StreamExit.Completed, (await started.EndAsync()).Exit);

        await started.Upstream.DrainAsync(TimeSpan.FromMilliseconds(100), 64 * 1024).WaitAsync(TimeSpan.FromSeconds(10));
        await upstream.ReadCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        await run.Pipe.Writer.CompleteAsync();
    }

    /// <summary>Serves its bytes, then fails the next read as a connection reset would.</summary>
    private sealed class FailingStream(byte[] data) : ReadOnlyTestStream
    {
        private bool _served;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length == 0) return ValueTask.FromResult(0);
            if (_served) return ValueTask.FromException<int>(new IOException("connection reset by peer"));
            _served = true;
            data.CopyTo(buffer);
            return ValueTask.FromResult(data.Length);
        }
    }
}
