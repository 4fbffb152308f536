using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Mix2Api.Host.Simulator;

/// <summary>
/// The fake upstream model site: chat (<c>/v2/chats</c>, UI message stream over SSE) and token
/// (<c>/v2/token</c>) routes, script selection, token checks, and everything tests observe.
/// Host it with <see cref="SimulatorServer"/> or map it into any app with
/// <see cref="SimulatorEndpoints.MapUpstreamSimulator"/>.
/// </summary>
public sealed class UpstreamSimulator
{
    private const int ScriptCacheLimit = 1024;

    private readonly ConcurrentQueue<SimScript> _queue = new();
    private readonly ConcurrentQueue<SimulatedRequest> _requests = new();
    private readonly ConcurrentQueue<SimulatedExchange> _exchanges = new();
    private readonly Channel<SimulatedExchange>? _exchangeFeed;
    private readonly ConcurrentDictionary<(string Directive, int ToolResults, string? QuotedResult), SimScript> _directiveScripts = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SimTokenIssuer _tokens;
    private long _sessions, _exchangeIds, _active, _total;

    public UpstreamSimulator(SimulatorOptions? options = null)
    {
        Options = options ?? new SimulatorOptions();
        RequireToken = Options.RequireToken;
        _tokens = new SimTokenIssuer(Options.TimeProvider, Options.TokenLifetime);
        if (Options.RecordLimit > 0)
        {
            _exchangeFeed = Channel.CreateBounded<SimulatedExchange>(new BoundedChannelOptions(Options.RecordLimit)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = false,
                SingleWriter = false,
            });
        }
    }

    public SimulatorOptions Options { get; }

    /// <summary>Played when no directive matches and no script is queued. Echoes a little of the question.</summary>
    public SimScript DefaultScript { get; set; } = SimScripts.Default();

    /// <summary>When set, chat requests need a bearer issued by the token route and not revoked or expired.</summary>
    public bool RequireToken { get; set; }

    /// <summary>How a chat request with an unknown, revoked or expired bearer is answered.</summary>
    public TokenRejection TokenRejection { get; set; }

    /// <summary>Lifetime (<c>expires_in</c>) of tokens issued from now on.</summary>
    public TimeSpan TokenLifetime { get => _tokens.Lifetime; set => _tokens.Lifetime = value; }

    /// <summary>When not <see cref="TokenFailure.None"/>, every login fails this way.</summary>
    public TokenFailure TokenFailure { get => _tokens.AlwaysFail; set => _tokens.AlwaysFail = value; }

    /// <summary>Number of calls to the token route (successful or not).</summary>
    public int LoginCount => _tokens.Logins;

    public int IssuedTokenCount => _tokens.Issued;

    /// <summary>Chat exchanges running right now.</summary>
    public long ActiveExchanges => Interlocked.Read(ref _active);

    /// <summary>Chat exchanges started since the simulator was created.</summary>
    public long TotalExchanges => Interlocked.Read(ref _total);

    public int QueuedScripts => _queue.Count;

    /// <summary>Recorded requests (chat and token, oldest first, at most <see cref="SimulatorOptions.RecordLimit"/>).</summary>
    public IReadOnlyList<SimulatedRequest> Requests => [.. _requests];

    public IReadOnlyList<SimulatedRequest> ChatRequests => Filter(Options.ChatPath);

    public IReadOnlyList<SimulatedRequest> TokenRequests => Filter(Options.TokenPath);

    /// <summary>Recorded chat exchanges (oldest first, at most <see cref="SimulatorOptions.RecordLimit"/>).</summary>
    public IReadOnlyList<SimulatedExchange> Exchanges => [.. _exchanges];

    /// <summary>Queues scripts for the next chat requests that carry no directive, in order.</summary>
    public void Enqueue(params SimScript[] scripts)
    {
        foreach (var script in scripts) _queue.Enqueue(script ?? throw new ArgumentNullException(nameof(scripts)));
    }

    public void FailNextLogins(int count = 1, TokenFailure kind = TokenFailure.ServerError) => _tokens.FailNext(count, kind);

    /// <summary>Makes every issued token unknown: the next chat gets <c>token expired</c> (see <see cref="TokenRejection"/>) when <see cref="RequireToken"/> is set.</summary>
    public void RevokeAllTokens() => _tokens.RevokeAll();

    public void RevokeToken(string token) => _tokens.Revoke(token);

    public bool IsTokenValid(string? token) => _tokens.IsValid(token);

    /// <summary>
    /// The next chat exchange not yet taken by an earlier call (in arrival order), as soon as it starts.
    /// Throws <see cref="TimeoutException"/> when none starts within <paramref name="timeout"/>.
    /// </summary>
    public async Task<SimulatedExchange> NextExchangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_exchangeFeed is null) throw new InvalidOperationException("Exchanges are not recorded (SimulatorOptions.RecordLimit is 0).");
        // Cancel the read itself on timeout (not just stop waiting for it), so a timed-out call cannot swallow a later exchange.
        using var deadline = new CancellationTokenSource(timeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            return await _exchangeFeed.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No simulated chat exchange started within {timeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>Handles <c>POST {ChatPath}</c>.</summary>
    public async Task HandleChatAsync(HttpContext context)
    {
        var request = await SimRequestReader.TryReadAsync(context, Options.TimeProvider);
        if (request is null) return;
        Record(request);
        SimRequestFacts facts;
        SimScript script;
        try
        {
            facts = SimRequestFacts.From(request.Body);
            script = SelectScript(request, facts);
        }
        catch (SimDirectiveException e)
        {
            facts = SimRequestFacts.Empty;
            script = new SimScript("rejected:bad-directive", new SimStep.Reply(400, SimScripts.ErrorObject(e.Message)));
        }
        var sessionId = facts.SessionId ?? "sess-" + Next(ref _sessions);
        var n = Next(ref _exchangeIds);
        var exchange = new SimulatedExchange(request, script, sessionId, "ex-" + n, "msg-" + n, facts.Question, Options.TimeProvider.GetTimestamp());
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _active);
        if (Options.RecordLimit > 0)
        {
            Trim(_exchanges, exchange);
            _exchangeFeed!.Writer.TryWrite(exchange);
        }
        try
        {
            exchange.End(await ScriptRunner.RunAsync(context, exchange, Options.TimeProvider, Options.KeepAliveInterval, _shutdown.Token));
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>Handles <c>POST/GET {TokenPath}</c>.</summary>
    public async Task HandleTokenAsync(HttpContext context)
    {
        var request = await SimRequestReader.TryReadAsync(context, Options.TimeProvider);
        if (request is null) return;
        Record(request);
        var (token, failure) = _tokens.Login();
        var expiresIn = ((long)_tokens.Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var (status, contentType, body) = failure switch
        {
            TokenFailure.ServerError => (500, "application/json", SimScripts.ErrorObject("simulated token service failure")),
            TokenFailure.InvalidPayload => (200, "application/json", $"{{\"token_type\":\"Bearer\",\"expires_in\":{expiresIn}}}"),
            TokenFailure.NotJson => (200, "text/plain", "this is not json"),
            _ => (200, "application/json", $"{{\"access_token\":\"{token}\",\"expires_in\":{expiresIn},\"token_type\":\"Bearer\"}}"),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Ends every running exchange (stalls and gates included) as <see cref="SimulatedEndKind.ServerStopped"/>.</summary>
    public void Stop() => _shutdown.Cancel();

    // Order of SPEC of this simulator: token check, then the random fault mix, then directive, then queue, then default.
    private SimScript SelectScript(SimulatedRequest request, SimRequestFacts facts)
    {
        if (RequireToken && !_tokens.IsValid(request.BearerToken))
            return new SimScript("rejected:token", new SimStep.Reply(TokenRejection == TokenRejection.AuthErrorPayload ? 200 : 401, SimScripts.ErrorObject("token expired")));
        if (request.Body is not { ValueKind: System.Text.Json.JsonValueKind.Object })
            return new SimScript("rejected:body", new SimStep.Reply(400, SimScripts.ErrorObject("simulator: the request body must be a JSON object")));
        if (Options.FaultMix?.Draw() is { } fault) return fault;
        if (facts.Directive is { } directive)
        {
            // A final answer that quotes the tool result is built for that result.
            var quoted = facts.ToolResults > 0 && directive.Raw.Contains("{result}", StringComparison.Ordinal) ? facts.LastToolResult : null;
            var key = (directive.Raw, facts.ToolResults, quoted);
            if (_directiveScripts.TryGetValue(key, out var cached)) return cached;
            var built = SimDirectiveScripts.Build(directive, facts.ToolResults, facts.LastToolResult);
            if (_directiveScripts.Count < ScriptCacheLimit) _directiveScripts.TryAdd(key, built);
            return built;
        }
        return _queue.TryDequeue(out var queued) ? queued : DefaultScript;
    }

    private void Record(SimulatedRequest request)
    {
        if (Options.RecordLimit > 0) Trim(_requests, request);
    }

    private void Trim<T>(ConcurrentQueue<T> queue, T item)
    {
        queue.Enqueue(item);
        while (queue.Count > Options.RecordLimit && queue.TryDequeue(out _)) { }
    }

    private IReadOnlyList<SimulatedRequest> Filter(string path)
    {
        var list = new List<SimulatedRequest>();
        foreach (var r in _requests)
        {
            if (string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase)) list.Add(r);
        }
        return list;
    }

    private static string Next(ref long counter) => Interlocked.Increment(ref counter).ToString(CultureInfo.InvariantCulture);
}
