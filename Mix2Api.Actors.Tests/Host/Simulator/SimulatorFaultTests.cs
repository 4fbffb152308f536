using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Host.Simulator;

public class SimulatorFaultTests
{
    [Fact]
    public async Task Drop_after_the_client_read_the_first_delta_gives_the_client_an_IOException()
    {
        await using var server = await SimulatorServer.StartAsync();
        var gate = new SimGate();
        server.Simulator.Enqueue(new SimScript("drop", [.. SimScripts.StallAfterFirstChunk().Steps.SkipLast(1), new SimStep.WaitGate(gate), new SimStep.Drop()]));
        using var client = SimHttp.Client(server);
        using var response = await client.SendAsync(SimHttp.Chat("hi"), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var reader = new SseStreamReader(stream);
        while ((await reader.NextAsync())?.Data is { } data && !data.Contains("text-delta")) { }

        gate.Open();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => reader.NextAsync());
        var end = await (await server.Simulator.NextExchangeAsync(SimHttp.Patience)).WhenEnded.WaitAsync(SimHttp.Patience);

        Assert.True(error is IOException || error.InnerException is IOException, $"expected an I/O error, got {error}");
        Assert.Equal(SimulatedEndKind.Dropped, end.Kind);
    }

    [Fact]
    public async Task Drop_directive_breaks_the_response_with_an_IOException()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await client.SendAsync(SimHttp.Chat("[[sim:fault kind=drop after_ms=0]]"), HttpCompletionOption.ResponseHeadersRead);
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
        });
        var end = await (await server.Simulator.NextExchangeAsync(SimHttp.Patience)).WhenEnded.WaitAsync(SimHttp.Patience);

        Assert.True(error is IOException || error.InnerException is IOException, $"expected an I/O error, got {error}");
        Assert.Equal(SimulatedEndKind.Dropped, end.Kind);
    }

    [Fact]
    public async Task Client_leaving_a_stalled_stream_is_reported_as_peer_closed()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        var response = await client.SendAsync(SimHttp.Chat("[[sim:fault kind=stall]]"), HttpCompletionOption.ResponseHeadersRead);
        var reader = new SseStreamReader(await response.Content.ReadAsStreamAsync());
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);
        while ((await reader.NextAsync())?.Data is { } data && !data.Contains("text-delta")) { }

        response.Dispose();
        var end = await exchange.WhenEnded.WaitAsync(SimHttp.Patience);

        Assert.Equal(SimulatedEndKind.PeerClosed, end.Kind);
        Assert.True(end.Timestamp >= exchange.StartedTimestamp);
        Assert.Equal(4, end.StepsFlushed); // start, start-step, text-start, the delta: the stall never completes
    }

    [Fact]
    public async Task Client_leaving_a_paced_stream_is_reported_as_peer_closed_before_the_script_ends()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        var response = await client.SendAsync(SimHttp.Chat("[[sim:long chunks=1000 delay_ms=20]]"), HttpCompletionOption.ResponseHeadersRead);
        var reader = new SseStreamReader(await response.Content.ReadAsStreamAsync());
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);
        while ((await reader.NextAsync())?.Data is { } data && !data.Contains("text-delta")) { }

        response.Dispose();
        var end = await exchange.WhenEnded.WaitAsync(SimHttp.Patience);

        Assert.Equal(SimulatedEndKind.PeerClosed, end.Kind);
        Assert.True(end.PeerClosed);
        Assert.True(end.StepsFlushed < exchange.Script.Steps.Count);
    }

    [Theory]
    [InlineData(401, null)]
    [InlineData(429, "7")]
    [InlineData(500, null)]
    [InlineData(502, null)]
    [InlineData(503, null)]
    public async Task Status_faults_reply_with_the_status_and_an_error_body(int status, string? retryAfter)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        var directive = retryAfter is null ? $"[[sim:fault kind=status code={status}]]" : $"[[sim:fault kind=status code={status} retry_after={retryAfter}]]";

        using var response = await client.SendAsync(SimHttp.Chat(directive));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("""{"error":{"message":"simulated upstream failure"}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
    }

    [Theory]
    [InlineData("error", "error")]
    [InlineData("abort", "abort")]
    public async Task Error_and_abort_frames_end_the_stream_after_partial_text(string kind, string lastType)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        var sse = await SimHttp.SendAndReadAsync(client, SimHttp.Chat($"[[sim:fault kind={kind}]]"));

        Assert.Equal(["start", "start-step", "text-start", "text-delta", lastType], sse.Types);
        Assert.Equal("[DONE]", sse.Data[^1]);
        if (kind == "error") Assert.Equal("simulated upstream error", sse.Frame("error").GetProperty("errorText").GetString());
    }

    [Fact]
    public async Task Bad_line_fault_puts_one_non_json_data_line_in_an_otherwise_normal_answer()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        using var response = await client.SendAsync(SimHttp.Chat("[[sim:fault kind=badline line=garbage]]"), HttpCompletionOption.ResponseHeadersRead);
        var events = SseEvent.ParseAll(await response.Content.ReadAsStringAsync());

        Assert.Single(events, e => e.Data == "garbage");
        Assert.Equal("[DONE]", events[^1].Data);
        Assert.Contains(events, e => e.Data?.Contains("\"before \"") == true);
        Assert.Contains(events, e => e.Data?.Contains("\"after\"") == true);
    }

    [Fact]
    public async Task Slow_drip_delivers_a_complete_answer_one_byte_per_write()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        var sse = await SimHttp.SendAndReadAsync(client, SimHttp.Chat("[[sim:fault kind=drip delay_ms=0 text=\"slow one\"]]"));

        Assert.Equal("slow one", sse.Deltas());
        Assert.Equal(["start", "start-step", "text-start", "text-delta", "text-delta", "text-end", "finish-step", "finish"], sse.Types);
        Assert.Equal("[DONE]", sse.Data[^1]);
    }

    [Fact]
    public async Task Truncated_stream_ends_cleanly_without_finish_or_DONE()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        var sse = await SimHttp.SendAndReadAsync(client, SimHttp.Chat("[[sim:fault kind=truncated]]"));

        Assert.Equal(["start", "start-step", "text-start", "text-delta"], sse.Types);
        Assert.DoesNotContain("[DONE]", sse.Data);
    }

    [Fact]
    public async Task First_content_reaches_the_client_before_the_upstream_sends_its_second_text_frame()
    {
        await using var server = await SimulatorServer.StartAsync();
        var gate = new SimGate();
        server.Simulator.Enqueue(SimScripts.Gated(gate, "first ", "second"));
        using var client = SimHttp.Client(server);
        using var response = await client.SendAsync(SimHttp.Chat("hi"), HttpCompletionOption.ResponseHeadersRead);
        var reader = new SseStreamReader(await response.Content.ReadAsStreamAsync());

        SseEvent? e;
        while ((e = await reader.NextAsync()) is not null && e.Data?.Contains("text-delta") != true) { }
        Assert.Contains("\"first \"", e!.Data);
        Assert.False(gate.IsOpen);
        await gate.WhenReached.WaitAsync(SimHttp.Patience);
        gate.Open();
        var rest = new List<string>();
        while ((e = await reader.NextAsync()) is not null) rest.Add(e.Data!);

        Assert.Contains(rest, d => d.Contains("\"second\""));
        Assert.Equal("[DONE]", rest[^1]);
    }

    [Fact]
    public async Task WhenStepFlushed_completes_as_steps_are_written_and_faults_for_steps_never_reached()
    {
        await using var server = await SimulatorServer.StartAsync();
        var gate = new SimGate();
        server.Simulator.Enqueue(new SimScript("two", new SimStep.StartFrame(), new SimStep.WaitGate(gate), new SimStep.Done()));
        using var client = SimHttp.Client(server);
        var send = client.SendAsync(SimHttp.Chat("hi"));
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);

        await exchange.WhenStepFlushed(0).WaitAsync(SimHttp.Patience);
        var last = exchange.WhenStepFlushed(2);
        var never = exchange.WhenStepFlushed(5);
        Assert.False(last.IsCompleted);
        gate.Open();
        await last.WaitAsync(SimHttp.Patience);
        (await send).Dispose();
        await exchange.WhenEnded.WaitAsync(SimHttp.Patience);

        await Assert.ThrowsAsync<InvalidOperationException>(() => never.WaitAsync(SimHttp.Patience));
        Assert.Equal(SimulatedEndKind.Completed, (await exchange.WhenEnded).Kind);
    }

    [Fact]
    public async Task Stopping_the_server_ends_a_stalled_exchange_as_server_stopped()
    {
        var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        var send = client.SendAsync(SimHttp.Chat("[[sim:fault kind=stall]]"), HttpCompletionOption.ResponseHeadersRead);
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);
        await exchange.WhenStepFlushed(3).WaitAsync(SimHttp.Patience);

        await server.DisposeAsync();

        Assert.Equal(SimulatedEndKind.ServerStopped, (await exchange.WhenEnded.WaitAsync(SimHttp.Patience)).Kind);
        try { (await send).Dispose(); } catch (HttpRequestException) { }
    }
}
