using System.Text.Json;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// Anthropic's Messages API for Claude Code and Anthropic-type gateway channels: <c>POST /v1/messages</c>
/// runs the one chat pipeline (<see cref="ChatCompletionsEndpoint"/>) with the Anthropic dialect;
/// <c>POST /v1/messages/count_tokens</c> answers the prompt estimate without calling the upstream.
/// Query strings (Claude Code sends <c>?beta=true</c>) are accepted and ignored.
/// </summary>
public sealed class AnthropicMessagesEndpoint(ChatCompletionsEndpoint chat, Mix2ApiSettings settings, InboundAuth auth)
{
    public Task MessagesAsync(HttpContext context) => chat.HandleAsync(context, AnthropicDialect.Instance);

    public async Task CountTokensAsync(HttpContext context)
    {
        var report = context.Report();
        report.Api = AnthropicDialect.Instance.Api;
        report.Client = ClientInference.From(context.Request.Headers);
        if (auth.Check(context.Request) is { } authError)
        {
            await Fail(context, StreamExit.InboundAuthRejected, 401, authError);
            return;
        }
        var body = await RequestBodyReader.ReadAsync(context.Request, settings.BodyLimit, context.RequestAborted);
        if (RequestBodyReader.ShouldOffload(body)) await Task.Yield();
        if (body is null)
        {
            await Fail(context, StreamExit.RequestInvalid, 413, ErrorResponses.InvalidRequest("request_too_large", null, "Request body too large"));
            return;
        }
        if (!AnthropicRequestParser.TryParse(body, out var request, out var invalid))
        {
            await Fail(context, StreamExit.RequestInvalid, 400, ErrorResponses.InvalidRequest(invalid!.Code, invalid.Param, invalid.Message));
            return;
        }
        report.Model = request!.Model;
        report.ToolsPresent = request.ToolsPresent;
        var tokens = PromptTokenEstimate.Of(request);
        report.PromptTokens = tokens;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var w = new Utf8JsonWriter(context.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteNumber("input_tokens", tokens);
        w.WriteEndObject();
    }

    private static Task Fail(HttpContext context, StreamExit exit, int status, Streams.Output.ErrorBody error)
    {
        context.Report().End(exit);
        return ErrorResponses.WriteAsync(context, status, error);
    }
}
