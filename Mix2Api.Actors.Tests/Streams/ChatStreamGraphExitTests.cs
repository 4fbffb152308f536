using System.Buffers;
using System.Text;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams;

/// <summary>One test per exit the graph itself decides, over in-memory upstream bodies and a manual clock.</summary>
public class ChatStreamGraphExitTests
{
    private const string Start = """{"type":"start","messageMetadata":{"sessionId":"s1"}}""";
    private const string Hello = """{"type":"text-delta","id":"t","delta":"Hello"}""";
    private const string Finish = """{"type":"finish"}""";

    private static MemoryStream Sse(params string[] data)
    {
        var sb = new StringBuilder();
        foreach (var d in data) sb.Append("data: ").Append(d).Append("\n\n");
        return new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static async Task<(StreamOutcome Outcome, ClientTranscript Client)> RunAsync(Stream upstream, GraphSettings? settings = null)
    {
        using var run = new GraphRun(settings);
        var (outcome, output) = await run.RunAsync(upstream);
        return (outcome, output.Length == 0 ? new ClientTranscript() : ClientTranscript.Parse(output));
    }

    [Fact]
    public async Task Finish_frame_completes_with_stop_usage_and_done()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, Finish, "[DONE]"));
        Assert.Equal(StreamExit.Completed, outcome.Exit);
        Assert.Equal("Hello", client.Content);
        Assert.Equal("stop", client.FinishReason);
        Assert.True(client.DoneLast);
        Assert.Equal("s1", outcome.SessionId);
    }

    [Fact]
    public async Task Done_without_finish_still_completes()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, "[DONE]"));
        Assert.Equal(StreamExit.Completed, outcome.Exit);
        Assert.Equal("stop", client.FinishReason);
        Assert.True(client.DoneLast);
    }

    [Fact]
    public async Task End_of_body_without_finish_or_done_is_truncated_and_never_fakes_stop()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello));
        Assert.Equal(StreamExit.UpstreamTruncated, outcome.Exit);
        Assert.Null(client.FinishReason);
        Assert.Equal(0, client.DoneCount);
    }

    [Fact]
    public async Task Error_frame_ends_with_upstream_error_and_keeps_its_text()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, """{"type":"error","errorText":"model overloaded"}""", Finish));
        Assert.Equal(StreamExit.UpstreamErrorFrame, outcome.Exit);
        Assert.Equal("model overloaded", outcome.Detail);
        Assert.Null(client.FinishReason);
    }

    [Fact]
    public async Task Abort_frame_ends_with_upstream_abort()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, """{"type":"abort"}"""));
        Assert.Equal(StreamExit.UpstreamAbortFrame, outcome.Exit);
        Assert.Null(client.FinishReason);
    }

    [Fact]
    public async Task Non_json_line_fails_the_request_by_default()
    {
        var (outcome, _) = await RunAsync(Sse(Start, "<html>oops</html>", Hello, Finish));
        Assert.Equal(StreamExit.UpstreamProtocolError, outcome.Exit);
        Assert.Equal(1, outcome.BadFrames);
    }

    [Fact]
    public async Task Non_json_line_within_the_tolerance_is_skipped()
    {
        var (outcome, client) = await RunAsync(Sse(Start, "<html>oops</html>", Hello, Finish), new GraphSettings { MaxBadFrames = 1 });
        Assert.Equal(StreamExit.Completed, outcome.Exit);
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
        var (outcome, client) = await RunAsync(upstream, new GraphSettings { MaxFrameBytes = 1024 });
        Assert.Equal(StreamExit.UpstreamProtocolError, outcome.Exit);
        Assert.Contains("1024", outcome.Detail);
        Assert.DoesNotContain("xxxx", client.Content);
    }

    [Theory]
    [InlineData("""{"type":"finish","finishReason":"length"}""")]
    [InlineData("""{"type":"finish","messageMetadata":{"finishReason":"max_tokens"}}""")]
    public async Task Length_finish_reason_completes_at_length(string finish)
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, finish, "[DONE]"));
        Assert.Equal(StreamExit.CompletedAtLength, outcome.Exit);
        Assert.Equal("length", client.FinishReason);
        Assert.Equal("length", outcome.FinishReason);
    }

    [Fact]
    public async Task Usage_is_estimated_never_all_zeros_when_the_upstream_sends_none()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, Finish));
        Assert.False(outcome.UpstreamReportedUsage);
        var usage = client.Usage!.Value;
        Assert.Equal(7, usage.Prompt); // GraphRun's prompt estimate
        Assert.True(usage.Completion > 0);
        Assert.Equal(usage.Prompt + usage.Completion, usage.Total);
    }

    [Fact]
    public async Task Usage_sides_the_upstream_reports_as_zero_are_filled_by_estimates()
    {
        var (outcome, client) = await RunAsync(Sse(Start, Hello, """{"type":"finish","usage":{"inputTokens":0,"outputTokens":9}}"""));
        Assert.True(outcome.UpstreamReportedUsage);
        Assert.Equal((7, 9, 16), client.Usage);
    }

    [Fact]
    public async Task Quiet_upstream_times_out_as_idle()
    {
        var idle = TimeSpan.FromSeconds(30);
        using var run = new GraphRun(new GraphSettings { HeartbeatInterval = TimeSpan.Zero }, idle: idle);
        var upstream = new GatedStream();
        upstream.Push($"data: {Start}\n\ndata: {Hello}\n\n");
        var running = run.RunAsync(upstream);

        await upstream.Waiting;
        run.Time.Advance(idle);
        var (outcome, output) = await running;

        Assert.Equal(StreamExit.UpstreamIdleTimedOut, outcome.Exit);
        Assert.Equal("Hello", ClientTranscript.Parse(output).Content);
    }

    [Fact]
    public async Task Silent_upstream_before_any_byte_times_out_as_first_byte()
    {
        using var run = new GraphRun(new GraphSettings { HeartbeatInterval = TimeSpan.Zero }, idle: TimeSpan.FromSeconds(30));
        var upstream = new GatedStream();
        var running = run.RunAsync(upstream);

        await upstream.Waiting;
        run.Time.Advance(TimeSpan.FromSeconds(30));
        var (outcome, _) = await running;

        Assert.Equal(StreamExit.UpstreamFirstByteTimedOut, outcome.Exit);
    }

    [Fact]
    public async Task Heartbeat_comment_is_written_when_the_client_heard_nothing_for_the_interval()
    {
        var interval = TimeSpan.FromSeconds(15);
        using var run = new GraphRun(new GraphSettings { HeartbeatInterval = interval }, idle: TimeSpan.FromMinutes(10));
        var upstream = new GatedStream();
        upstream.Push($"data: {Start}\n\n");
        var running = run.Graph.RunAsync(upstream);

        // The deadlines' activity timer plus the heartbeat delay.
        await run.Time.WhenArmedTimers(2);
        run.Time.Advance(interval);
        var first = await run.Pipe.Reader.ReadAsync();
        var text = Encoding.UTF8.GetString(first.Buffer.ToArray());
        run.Pipe.Reader.AdvanceTo(first.Buffer.End);
        Assert.Equal(": keep-alive\n\n", text);

        upstream.Push($"data: {Hello}\n\ndata: {Finish}\n\n");
        var outcome = await running;
        await run.Pipe.Writer.CompleteAsync();
        var rest = ClientTranscript.Parse(await GraphRun.ReadToEndAsync(run.Pipe.Reader));

        Assert.Equal(StreamExit.Completed, outcome.Exit);
        Assert.Equal("Hello", rest.Content);
        Assert.True(rest.DoneLast);
    }

    [Fact]
    public async Task Client_that_went_away_ends_the_run_as_client_disconnected()
    {
        using var run = new GraphRun();
        await run.Pipe.Reader.CompleteAsync();
        var outcome = await run.Graph.RunAsync(Sse(Start, Hello, Finish, "[DONE]"));
        Assert.Equal(StreamExit.ClientDisconnected, outcome.Exit);
    }

    [Fact]
    public async Task Client_that_went_away_while_waiting_for_upstream_ends_the_run_as_client_disconnected()
    {
        using var run = new GraphRun();
        await run.Pipe.Reader.CompleteAsync();
        var upstream = new GatedStream();
        upstream.Push($"data: {Start}\n\ndata: {Hello}\n\n");
        var outcome = await run.Graph.RunAsync(upstream);
        Assert.Equal(StreamExit.ClientDisconnected, outcome.Exit);
    }
}
