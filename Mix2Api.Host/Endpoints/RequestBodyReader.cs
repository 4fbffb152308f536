using System.Buffers;
using System.IO.Pipelines;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// Reads the whole request body up to the size limit, without trusting Content-Length. A large body is handed on
/// to the thread pool: with inline socket completions (the host's default, <see cref="Hosting.RuntimeSettings"/>) a
/// request runs on the epoll thread its socket reported on, and what follows the read (parsing, hashing the
/// history, budgeting) grows with the body, time for which that thread's other connections would wait.
/// </summary>
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
                if (bytes.Length >= OffloadBytes && !Thread.CurrentThread.IsThreadPoolThread) await Task.Yield();
                return bytes;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
