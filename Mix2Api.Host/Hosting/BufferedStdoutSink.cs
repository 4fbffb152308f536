using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Mix2Api.Host.Hosting;

/// <summary>
/// The JSON log sink on standard output. Serilog's console sink writes and flushes every event on its
/// own (one <c>write(2)</c> per <c>request.completed</c>, under a lock, on the request's thread); under
/// load on one core that is a measurable share of each request (see docs/BENCHMARKS.md, "External
/// client"). This sink formats on the caller's thread into a buffer and writes the buffer when it holds
/// 32 KiB, at once for warnings and errors, on dispose, and otherwise at most 200 ms after its first
/// unwritten event. No background thread per event, so no extra context switch per request.
/// What a hard crash can lose: at most 200 ms of Information events.
/// </summary>
public sealed class BufferedStdoutSink : ILogEventSink, IDisposable
{
    private const int FlushBytes = 32 * 1024;
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(200);

    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly StringWriter _text = new(new StringBuilder(1024), System.Globalization.CultureInfo.InvariantCulture);
    private readonly Timer _timer;
    private readonly object _gate = new();
    private byte[] _buffer = new byte[FlushBytes * 2];
    private int _length;
    private bool _timerArmed;
    private bool _disposed;

    public BufferedStdoutSink(ITextFormatter formatter, Stream? output = null)
    {
        _formatter = formatter;
        _output = output ?? Console.OpenStandardOutput();
        _timer = new Timer(static s => ((BufferedStdoutSink)s!).FlushFromTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            if (_disposed) return;
            var sb = _text.GetStringBuilder();
            sb.Clear();
            _formatter.Format(logEvent, _text);
            var max = Encoding.UTF8.GetMaxByteCount(sb.Length);
            if (_length + max > _buffer.Length)
            {
                WriteBuffered();
                if (max > _buffer.Length) _buffer = new byte[max];
            }
            foreach (var chunk in sb.GetChunks())
                _length += Encoding.UTF8.GetBytes(chunk.Span, _buffer.AsSpan(_length));
            if (_length >= FlushBytes || logEvent.Level >= LogEventLevel.Warning)
            {
                WriteBuffered();
            }
            else if (!_timerArmed)
            {
                _timerArmed = true;
                _timer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            WriteBuffered();
            _disposed = true;
        }
        _timer.Dispose();
    }

    private void FlushFromTimer()
    {
        lock (_gate)
        {
            _timerArmed = false;
            if (!_disposed) WriteBuffered();
        }
    }

    private void WriteBuffered()
    {
        if (_length == 0) return;
        try
        {
            _output.Write(_buffer, 0, _length);
            _output.Flush();
        }
        catch (IOException)
        {
            // A closed stdout must not take requests down with it; the events are lost either way.
        }
        _length = 0;
    }
}
