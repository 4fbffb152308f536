using Microsoft.AspNetCore.Http;
using Mix2Api.Host.Endpoints;

namespace Mix2Api.Tests.Host;

/// <summary>
/// Where a request continues after its body was read: a small one where its socket completed, a large one on the
/// thread pool, so an epoll thread (inline socket completions) is never held by parsing a long conversation.
/// </summary>
public sealed class RequestBodyReaderTests
{
    [Fact]
    public async Task A_large_body_read_off_the_thread_pool_is_processed_on_the_thread_pool()
    {
        var (body, onPool) = await ReadOnOwnThread(RequestBodyReader.OffloadBytes);

        Assert.Equal(RequestBodyReader.OffloadBytes, body!.Length);
        Assert.Equal((byte)'x', body[^1]);
        Assert.True(onPool, "the request went on on the thread that read the socket");
    }

    [Fact]
    public async Task A_small_body_is_processed_where_it_was_read()
    {
        var (body, onPool) = await ReadOnOwnThread(RequestBodyReader.OffloadBytes - 1);

        Assert.Equal(RequestBodyReader.OffloadBytes - 1, body!.Length);
        Assert.False(onPool, "a small body paid a thread hop");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_whatever_its_declared_length()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[1001]);
        context.Request.ContentLength = 10;

        Assert.Null(await RequestBodyReader.ReadAsync(context.Request, 1000, CancellationToken.None));
    }

    /// <summary>Reads on a thread that is not the pool's (as an epoll thread is not) and says where reading ended.</summary>
    private static Task<(byte[]? Body, bool OnPool)> ReadOnOwnThread(int size)
    {
        var done = new TaskCompletionSource<(byte[]?, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => _ = Read());
        thread.Start();
        return done.Task;

        async Task Read()
        {
            try
            {
                var bytes = new byte[size];
                bytes.AsSpan().Fill((byte)'x');
                var context = new DefaultHttpContext();
                context.Request.Body = new MemoryStream(bytes);
                // As the endpoints do it.
                var body = await RequestBodyReader.ReadAsync(context.Request, 1024 * 1024, CancellationToken.None);
                if (RequestBodyReader.ShouldOffload(body)) await Task.Yield();
                done.SetResult((body, Thread.CurrentThread.IsThreadPoolThread));
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }
}
