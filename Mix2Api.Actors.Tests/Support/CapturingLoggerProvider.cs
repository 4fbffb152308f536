using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mix2Api.Tests.Support;

/// <summary>Keeps every formatted log line (with its event id) so tests can assert on observable events.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public bool Contains(int eventId) => Entries.Any(e => e.Id.Id == eventId);

    public string AllText => string.Join("\n", Entries.Select(e => e.Message));

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue((eventId, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
    }
}
