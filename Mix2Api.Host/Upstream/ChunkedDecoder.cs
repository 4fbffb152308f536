namespace Mix2Api.Host.Upstream;

/// <summary>
/// Removes chunked transfer coding (RFC 9112 §7.1) from a body in place, across any re-chunking of the bytes: a
/// chunk-size line, its extensions, the CRLF after each chunk's data and the trailer section may each be split over
/// reads. Sizes are hex; a bare LF is accepted where CRLF belongs. Anything else is an invalid response.
/// </summary>
public struct ChunkedDecoder
{
    private enum State : byte { Size, Extension, SizeLf, Data, DataCr, DataLf, TrailerStart, TrailerLine, TrailerLf, Done }

    private const int MaxSizeDigits = 15;

    private State _state;
    private long _remaining;
    private int _digits;

    /// <summary>The terminating zero-size chunk and its trailer section have been read.</summary>
    public readonly bool Done => _state == State.Done;

    /// <summary>
    /// Decodes <paramref name="data"/>, moving the payload to its start; returns the payload length. Stops after the
    /// last chunk's trailer: <paramref name="consumed"/> is then less than the length when more bytes followed.
    /// </summary>
    public int Decode(Span<byte> data, out int consumed)
    {
        var written = 0;
        var i = 0;
        while (i < data.Length && _state != State.Done)
        {
            if (_state == State.Data)
            {
                var take = (int)Math.Min(_remaining, data.Length - i);
                if (written != i) data.Slice(i, take).CopyTo(data[written..]);
                written += take;
                i += take;
                _remaining -= take;
                if (_remaining == 0) _state = State.DataCr;
                continue;
            }
            var b = data[i++];
            switch (_state)
            {
                case State.Size:
                    var digit = HexValue(b);
                    if (digit >= 0)
                    {
                        if (++_digits > MaxSizeDigits) throw UpstreamHttpException.Invalid("chunk size too large");
                        _remaining = (_remaining << 4) | (uint)digit;
                    }
                    else if (_digits == 0) throw UpstreamHttpException.Invalid("chunk size missing");
                    else if (b is (byte)';' or (byte)' ' or (byte)'\t') _state = State.Extension;
                    else if (b == '\r') _state = State.SizeLf;
                    else if (b == '\n') EndSizeLine();
                    else throw UpstreamHttpException.Invalid("bad chunk size");
                    break;
                case State.Extension:
                    if (b == '\r') _state = State.SizeLf;
                    else if (b == '\n') EndSizeLine();
                    break;
                case State.SizeLf:
                    if (b != '\n') throw UpstreamHttpException.Invalid("chunk size line without LF");
                    EndSizeLine();
                    break;
                case State.DataCr:
                    if (b == '\r') _state = State.DataLf;
                    else if (b == '\n') _state = State.Size;
                    else throw UpstreamHttpException.Invalid("chunk data longer than its size");
                    break;
                case State.DataLf:
                    if (b != '\n') throw UpstreamHttpException.Invalid("chunk data without CRLF");
                    _state = State.Size;
                    break;
                case State.TrailerStart:
                    if (b == '\r') _state = State.TrailerLf;
                    else if (b == '\n') _state = State.Done;
                    else _state = State.TrailerLine;
                    break;
                case State.TrailerLine:
                    if (b == '\n') _state = State.TrailerStart;
                    break;
                case State.TrailerLf:
                    if (b != '\n') throw UpstreamHttpException.Invalid("trailer section without CRLF");
                    _state = State.Done;
                    break;
            }
        }
        consumed = i;
        return written;
    }

    private void EndSizeLine()
    {
        _digits = 0;
        _state = _remaining == 0 ? State.TrailerStart : State.Data;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
