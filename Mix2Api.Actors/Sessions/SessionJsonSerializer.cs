using System.Buffers;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// Journal events and snapshots of <see cref="SessionEntity"/> as versioned JSON (bound in hocon/base.conf).
/// Every payload carries <c>schemaVersion</c>; fields a newer node added are ignored. Whatever cannot be read
/// (unknown version or manifest, corrupt JSON, impossible values) decodes to <see cref="SessionMissed"/>, so a
/// bad record is a fresh session for its key, never a failed recovery or a crashed shard.
/// </summary>
public sealed class SessionJsonSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string CompletedManifest = "turn-completed";
    private const string AbandonedManifest = "turn-abandoned";
    private const string ResetManifest = "session-reset";
    private const string StateManifest = "session-state";

    /// <summary>Unique among the serializers of the actor system (Akka reserves 0–100).</summary>
    public override int Identifier => 4101;

    public override string Manifest(object o) => o switch
    {
        TurnCompleted => CompletedManifest,
        TurnAbandoned => AbandonedManifest,
        SessionReset => ResetManifest,
        SessionState => StateManifest,
        _ => throw new ArgumentException($"{o.GetType().Name} is not a persisted session type", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SessionState.CurrentSchemaVersion);
            switch (obj)
            {
                case TurnCompleted e:
                    WriteNullable(w, "sessionId", e.SessionId);
                    WriteNullable(w, "exchangeId", e.ExchangeId);
                    w.WriteString("historyHash", e.HistoryHash);
                    w.WriteNumber("seenMessages", e.SeenMessages);
                    w.WriteNumber("at", e.At);
                    break;
                case TurnAbandoned e:
                    w.WriteString("sessionId", e.SessionId);
                    w.WriteNumber("at", e.At);
                    break;
                case SessionReset e:
                    w.WriteNumber("at", e.At);
                    break;
                case SessionState s:
                    w.WriteString("sessionId", s.SessionId);
                    WriteNullable(w, "exchangeId", s.ExchangeId);
                    w.WriteNumber("turnCount", s.TurnCount);
                    WriteNullable(w, "historyHash", s.HistoryHash);
                    w.WriteNumber("seenMessages", s.SeenMessages);
                    w.WriteNumber("createdAt", s.CreatedAt);
                    w.WriteNumber("updatedAt", s.UpdatedAt);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType().Name} is not a persisted session type", nameof(obj));
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new SessionMissed("invalid_type");
            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var v) || v != SessionState.CurrentSchemaVersion)
                return new SessionMissed($"unsupported_schema_version:{(root.TryGetProperty("schemaVersion", out var raw) ? raw.GetRawText() : "none")}");
            return manifest switch
            {
                CompletedManifest => Valid(new TurnCompleted(Text(root, "sessionId"), Text(root, "exchangeId"),
                    Text(root, "historyHash") ?? "", Int(root, "seenMessages"), Long(root, "at"))),
                AbandonedManifest => Text(root, "sessionId") is { Length: > 0 } id ? Valid(new TurnAbandoned(id, Long(root, "at"))) : new SessionMissed("missing_session_id"),
                ResetManifest => Valid(new SessionReset(Long(root, "at"))),
                StateManifest => Valid(new SessionState(v, Text(root, "sessionId") ?? "", Text(root, "exchangeId"), Int(root, "turnCount"),
                    Text(root, "historyHash"), Int(root, "seenMessages"), Long(root, "createdAt"), Long(root, "updatedAt"))),
                _ => new SessionMissed($"unknown_manifest:{manifest}"),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A payload we cannot read is a miss, never a failed recovery.
            return new SessionMissed("invalid_json");
        }
    }

    /// <summary>The schema guard: values no writer of this schema can produce are a miss.</summary>
    private static object Valid(object decoded) => decoded switch
    {
        TurnCompleted { At: <= 0 } or TurnAbandoned { At: <= 0 } or SessionReset { At: <= 0 } => new SessionMissed("invalid_timestamp"),
        TurnCompleted { SeenMessages: < 0 } => new SessionMissed("invalid_count"),
        TurnCompleted { SessionId: not null, HistoryHash.Length: 0 } => new SessionMissed("missing_history_hash"),
        SessionState { SessionId.Length: 0 } => new SessionMissed("missing_session_id"),
        SessionState { CreatedAt: <= 0 } or SessionState { UpdatedAt: <= 0 } => new SessionMissed("invalid_timestamp"),
        SessionState { TurnCount: < 0 } or SessionState { SeenMessages: < 0 } => new SessionMissed("invalid_count"),
        _ => decoded,
    };

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static string? Text(JsonElement root, string name)
        => root.TryGetProperty(name, out var p) && p.ValueKind != JsonValueKind.Null ? p.GetString() : null;

    private static int Int(JsonElement root, string name) => root.TryGetProperty(name, out var p) ? p.GetInt32() : -1;

    private static long Long(JsonElement root, string name) => root.TryGetProperty(name, out var p) ? p.GetInt64() : 0;
}
