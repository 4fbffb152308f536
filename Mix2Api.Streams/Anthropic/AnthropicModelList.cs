using System.Text.Json;

namespace Mix2Api.Streams.Anthropic;

/// <summary><c>GET /v1/models</c> as Anthropic lists models (for callers that send <c>anthropic-version</c>).</summary>
public static class AnthropicModelList
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<string> models, DateTimeOffset createdAt)
    {
        var created = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteStartArray("data");
        foreach (var id in models)
        {
            w.WriteStartObject();
            w.WriteString("type", "model");
            w.WriteString("id", id);
            w.WriteString("display_name", id);
            w.WriteString("created_at", created);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("has_more", false);
        if (models.Count > 0)
        {
            w.WriteString("first_id", models[0]);
            w.WriteString("last_id", models[^1]);
        }
        else
        {
            w.WriteNull("first_id");
            w.WriteNull("last_id");
        }
        w.WriteEndObject();
    }
}
