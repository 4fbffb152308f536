using System.Text.Json;
using Mix2Api.Host.Hosting;
using Mix2Api.Host.Http;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// <c>GET /v1/models</c>: the OpenAI list new-api fetches (it reads only <c>data[].id</c>), or Anthropic's list
/// when the caller sends <c>anthropic-version</c> (Anthropic SDKs always do).
/// </summary>
public sealed class ModelsEndpoint(Mix2ApiSettings settings, InboundAuth auth, TimeProvider time)
{
    public async Task HandleAsync(HttpContext context)
    {
        var anthropic = context.Request.Headers.ContainsKey("anthropic-version");
        if (anthropic) context.Report().Api = "anthropic";
        if (settings.ModelsRequireAuth && auth.Check(context.Request) is { } error)
        {
            context.Report().End(StreamExit.InboundAuthRejected);
            await ErrorResponses.WriteAsync(context, 401, error);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        using var w = new Utf8JsonWriter(context.Response.BodyWriter);
        if (anthropic)
        {
            AnthropicModelList.Write(w, settings.Models, time.GetUtcNow());
            await w.FlushAsync();
            return;
        }
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var id in settings.Models)
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "model");
            w.WriteNumber("created", created);
            w.WriteString("owned_by", "mix2api");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync();
    }
}
