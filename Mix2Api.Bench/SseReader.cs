using System.Buffers;
using System.Diagnostics;

namespace Mix2Api.Bench;

/// <summary>
/// Reads a reply body line by line and counts content chunks, without decoding JSON. An idle stream
/// holds no read buffer: it waits with a zero-byte read and rents a buffer only when bytes are there,
/// so 10,000 open streams cost the load generator little memory.
/// </summary>
internal sealed class SseReader(Wire wire, long start, Action? onFirstChunk)
{
    private const int ReadSize = 8192;
    private byte[] _line = [];
    private int _lineLength;
    private int _chunks;
    private bool _done;
    private bool _error;
    private long _firstChunk = -1;
    private long _bytes;

    public async Task ReadToEndAsync(Stream body, CancellationToken ct)
    {
        while (true)
        {
            // Waits without a buffer where the stream supports it; returns at once where it does not.
#pragma warning disable CA2022 // A zero-byte read only waits for data; its count is meaningless.
            await body.ReadAsync(Memory<byte>.Empty, ct);
#pragma warning restore CA2022
            var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
            try
            {
                var read = await body.ReadAsync(buffer.AsMemory(0, ReadSize), ct);
                if (read == 0) return;
                _bytes += read;
                Consume(buffer.AsSpan(0, read));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public StreamResult Result(int status, long now) =>
        new(status, _chunks, _done, _error, _firstChunk, now - start, _bytes, null);

    private void Consume(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(data);
                return;
            }
            if (_lineLength == 0)
            {
                OnLine(data[..newline]);
            }
            else
            {
                Append(data[..newline]);
                OnLine(_line.AsSpan(0, _lineLength));
                _lineLength = 0;
            }
            data = data[(newline + 1)..];
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (_lineLength + part.Length > _line.Length) Array.Resize(ref _line, Math.Max(256, (_lineLength + part.Length) * 2));
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += part.Length;
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
        if (!line.StartsWith("data:"u8)) return;
        var payload = line[5..].TrimStart((byte)' ');
        if (payload.SequenceEqual("[DONE]"u8))
        {
            _done = true;
            return;
        }
        if (wire == Wire.OpenAi ? IsOpenAiContent(payload) : payload.IndexOf("\"type\":\"text-delta\""u8) >= 0)
        {
            if (_chunks++ == 0)
            {
                _firstChunk = Stopwatch.GetTimestamp() - start;
                onFirstChunk?.Invoke();
            }
            return;
        }
        if (wire == Wire.OpenAi ? payload.StartsWith("{\"error\""u8) : payload.IndexOf("\"type\":\"error\""u8) >= 0) _error = true;
    }

    // A chunk whose delta carries text: "content":"x… (the role-only first chunk has none, or an empty one).
    private static bool IsOpenAiContent(ReadOnlySpan<byte> payload)
    {
        var at = payload.IndexOf("\"content\":\""u8);
        return at >= 0 && at + 11 < payload.Length && payload[at + 11] != (byte)'"';
    }
}
