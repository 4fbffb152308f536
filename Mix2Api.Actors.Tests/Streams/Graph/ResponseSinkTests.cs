using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>The response sink: it asks for the next element only after the client took the last one (backpressure).</summary>
public class ResponseSinkTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public ResponseSinkTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    private static PooledBytes Bytes(int n, char c = 'x') => PooledBytes.Unpooled(Encoding.ASCII.GetBytes(new string(c, n)));

    [Fact]
    public async Task A_client_that_does_not_read_stops_the_demand_and_reading_resumes_it()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        // An input buffer of one: the probe sees the sink's demand, one element ahead.
        var (up, progress) = this.SourceProbe<PooledBytes>()
            .ToMaterialized(ResponseSink.Create(pipe.Writer).AddAttributes(Attributes.CreateInputBuffer(1, 1)), Keep.Both)
            .Run(_materializer);

        up.SendNext(Bytes(4096, 'a')); // more than the pipe takes: the sink now waits for the client
        up.SendNext(Bytes(10, 'b'));   // the one element the buffer holds
        // While the client reads nothing, nothing more is asked for.
        await up.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(progress.Started);

        var read = await pipe.Reader.ReadAsync();
        Assert.Equal(4096, read.Buffer.Length);
        pipe.Reader.AdvanceTo(read.Buffer.End);
        await up.ExpectRequestAsync(); // the client drained: demand flows again
        up.SendComplete();
        await progress.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        Assert.Equal("bbbbbbbbbb", await GraphRun.ReadToEndAsync(pipe.Reader));
    }

    [Fact]
    public async Task Heartbeats_before_the_upstream_answered_are_dropped_after_it_they_are_written()
    {
        var pipe = new Pipe();
        var reading = GraphRun.ReadToEndAsync(pipe.Reader);
        var progress = Source.From([OpenAiSseWriter.Heartbeat, PooledBytes.Empty, OpenAiSseWriter.Heartbeat])
            .RunWith(ResponseSink.Create(pipe.Writer), _materializer);
        await progress.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        Assert.Equal(": keep-alive\n\n", await reading);
    }

    [Fact]
    public async Task Nothing_written_means_not_started_so_a_failure_can_still_be_a_status()
    {
        var pipe = new Pipe();
        var progress = Source.From([OpenAiSseWriter.Heartbeat, PooledBytes.Empty]).Concat(Source.Failed<PooledBytes>(new UpstreamTruncatedException()))
            .RunWith(ResponseSink.Create(pipe.Writer), _materializer);
        await Assert.ThrowsAsync<UpstreamTruncatedException>(() => progress.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(progress.Started);
    }

    [Fact]
    public async Task A_closed_client_connection_fails_the_graph_with_client_write_failed()
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();
        var (up, progress) = this.SourceProbe<PooledBytes>().ToMaterialized(ResponseSink.Create(pipe.Writer), Keep.Both).Run(_materializer);
        up.SendNext(Bytes(10));
        await Assert.ThrowsAsync<ClientWriteFailedException>(() => progress.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        await up.ExpectCancellationAsync();
    }

    [Fact]
    public async Task A_failure_while_a_flush_is_pending_settles_the_flush_before_reporting()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var (up, progress) = this.SourceProbe<PooledBytes>().ToMaterialized(ResponseSink.Create(pipe.Writer), Keep.Both).Run(_materializer);
        up.SendNext(Bytes(4096));
        await up.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        up.SendError(new ClientAbortedException());
        await Assert.ThrowsAsync<ClientAbortedException>(() => progress.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        // The pipe is free again: the endpoint may write the terminal event now.
        pipe.Writer.Write("ok"u8);
        await pipe.Writer.FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }
}
