using System.Text;
using System.Text.Json;
using Mix2Api.Host.Hosting;
using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace Mix2Api.Tests.Host;

/// <summary>The stdout log sink: what an operator reading the log sees, and when.</summary>
public class BufferedStdoutSinkTests
{
    private static LogEvent Event(LogEventLevel level, string requestId) => new(
        DateTimeOffset.UtcNow, level, null, new MessageTemplateParser().Parse("request.completed"),
        [new LogEventProperty("request_id", new ScalarValue(requestId))]);

    private static List<string> RequestIds(string text) => text
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Properties").GetProperty("request_id").GetString()!)
        .ToList();

    [Fact]
    public void A_warning_is_written_at_once_after_the_events_before_it_in_order()
    {
        var output = new RecordingStream();
        using var sink = new BufferedStdoutSink(new JsonFormatter(renderMessage: true), output);

        sink.Emit(Event(LogEventLevel.Information, "req_1"));
        sink.Emit(Event(LogEventLevel.Information, "req_2"));
        sink.Emit(Event(LogEventLevel.Warning, "req_3"));

        Assert.Equal(["req_1", "req_2", "req_3"], RequestIds(output.Text));
    }

    [Fact]
    public async Task Information_events_reach_the_output_without_anything_else_happening()
    {
        var output = new RecordingStream();
        using var sink = new BufferedStdoutSink(new JsonFormatter(renderMessage: true), output);

        sink.Emit(Event(LogEventLevel.Information, "req_quiet"));

        await output.FirstWrite.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(["req_quiet"], RequestIds(output.Text));
    }

    [Fact]
    public void Dispose_writes_what_is_buffered_and_later_events_are_dropped_without_error()
    {
        var output = new RecordingStream();
        var sink = new BufferedStdoutSink(new JsonFormatter(renderMessage: true), output);
        sink.Emit(Event(LogEventLevel.Information, "req_last"));

        sink.Dispose();
        sink.Emit(Event(LogEventLevel.Error, "req_after"));

        Assert.Equal(["req_last"], RequestIds(output.Text));
    }

    [Fact]
    public void Many_events_are_written_in_few_writes_and_none_is_lost_or_cut()
    {
        var output = new RecordingStream();
        using (var sink = new BufferedStdoutSink(new JsonFormatter(renderMessage: true), output))
        {
            for (var i = 0; i < 2_000; i++) sink.Emit(Event(LogEventLevel.Information, $"req_{i}"));
        }

        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => $"req_{i}"), RequestIds(output.Text));
        Assert.InRange(output.Writes, 1, 100);
    }

    [Fact]
    public void A_closed_output_does_not_fail_the_caller()
    {
        using var sink = new BufferedStdoutSink(new JsonFormatter(renderMessage: true), new ClosedStream());

        var error = Record.Exception(() => sink.Emit(Event(LogEventLevel.Error, "req_x")));

        Assert.Null(error);
    }

    private sealed class RecordingStream : MemoryStream
    {
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Writes { get; private set; }

        public Task FirstWrite => _firstWrite.Task;

        public string Text
        {
            get
            {
                lock (this) return Encoding.UTF8.GetString(ToArray());
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (this)
            {
                base.Write(buffer, offset, count);
                Writes++;
            }
            _firstWrite.TrySetResult();
        }
    }

    private sealed class ClosedStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("stdout closed");
    }
}
