using System.Buffers;
using System.Buffers.Text;

namespace Mix2Api.Streams.Sse;

/// <summary>
/// The SSE event-stream interpretation (WHATWG HTML §9.2.6) over bytes as they arrive, in any chunking:
/// lines end with CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the next are
/// one line end); a leading BOM is skipped; <c>:</c> lines are comments; <c>data</c>, <c>event</c>,
/// <c>id</c> (without NUL) and <c>retry</c> (digits only) fields; a blank line dispatches; an
/// unterminated event at the end of the stream is discarded. Lines and event data are capped: past the
/// cap the upstream is malformed or hostile, and the parser throws
/// <see cref="UpstreamFrameTooLargeException"/> instead of buffering without bound.
/// Splits on bytes before anything is decoded, so UTF-8 sequences cut by the network survive.
/// Not thread-safe; one per stream.
/// </summary>
internal sealed class SseEventParser(int maxFrameBytes) : IDisposable
{
    private byte[]? _line;
    private int _lineLength;
    private byte[]? _data;
    private int _dataLength;
    private bool _dataAppended;
    private byte[]? _eventType;
    private int _eventTypeLength;
    private byte[]? _lastId;
    private int _lastIdLength;
    private bool _skipLineFeed;
    private int _bomState; // 0: start of stream, 1..2: BOM bytes matched, 3: past the start

    /// <summary>The last valid <c>retry:</c> value in milliseconds, or null.</summary>
    public long? RetryMs { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk, ISseEventHandler handler)
    {
        if (_bomState < 3) chunk = SkipBom(chunk);
        if (_skipLineFeed && !chunk.IsEmpty)
        {
            _skipLineFeed = false;
            if (chunk[0] == (byte)'\n') chunk = chunk[1..];
        }
        while (!chunk.IsEmpty)
        {
            var end = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                AppendLine(chunk);
                return;
            }
            if (_lineLength > 0)
            {
                AppendLine(chunk[..end]);
                ProcessLine(_line.AsSpan(0, _lineLength), handler);
                _lineLength = 0;
            }
            else
            {
                if (end > maxFrameBytes) throw new UpstreamFrameTooLargeException(maxFrameBytes);
                ProcessLine(chunk[..end], handler);
            }
            var carriageReturn = chunk[end] == (byte)'\r';
            chunk = chunk[(end + 1)..];
            if (!carriageReturn) continue;
            if (chunk.IsEmpty) _skipLineFeed = true;
            else if (chunk[0] == (byte)'\n') chunk = chunk[1..];
        }
    }

    private ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> chunk)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        while (_bomState < 3 && !chunk.IsEmpty)
        {
            if (chunk[0] != bom[_bomState])
            {
                // Not a BOM after all: give back the BOM bytes already swallowed as line content.
                if (_bomState > 0) AppendLine(bom[.._bomState]);
                _bomState = 3;
                return chunk;
            }
            chunk = chunk[1..];
            _bomState++;
        }
        return chunk;
    }

    private void AppendLine(ReadOnlySpan<byte> bytes)
    {
        if (_lineLength + bytes.Length > maxFrameBytes) throw new UpstreamFrameTooLargeException(maxFrameBytes);
        Append(ref _line, ref _lineLength, bytes);
    }

    private void ProcessLine(ReadOnlySpan<byte> line, ISseEventHandler handler)
    {
        if (line.IsEmpty)
        {
            Dispatch(handler);
            return;
        }
        if (line[0] == (byte)':') return;
        var colon = line.IndexOf((byte)':');
        ReadOnlySpan<byte> name, value;
        if (colon < 0)
        {
            name = line;
            value = default;
        }
        else
        {
            name = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ') value = value[1..];
        }
        if (name.SequenceEqual("data"u8))
        {
            var added = value.Length + (_dataAppended ? 1 : 0);
            if (_dataLength + added > maxFrameBytes) throw new UpstreamFrameTooLargeException(maxFrameBytes);
            if (_dataAppended) Append(ref _data, ref _dataLength, "\n"u8);
            Append(ref _data, ref _dataLength, value);
            _dataAppended = true;
        }
        else if (name.SequenceEqual("event"u8))
        {
            _eventTypeLength = 0;
            Append(ref _eventType, ref _eventTypeLength, value);
        }
        else if (name.SequenceEqual("id"u8))
        {
            if (value.IndexOf((byte)0) >= 0) return;
            _lastIdLength = 0;
            Append(ref _lastId, ref _lastIdLength, value);
        }
        else if (name.SequenceEqual("retry"u8))
        {
            if (!value.IsEmpty && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
                && Utf8Parser.TryParse(value, out long ms, out var consumed) && consumed == value.Length)
                RetryMs = ms;
        }
        // Any other field name is ignored, as the specification says.
    }

    private void Dispatch(ISseEventHandler handler)
    {
        if (!_dataAppended)
        {
            _eventTypeLength = 0;
            return;
        }
        var data = _data.AsSpan(0, _dataLength);
        _dataAppended = false;
        _dataLength = 0;
        var type = _eventType.AsSpan(0, _eventTypeLength);
        _eventTypeLength = 0;
        handler.OnEvent(type, data, _lastId.AsSpan(0, _lastIdLength));
    }

    private static void Append(ref byte[]? buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (buffer is null || buffer.Length - length < bytes.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(256, Math.Max((buffer?.Length ?? 0) * 2, length + bytes.Length)));
            if (buffer is not null)
            {
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
            }
            buffer = bigger;
        }
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    public void Dispose()
    {
        if (_line is { Length: > 0 }) ArrayPool<byte>.Shared.Return(_line);
        if (_data is { Length: > 0 }) ArrayPool<byte>.Shared.Return(_data);
        if (_eventType is { Length: > 0 }) ArrayPool<byte>.Shared.Return(_eventType);
        if (_lastId is { Length: > 0 }) ArrayPool<byte>.Shared.Return(_lastId);
        _line = _data = _eventType = _lastId = null;
    }
}
