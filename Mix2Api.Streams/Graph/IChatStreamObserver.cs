namespace Mix2Api.Streams.Graph;

/// <summary>What a graph reports while it runs (session capture, oddities worth a log line).</summary>
public interface IChatStreamObserver
{
    /// <summary>The first upstream frame that carried session ids.</summary>
    void OnSessionIds(string? sessionId, string? exchangeId);

    /// <summary>A data line that was not JSON (its content is never logged raw).</summary>
    void OnBadFrame(int count);

    /// <summary>An upstream server-side tool frame: never shown as a client call.</summary>
    void OnUpstreamToolFrame();
}
