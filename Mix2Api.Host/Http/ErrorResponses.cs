using System.Text.Json;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Output;

namespace Mix2Api.Host.Http;

/// <summary>
/// Writes the error envelope of the API the request speaks: OpenAI's <c>{"error":{"message","type","code","param"}}</c>,
/// or Anthropic's <c>{"type":"error","error":{"type","message"}}</c> when the endpoint marked the request
/// <c>anthropic</c> — so every error path, the middleware's and the routes' included, answers in the caller's shape.
/// </summary>
public static class ErrorResponses
{
    private static readonly JsonWriterOptions Options = RelaxedJson.Options;

    public static async Task WriteAsync(HttpContext context, int status, ErrorBody error, string? stack = null)
    {
        var response = context.Response;
        if (response.HasStarted) return;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.Remove("x-session-id");
        using (var w = new Utf8JsonWriter(response.BodyWriter, Options))
        {
            if (context.Features.Get<RequestReport>()?.Api == "anthropic") AnthropicErrorEnvelope.Write(w, status, error);
            else WriteOpenAi(w, error, stack);
        }
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static void WriteOpenAi(Utf8JsonWriter w, ErrorBody error, string? stack)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        if (error.Code is null) w.WriteNull("code"); else w.WriteString("code", error.Code);
        if (error.Param is null) w.WriteNull("param"); else w.WriteString("param", error.Param);
        if (stack is not null) w.WriteString("stack", stack);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static ErrorBody InvalidRequest(string code, string? param, string message) => new(message, "invalid_request_error", code, param);

    public static ErrorBody Unauthorized(string? param, string message) => new(message, "authentication_error", "unauthorized", param);
}
