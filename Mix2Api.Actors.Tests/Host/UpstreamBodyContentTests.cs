using Mix2Api.Host.Upstream;

namespace Mix2Api.Tests.Host;

/// <summary>
/// The upstream request body goes out whole, with its length, and in slices no larger than the HTTP connection's write
/// buffer, so the connection copies it instead of handing our array to the socket (which would keep it afterwards).
/// </summary>
public sealed class UpstreamBodyContentTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(UpstreamBodyContent.SliceBytes)]
    [InlineData(UpstreamBodyContent.SliceBytes + 1)]
    [InlineData(300_000)]
    public async Task The_body_is_written_whole_with_its_length_in_slices_below_the_write_buffer(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        using var content = new UpstreamBodyContent(body);
        var sink = new RecordingStream();

        await content.CopyToAsync(sink);

        Assert.Equal(length, content.Headers.ContentLength);
        Assert.Equal(body, sink.Written.ToArray());
        Assert.All(sink.Writes, n => Assert.InRange(n, 1, UpstreamBodyContent.SliceBytes));
        Assert.True(UpstreamBodyContent.SliceBytes < 4096, "a slice must fit SocketsHttpHandler's 4 KiB write buffer");
    }

    private sealed class RecordingStream : Stream
    {
        public MemoryStream Written { get; } = new();
        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written.Length;
        public override long Position { get => Written.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
