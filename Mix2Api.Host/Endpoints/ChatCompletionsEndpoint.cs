using System.Buffers;
using System.Collections.Concurrent;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Sessions;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Operations;
using Mix2Api.Host.Http;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c> (and <c>POST /</c>): where a request becomes a stream. Checks run
/// in the Node adapter's order; nothing reaches the upstream before they pass. Then one
/// <see cref="ChatStreamGraph"/> runs from the upstream call to the client; how it ended is one
/// <see cref="ExitDecision"/> (<see cref="ChatStreamSupervision"/>), recorded once in the <see cref="RequestReport"/>.
/// Anthropic's <c>POST /v1/messages</c> runs the same pipeline with its own <see cref="IChatDialect"/>.
/// </summary>
public sealed class ChatCompletionsEndpoint(
    Mix2ApiSettings settings,
    InboundAuth auth,
    AdmissionControl admission,
    ISessionRegion sessions,
    ICredentialProvider credentials,
    UpstreamClient upstream,
    UpstreamTarget target,
    DynamicUpstreamBase dynamicBase,
    ShutdownCoordinator shutdown,
    LiveStreams liveStreams,
    GraphHostPool graphs,
    TimeProvider time,
    ILogger<ChatCompletionsEndpoint> log)
{
    private readonly UpstreamBodyOptions _bodyOptions = new()
    {
        AgentSlug = settings.AgentSlug,
        LocaleLocation = settings.LocaleLocation,
        LocaleLanguage = settings.LocaleLanguage,
        ModeSearch = settings.ModeSearch,
        DefaultPersonaId = settings.DefaultPersonaId,
    };

    private readonly ProfileFallbackWarnings _profileFallbacks = new(settings.ProfileWarnCacheSize);
    private readonly OpenAiDialect _openAi = new(time);

    /// <summary>How long, and how much, the upstream is read on after a normal finish (its <c>[DONE]</c>) so its connection can be reused.</summary>
    private static readonly TimeSpan DrainBudget = TimeSpan.FromSeconds(1);
    private const int DrainMaxBytes = 64 * 1024;

    private readonly ChatTurnOptions _turnDefaults = new()
    {
        MaxBadFrames = settings.Graph.MaxBadFrames,
        SessionFromExchangeId = settings.Graph.SessionFromExchangeId,
    };

    private readonly QueryLimits _limits = new()
    {
        QueryMaxChars = settings.QueryMaxChars,
        ContextMaxChars = settings.ContextMaxChars,
        ToolResultMaxChars = settings.ToolResultMaxChars,
        MessagesMax = settings.UpstreamMessagesMax,
        MessageMaxChars = settings.UpstreamMessageMaxChars,
    };

    /// <summary>The fused request graphs, one per shape: stream or not, and the dialect's heartbeat.</summary>
    private readonly ConcurrentDictionary<(PooledBytes Heartbeat, bool Stream), ChatStreamGraph> _graphs = new();

    private ChatStreamGraph Graph(IChatDialect dialect, bool stream)
        => _graphs.GetOrAdd((dialect.Heartbeat, stream), static (shape, graph) => new ChatStreamGraph(graph, heartbeats: shape.Stream, shape.Heartbeat),
            settings.Graph);

    public Task HandleAsync(HttpContext context) => HandleAsync(context, _openAi);

    public async Task HandleAsync(HttpContext context, IChatDialect dialect)
    {
        var report = context.Report();
        report.Api = dialect.Api;
        report.Client = ClientInference.From(context.Request.Headers);

        if (auth.Check(context.Request) is { } authError)
        {
            await Fail(context, StreamExit.InboundAuthRejected, 401, authError);
            return;
        }
        if (!admission.TryEnter())
        {
            context.Response.Headers.RetryAfter = "1";
            await FailWith(context, ExitDecision.Of(StreamExit.Overloaded));
            return;
        }
        try
        {
            await HandleAdmittedAsync(context, report, dialect);
        }
        finally
        {
            admission.Exit();
        }
    }

    private async Task HandleAdmittedAsync(HttpContext context, RequestReport report, IChatDialect dialect)
    {
        byte[]? body = await RequestBodyReader.ReadAsync(context.Request, settings.BodyLimit, context.RequestAborted);
        if (RequestBodyReader.ShouldOffload(body)) await Task.Yield();
        if (body is null)
        {
            await Fail(context, StreamExit.RequestInvalid, 413, ErrorResponses.InvalidRequest("request_too_large", null, "Request body too large"));
            return;
        }
        var parsed = dialect.TryParse(body, out var request, out var invalid);
        body = null; // the parsed request is all that is needed from here on; the raw bytes would live as long as the stream
        if (!parsed)
        {
            await Fail(context, StreamExit.RequestInvalid, 400, ErrorResponses.InvalidRequest(invalid!.Code, invalid.Param, invalid.Message));
            return;
        }
        var stream = request!.Stream ?? settings.StreamDefault;
        report.Model = request.Model;
        report.Stream = stream;
        report.ToolsPresent = request.ToolsPresent;
        report.MessageCount = request.Messages.Count;
        report.ToolCount = request.Tools.Count + request.Functions.Count;
        report.ToolLoopKey = ToolLoopKey.Of(request.Messages);

        // A per-request upstream base is checked (and its name resolved, once) before anything else happens.
        var (route, routeError) = await dynamicBase.ChooseAsync(
            SessionIdHeaders.First(context.Request, DynamicUpstreamBase.Header), request.UpstreamBaseUrl, context.RequestAborted);
        if (routeError is not null)
        {
            await Fail(context, StreamExit.RequestInvalid, 400,
                ErrorResponses.InvalidRequest("invalid_request", DynamicUpstreamBase.Param, routeError));
            return;
        }

        if (!ToolPlan.TryCreate(request, settings.Tools, out var tools, out var toolError))
        {
            await Fail(context, StreamExit.RequestInvalid, 400, ErrorResponses.InvalidRequest(toolError!.Code, toolError.Param, toolError.Message));
            return;
        }
        var inboundBearer = InboundAuth.KeyOf(context.Request);
        report.AuthFingerprint = auth.FingerprintOf(inboundBearer);
        using var live = stream ? liveStreams.Open(report.RequestId, report.Client, request.Model) : null;

        await using var turn = await sessions.BeginTurnAsync(new SessionContext(
            report.AuthFingerprint,
            request.Model,
            report.Client,
            SessionIdHeaders.First(context.Request, "x-session-affinity"),
            SessionIdHeaders.First(context.Request, settings.Actors.Sessions.KeyHeader),
            SessionIdHeaders.SessionId(context.Request, request),
            SessionIdHeaders.ExchangeId(context.Request, request),
            request.Messages), context.RequestAborted);
        report.SessionFingerprint = turn.KeyFingerprint;

        var upstreamBody = BuildUpstreamBody(context.Request, request, tools!, turn, report, out var promptEstimate);
        if (report.Budget!.Action == BudgetAction.Reject)
        {
            // Nothing went upstream: the client learns the limit instead of an upstream failure.
            await Fail(context, StreamExit.RequestInvalid, 400,
                ErrorResponses.InvalidRequest("context_length_exceeded", "messages", report.Budget.RejectMessage));
            return;
        }
        var upstreamCall = new UpstreamCall(this, upstreamBody!, inboundBearer, route, report);
        upstreamBody = null; // the call holds it until sent; a stream can stay open for minutes
        try
        {
            var running = RunGraphAsync(context, report, dialect, request, stream, tools!, turn, upstreamCall, promptEstimate, live);
            // This frame's copies of the parsed request (the whole conversation, often hundreds of KB) and its tools go
            // too: RunGraphAsync has built its output, transform and turn from them before its first await.
            request = null;
            tools = null;
            await running;
        }
        finally
        {
            upstreamCall.Dispose();
        }
    }

    /// <summary>
    /// The upstream body (SPEC §2.1–2.2) within the model's context budget (SPEC §8): only what the upstream
    /// does not hold yet, trimmed to fit; empty when the budget rejects (<see cref="RequestReport.Budget"/> says).
    /// Synchronous on purpose: the query and its intermediates are locals of this method, not fields of the
    /// request's async state machine that live as long as the stream.
    /// </summary>
    private PooledBytes? BuildUpstreamBody(HttpRequest http, ChatRequest request, ToolPlan tools, ISessionTurn turn,
        RequestReport report, out int promptEstimate)
    {
        var profile = settings.Profiles.Lookup(request.Model);
        if (profile.Id is null && _profileFallbacks.ShouldWarn(request.Model))
            log.LogWarning("model.profile.fallback model={Model} reason=not_configured: default profile used (MODEL_PROFILE_JSON)",
                request.Model.Length > 120 ? request.Model[..120] : request.Model);
        var output = OutputBudget.Resolve(request.MaxCompletionTokens, request.MaxTokens, profile);
        var composer = new UpstreamPromptComposer(
            QueryComposer.CarriesHistory(request.Messages, turn.CarryHistory, turn.SeenMessageCount), tools.Instruction, tools.InstructionInQuery,
            tools.InstructionInSystem, settings.Tools.ToolResultMaxChars, _limits);
        var plan = BudgetPlanner.Plan(UpstreamMessages.Unseen(request.Messages, turn.CarryHistory, turn.SeenMessageCount),
            profile, output, settings.Budget, composer.Compose);
        report.Budget = plan.Decision;
        promptEstimate = plan.Decision.EstimatedInput;
        if (plan.Prompt is null) return null;

        var upstreamTurn = new UpstreamTurn(request, plan.Prompt, output.Tokens, turn.SessionId, turn.ExchangeId,
            SessionIdHeaders.PersonaId(http, request));
        // A pooled array: a long conversation's body would otherwise be a large-object-heap allocation per turn.
        var buffer = new PooledBufferWriter(plan.Prompt.Query.Length * 2 + 1024);
        UpstreamRequestBody.Write(buffer, upstreamTurn, _bodyOptions);
        return buffer.Detach();
    }

    /// <summary>
    /// One materialized graph from the upstream call to the client, then what its end means: the session
    /// journaled and the response closed after a normal finish (the upstream drained after that), or the
    /// error as a status (nothing sent yet) or as the terminal event, never a fake stop.
    /// </summary>
    private async Task RunGraphAsync(HttpContext context, RequestReport report, IChatDialect dialect, ChatRequest request, bool stream,
        ToolPlan tools, ISessionTurn turn, UpstreamCall upstreamCall, int promptEstimate, LiveStreams.Entry? live)
    {
        var httpResponse = context.Response;
        httpResponse.StatusCode = 200;
        if (turn.SessionId is { } known) SessionIdHeaders.Echo(httpResponse, known);
        var output = dialect.CreateOutput(request, stream, tools.Legacy, promptEstimate);
        if (stream)
        {
            httpResponse.ContentType = "text/event-stream; charset=utf-8";
            httpResponse.Headers.CacheControl = "no-cache";
            httpResponse.Headers["X-Accel-Buffering"] = "no";
            live?.Streaming(output);
        }
        else
        {
            httpResponse.ContentType = "application/json; charset=utf-8";
        }

        var turnParts = new ChatTurn.Parts(output, tools.CreateTransform(),
            _turnDefaults with { LegacyFunctions = tools.Legacy, PromptTokenEstimate = promptEstimate, StopSequences = request.Stop },
            new GraphObserver(httpResponse, turn, log));
        var run = Graph(dialect, stream).Run(upstreamCall.OpenAsync, turnParts, httpResponse.BodyWriter, graphs);
        // Parameters live as long as this method's state machine, the whole stream: let go of the parsed request.
        request = null!;
        tools = null!;
        // A token already cancelled runs its callback at once; an abort before the graph started is applied when it starts.
        using var onClientAbort = context.RequestAborted.Register(static s => ((ChatStreamRun)s!).Abort(new ClientAbortedException()), run);
        using var onShutdown = shutdown.Token.Register(static s => ((ChatStreamRun)s!).Abort(new NodeShuttingDownException()), run);
        var decision = await run.EndAsync();
        live?.Closing();

        report.End(decision);
        if (decision.Exit is StreamExit.AdapterFault or StreamExit.UpstreamBodyFailed or StreamExit.ClientWriteFailed)
            report.Exception = run.Failure;
        var verdict = decision.Verdict;
        if (verdict.Reason is EndReason.Stop or EndReason.ToolCalls or EndReason.Length)
        {
            report.PromptTokens = run.Outcome.Usage.PromptTokens;
            report.CompletionTokens = run.Outcome.Usage.CompletionTokens;
            // Journal before the client sees the end: its next turn must find this one's session.
            await turn.CompleteAsync(CancellationToken.None);
            // Then close at once (a slow close reads as client_gone to new-api), and tidy the upstream after.
            await httpResponse.BodyWriter.CompleteAsync();
            await run.Upstream.DrainAsync(DrainBudget, DrainMaxBytes);
            return;
        }
        await run.Upstream.DisposeAsync();
        if (verdict.Error is null || verdict.Reason == EndReason.ClientAbort) return;
        if (!run.Response.Started)
        {
            if (run.Failure is UpstreamStatusException { RetryAfter: { } retryAfter })
                httpResponse.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
            await ErrorResponses.WriteAsync(context, verdict.HttpStatus, verdict.Error);
            return;
        }
        // After the first byte the status is gone: the stream ends with one error event, never a fake stop.
        output.Fail(verdict.Error);
        if (output.TakeWritten() is not { } terminal) return;
        try
        {
            httpResponse.BodyWriter.Write(terminal.Span);
            using var flushTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await httpResponse.BodyWriter.FlushAsync(flushTimeout.Token);
        }
        catch (Exception)
        {
            // The client may be gone too; the end reason is already decided.
        }
        finally
        {
            terminal.Release();
        }
    }

    /// <summary>
    /// Sends the request with the current credential (a dynamic-base <paramref name="route"/> gets it only when its host
    /// is allowlisted); after a rejection (401/403 or an auth-error payload,
    /// <see cref="UpstreamStatusException.AuthRejected"/>), recovers up to UPSTREAM_AUTH_RECOVERY_RETRY times if the mode can.
    /// </summary>
    private async Task<UpstreamResponse> SendUpstreamAsync(ReadOnlyMemory<byte> body, string? inboundBearer, UpstreamRoute? route,
        RequestReport report, CancellationToken cancellationToken)
    {
        var url = route?.ChatUrl ?? target.ChatUrl;
        if (route is { SendCredential: false })
        {
            // A dynamic base outside the allowlist never sees the configured credential.
            var anonymous = await upstream.SendAsync(url, body, report.RequestId, null, cancellationToken, route);
            report.UpstreamStatus = anonymous.Status;
            return anonymous;
        }
        var credential = await CredentialAsync(credentials.GetAsync(inboundBearer, cancellationToken));
        for (var recovery = 0; ; recovery++)
        {
            try
            {
                var response = await upstream.SendAsync(url, body, report.RequestId, credential.BearerToken, cancellationToken, route);
                report.UpstreamStatus = response.Status;
                return response;
            }
            catch (UpstreamStatusException rejected)
            {
                report.UpstreamStatus = rejected.Status;
                if (!rejected.AuthRejected || recovery >= settings.Actors.Token.RecoveryRetry) throw;
                if (await CredentialAsync(credentials.RecoverAsync(credential, cancellationToken)) is not { } fresh) throw;
                log.LogInformation("upstream rejected credential {Credential}; retrying with {Fresh}", credential.Fingerprint, fresh.Fingerprint);
                credential = fresh;
            }
        }
    }

    /// <summary>A credential, or the typed failure Supervision knows when none can be had.</summary>
    private static async Task<T> CredentialAsync<T>(ValueTask<T> pending)
    {
        try
        {
            return await pending;
        }
        catch (UpstreamCredentialException ex)
        {
            throw new UpstreamCredentialUnavailableException(ex);
        }
    }

    private static Task Fail(HttpContext context, StreamExit exit, int status, ErrorBody error)
    {
        context.Report().End(exit);
        return ErrorResponses.WriteAsync(context, status, error);
    }

    private static Task FailWith(HttpContext context, ExitDecision decision)
    {
        context.Report().End(decision);
        var verdict = decision.Verdict;
        return verdict.Error is null ? Task.CompletedTask : ErrorResponses.WriteAsync(context, verdict.HttpStatus, verdict.Error);
    }

    /// <summary>
    /// How the graph's source opens the upstream: credential, HTTP call (retries inside the client), one
    /// credential recovery after 401/403, and the body as a UI message stream (SSE as it comes, or a JSON reply
    /// read whole and turned into the frames it stands for). Failures are the typed exceptions Supervision maps.
    /// The request body (a pooled array the call owns) goes back to the pool once sent, or at Dispose when it never
    /// was: a stream can stay open for minutes.
    /// </summary>
    private sealed class UpstreamCall(ChatCompletionsEndpoint endpoint, PooledBytes body, string? inboundBearer, UpstreamRoute? route,
        RequestReport report)
        : IDisposable
    {
        private PooledBytes? _body = body;
        private UpstreamResponse? _response;

        public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
        {
            // The send owns the body from here: Dispose during the send must not give the array to another request.
            var body = Interlocked.Exchange(ref _body, null) ?? throw new ObjectDisposedException(nameof(UpstreamCall));
            UpstreamResponse response;
            try
            {
                // Sent (and re-sent on a credential recovery) within this call; the connection keeps no reference after it.
                response = _response = await endpoint.SendUpstreamAsync(body.Memory, inboundBearer, route, report, cancellationToken);
            }
            finally
            {
                body.Release();
            }
            if (response.Head.IsEventStream) return response.Body;
            try
            {
                var json = response.Json ?? await response.ReadBodyAsync(UpstreamClient.MaxJsonReplyBytes, cancellationToken);
                return new MemoryStream(JsonReplyAdapter.ToUiStream(json));
            }
            catch (IOException ex)
            {
                throw new UpstreamReadException(ex);
            }
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _body, null)?.Release(); // never sent
            _response?.Dispose();
        }
    }

    /// <summary>Hands captured session ids to the session turn and, while headers are still open, to <c>x-session-id</c>.</summary>
    private sealed class GraphObserver(HttpResponse response, ISessionTurn turn, ILogger log) : IChatStreamObserver
    {
        public void OnSessionIds(string? sessionId, string? exchangeId)
        {
            turn.OnUpstreamIds(sessionId, exchangeId);
            if (sessionId is not null && !response.HasStarted) SessionIdHeaders.Echo(response, sessionId);
        }

        public void OnBadFrame(int count)
            => log.LogWarning("upstream sent a data line that is not JSON (#{Count}); content not logged", count);

        public void OnUpstreamToolFrame() => log.LogDebug("upstream server-side tool frame ignored (never a client tool call)");
    }
}
