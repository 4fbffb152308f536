using System.Buffers;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Sessions;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Host.Upstream;
using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Sse;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// <c>POST /v1/chat/completions</c> (and <c>POST /</c>): where a request becomes a stream. Checks run
/// in the Node adapter's order; nothing reaches the upstream before they pass. Every exit goes
/// through <see cref="EndReasonClassifier"/> and is recorded once in the <see cref="RequestReport"/>.
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
    RequestMetrics metrics,
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

    private readonly GraphSettings _graphSettings = settings.Graph with { Time = time };

    private readonly QueryLimits _limits = new()
    {
        QueryMaxChars = settings.QueryMaxChars,
        ContextMaxChars = settings.ContextMaxChars,
        ToolResultMaxChars = settings.ToolResultMaxChars,
        MessagesMax = settings.UpstreamMessagesMax,
        MessageMaxChars = settings.UpstreamMessageMaxChars,
    };

    public async Task HandleAsync(HttpContext context)
    {
        var report = context.Report();
        report.Client = ClientInference.From(context.Request.Headers);

        if (auth.Check(context.Request) is { } authError)
        {
            await Fail(context, StreamExit.InboundAuthRejected, 401, authError);
            return;
        }
        if (!admission.TryEnter())
        {
            context.Response.Headers.RetryAfter = "1";
            await FailWith(context, StreamExit.Overloaded);
            return;
        }
        try
        {
            await HandleAdmittedAsync(context, report);
        }
        finally
        {
            admission.Exit();
        }
    }

    private async Task HandleAdmittedAsync(HttpContext context, RequestReport report)
    {
        byte[]? body = await RequestBodyReader.ReadAsync(context.Request, settings.BodyLimit, context.RequestAborted);
        if (body is null)
        {
            await Fail(context, StreamExit.RequestInvalid, 413, ErrorResponses.InvalidRequest("request_too_large", null, "Request body too large"));
            return;
        }
        var parsed = ChatRequestParser.TryParse(body, out var request, out var invalid);
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
        var inboundBearer = InboundAuth.BearerOf(context.Request);

        await using var turn = await sessions.BeginTurnAsync(new SessionContext(
            auth.FingerprintOf(inboundBearer),
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

        using var deadlines = new RequestDeadlines(time, context.RequestAborted, shutdown.Token,
            settings.FirstByteTimeout, settings.IdleTimeout, settings.TotalTimeout);

        UpstreamCallResult call;
        try
        {
            call = await CallUpstreamAsync(context, upstreamBody, inboundBearer, route, deadlines, report);
        }
        catch (UpstreamCredentialException)
        {
            await FailWith(context, StreamExit.CredentialUnavailable);
            return;
        }
        catch (OperationCanceledException) when (deadlines.Cause != DeadlineCause.None)
        {
            await FailWith(context, ChatStreamGraph.FromCause(deadlines.Cause));
            return;
        }

        // A stream can stay open for minutes: do not keep its upstream body alive with it.
        upstreamBody = default;
        if (call.Response is null)
        {
            if (call.RetryAfter is { } retryAfter)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
            await FailWith(context, call.Failure!.Value, call.Detail);
            return;
        }

        using var response = call.Response;
        await RunGraphAsync(context, report, request, stream, tools!, turn, response, deadlines, promptEstimate);
    }

    /// <summary>
    /// The upstream body (SPEC §2.1–2.2) within the model's context budget (SPEC §8): only what the upstream
    /// does not hold yet, trimmed to fit; empty when the budget rejects (<see cref="RequestReport.Budget"/> says).
    /// Synchronous on purpose: the query and its intermediates are locals of this method, not fields of the
    /// request's async state machine that live as long as the stream.
    /// </summary>
    private ReadOnlyMemory<byte> BuildUpstreamBody(HttpRequest http, ChatRequest request, ToolPlan tools, ISessionTurn turn,
        RequestReport report, out int promptEstimate)
    {
        var profile = settings.Profiles.Lookup(request.Model);
        if (profile.Id is null && _profileFallbacks.ShouldWarn(request.Model))
            log.LogWarning("model.profile.fallback model={Model} reason=not_configured: default profile used (MODEL_PROFILE_JSON)",
                request.Model.Length > 120 ? request.Model[..120] : request.Model);
        var output = OutputBudget.Resolve(request.MaxCompletionTokens, request.MaxTokens, profile);
        var composer = new UpstreamPromptComposer(turn.CarryHistory, tools.Instruction, tools.InstructionInQuery,
            tools.InstructionInSystem, settings.Tools.ToolResultMaxChars, _limits);
        var plan = BudgetPlanner.Plan(UpstreamMessages.Unseen(request.Messages, turn.CarryHistory, turn.SeenMessageCount),
            profile, output, settings.Budget, composer.Compose);
        report.Budget = plan.Decision;
        promptEstimate = plan.Decision.EstimatedInput;
        if (plan.Prompt is null) return default;

        var upstreamTurn = new UpstreamTurn(request, plan.Prompt, output.Tokens, turn.SessionId, turn.ExchangeId,
            SessionIdHeaders.PersonaId(http, request));
        var buffer = new ArrayBufferWriter<byte>(plan.Prompt.Query.Length * 2 + 1024);
        UpstreamRequestBody.Write(buffer, upstreamTurn, _bodyOptions);
        return buffer.WrittenMemory;
    }

    /// <summary>Sends the request with the current credential; after a 401/403, recovers once if the mode can.</summary>
    /// A <paramref name="route"/> (dynamic base) gets the credential only when its host is allowlisted.
    private async Task<UpstreamCallResult> CallUpstreamAsync(HttpContext context, ReadOnlyMemory<byte> body, string? inboundBearer,
        UpstreamRoute? route, RequestDeadlines deadlines, RequestReport report)
    {
        var url = route?.ChatUrl ?? target.ChatUrl;
        if (route is { SendCredential: false })
        {
            var anonymous = await upstream.SendAsync(url, body, report.RequestId, null, deadlines, route);
            report.UpstreamStatus = anonymous.Status;
            return anonymous;
        }
        var credential = await credentials.GetAsync(inboundBearer, deadlines.Token);
        var call = await upstream.SendAsync(url, body, report.RequestId, credential.BearerToken, deadlines, route);
        for (var recovery = 0; call.Failure == StreamExit.UpstreamAuthRejected && recovery < settings.Actors.Token.RecoveryRetry; recovery++)
        {
            if (await credentials.RecoverAsync(credential, deadlines.Token) is not { } fresh) break;
            log.LogInformation("upstream rejected credential {Credential}; retrying with {Fresh}", credential.Fingerprint, fresh.Fingerprint);
            credential = fresh;
            call = await upstream.SendAsync(url, body, report.RequestId, credential.BearerToken, deadlines, route);
        }
        report.UpstreamStatus = call.Status;
        return call;
    }

    private async Task RunGraphAsync(HttpContext context, RequestReport report, ChatRequest request, bool stream,
        ToolPlan tools, ISessionTurn turn, HttpResponseMessage response, RequestDeadlines deadlines, int promptEstimate)
    {
        if (await OpenUpstreamBodyAsync(context, response, deadlines) is not { } upstreamBody) return;

        var httpResponse = context.Response;
        httpResponse.StatusCode = 200;
        if (turn.SessionId is { } known) SessionIdHeaders.Echo(httpResponse, known);
        var identity = ChunkIdentity.Create(request.Model, time);
        IChatOutput output;
        if (stream)
        {
            httpResponse.ContentType = "text/event-stream; charset=utf-8";
            httpResponse.Headers.CacheControl = "no-cache";
            httpResponse.Headers["X-Accel-Buffering"] = "no";
            output = new OpenAiSseWriter(httpResponse.BodyWriter, identity, request.IncludeUsage, tools.Legacy);
            metrics.StreamOpened();
        }
        else
        {
            httpResponse.ContentType = "application/json; charset=utf-8";
            output = new ChatCompletionAggregator(httpResponse.BodyWriter, identity, tools.Legacy);
        }

        var observer = new GraphObserver(httpResponse, turn, log);
        await using var graph = new ChatStreamGraph(output, tools.CreateTransform(), _graphSettings, deadlines,
            observer, tools.Legacy, promptEstimate);
        StreamOutcome outcome;
        try
        {
            outcome = await graph.RunAsync(upstreamBody);
        }
        finally
        {
            if (stream) metrics.StreamClosed();
        }

        var verdict = EndReasonClassifier.Classify(outcome.Exit, outcome.Detail);
        report.End(outcome.Exit, verdict.Reason);
        report.Exception = outcome.Exception;
        if (outcome.FinishReason is not null)
        {
            report.PromptTokens = outcome.Usage.PromptTokens;
            report.CompletionTokens = outcome.Usage.CompletionTokens;
            // Journal before the client sees the end: its next turn must find this one's session.
            await turn.CompleteAsync(CancellationToken.None);
            // Then close at once (a slow close reads as client_gone to new-api); the graph tidies the upstream after.
            await output.CompleteAsync();
            return;
        }
        if (verdict.Error is null || outcome.Exit == StreamExit.ClientDisconnected) return;
        if (!output.HasStarted)
        {
            await ErrorResponses.WriteAsync(context, verdict.HttpStatus, verdict.Error);
            return;
        }
        // After the first byte the status is gone: the stream ends with one error event, never a fake stop.
        output.Fail(verdict.Error);
        try
        {
            using var flushTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await output.FlushAsync(flushTimeout.Token);
        }
        catch (Exception)
        {
            // The client may be gone too; the end reason is already decided.
        }
    }

    /// <summary>
    /// The upstream body as a UI message stream: SSE as it comes, or a JSON reply read whole (it is one
    /// object) and turned into the frames it stands for. Null when reading failed (already answered).
    /// </summary>
    private static async Task<Stream?> OpenUpstreamBodyAsync(HttpContext context, HttpResponseMessage response, RequestDeadlines deadlines)
    {
        try
        {
            if (response.Content.Headers.ContentType?.MediaType?.Contains("event-stream", StringComparison.OrdinalIgnoreCase) == true)
                return await response.Content.ReadAsStreamAsync(deadlines.Token);
            var json = await response.Content.ReadAsByteArrayAsync(deadlines.Token);
            deadlines.OnUpstreamBytes();
            return new MemoryStream(JsonReplyAdapter.ToUiStream(json));
        }
        catch (OperationCanceledException) when (deadlines.Cause != DeadlineCause.None)
        {
            await FailWith(context, ChatStreamGraph.FromCause(deadlines.Cause));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            context.Report().Exception = ex;
            await FailWith(context, StreamExit.UpstreamBodyFailed);
        }
        return null;
    }

    private static Task Fail(HttpContext context, StreamExit exit, int status, ErrorBody error)
    {
        var verdict = EndReasonClassifier.Classify(exit);
        context.Report().End(exit, verdict.Reason);
        return ErrorResponses.WriteAsync(context, status, error);
    }

    private static Task FailWith(HttpContext context, StreamExit exit, string? detail = null)
    {
        var verdict = EndReasonClassifier.Classify(exit, detail);
        context.Report().End(exit, verdict.Reason);
        return verdict.Error is null ? Task.CompletedTask : ErrorResponses.WriteAsync(context, verdict.HttpStatus, verdict.Error);
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
