using System.Buffers;
using System.IO.Pipelines;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// Reads the whole request body up to the size limit, without trusting Content-Length. A large body is to be handed
/// on to the thread pool (<see cref="ShouldOffload"/>): with inline socket completions (the host's default,
/// <see cref="Hosting.RuntimeSettings"/>) a request runs on the epoll thread its socket reported on, and what follows
/// the read (parsing, hashing the history, budgeting) grows with the body, time for which that thread's other
/// connections would wait.
/// </summary>
/// <remarks>
/// The hop is the caller's own <c>await Task.Yield()</c>, not one inside the read: a yield inside only moves the
/// read's tail, and when the pool finishes that before the caller reaches its await, the caller goes on where it was
/// (seen as one test run in twenty).
/// </remarks>
public static class RequestBodyReader
{
    /// <summary>Bodies from this size on are processed on the thread pool, not on an epoll thread.</summary>
    public const int OffloadBytes = 64 * 1024;

    /// <summary>The body, or null when it exceeds <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit) return null;
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True when the caller should <c>await Task.Yield()</c> before processing <paramref name="body"/>: it is large and this is not a pool thread.</summary>
    public static bool ShouldOffload(byte[]? body) => body is { Length: >= OffloadBytes } && !Thread.CurrentThread.IsThreadPoolThread;
}
