using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Mix2Api.Host.Simulator;

/// <summary>Reads a request fully into a <see cref="SimulatedRequest"/>.</summary>
internal static class SimRequestReader
{
    /// <summary>Null when the client went away (or sent a broken body) before the body was complete.</summary>
    public static async Task<SimulatedRequest?> TryReadAsync(HttpContext context, TimeProvider time)
    {
        try
        {
            return await ReadAsync(context, time);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return null;
        }
    }

    private static async Task<SimulatedRequest> ReadAsync(HttpContext context, TimeProvider time)
    {
        var receivedAt = time.GetUtcNow();
        var timestamp = time.GetTimestamp();
        var request = context.Request;
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < 1 << 20 ? (int)request.ContentLength.Value : 1024);
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var raw = buffer.ToArray();
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Headers) headers[name] = value.ToString();
        return new SimulatedRequest(request.Method, request.Path.Value ?? "", headers, raw, Parse(raw), receivedAt, timestamp);
    }

    private static JsonElement? Parse(byte[] raw)
    {
        if (raw.Length == 0) return null;
        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
