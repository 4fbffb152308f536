using System.Collections.Concurrent;
using Mix2Api.Streams.Output;

namespace Mix2Api.Host.Operations;

/// <summary>
/// The streams this node is serving right now, for <c>ctl streams</c> and the active-streams gauge. The endpoint
/// opens an entry per streaming request and disposes it at the end: one dictionary add and remove per request,
/// nothing per chunk (the chunk count is read from the writer only when someone looks).
/// </summary>
public sealed class LiveStreams(TimeProvider time)
{
    public enum StreamPhase
    {
        Upstream,
        Streaming,
        Closing,
    }

    public sealed class Entry : IDisposable
    {
        private readonly LiveStreams _owner;
        private int _phase;

        internal Entry(LiveStreams owner, string requestId, string client, string model, long startedAt)
        {
            _owner = owner;
            RequestId = requestId;
            Client = client;
            Model = model;
            StartedAt = startedAt;
        }

        public string RequestId { get; }
        public string Client { get; }
        public string Model { get; }
        public long StartedAt { get; }
        public StreamPhase Phase => (StreamPhase)Volatile.Read(ref _phase);
        public IChatOutput? Writer { get; private set; }

        /// <summary>Events sent so far (counted by the OpenAI writer; 0 for outputs that do not count).</summary>
        public long Chunks => (Writer as OpenAiSseWriter)?.Chunks ?? 0;

        public void Streaming(IChatOutput writer)
        {
            Writer = writer;
            Volatile.Write(ref _phase, (int)StreamPhase.Streaming);
        }

        public void Closing() => Volatile.Write(ref _phase, (int)StreamPhase.Closing);

        public void Dispose() => _owner.Close(this);
    }

    private readonly ConcurrentDictionary<Entry, byte> _entries = new(ReferenceEqualityComparer.Instance);

    /// <summary>Raised when a stream closes, with its chunk count (the chunks metric).</summary>
    public event Action<Entry>? Closed;

    public int Count => _entries.Count;

    public Entry Open(string requestId, string client, string model)
    {
        var entry = new Entry(this, requestId, client, model, time.GetTimestamp());
        _entries.TryAdd(entry, 0);
        return entry;
    }

    public IReadOnlyList<Entry> Snapshot() => [.. _entries.Keys];

    public TimeSpan AgeOf(Entry entry) => time.GetElapsedTime(entry.StartedAt);

    private void Close(Entry entry)
    {
        if (_entries.TryRemove(entry, out _)) Closed?.Invoke(entry);
    }
}
