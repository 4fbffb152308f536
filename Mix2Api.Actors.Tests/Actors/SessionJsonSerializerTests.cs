using System.Text;
using Akka.Actor;
using Mix2Api.Actors.Sessions;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>The journal's JSON: round trips, version tolerance, and every unreadable payload as a miss (never an exception).</summary>
public sealed class SessionJsonSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer", AkkaTestConfig.Local());

    private Akka.Serialization.Serializer SerializerFor(object o) => _system.Serialization.FindSerializerFor(o);

    public static TheoryData<object> Persisted => new()
    {
        new TurnCompleted("s-1", "e-1", "abc", 4, 1_000),
        new TurnCompleted(null, null, "abc", 4, 1_000),
        new TurnAbandoned("s-1", 2_000),
        new SessionReset(3_000),
        new SessionState(1, "s-1", null, 7, "abc", 12, 1_000, 9_000),
        new SessionState(1, "s-1", "e-1", 7, null, 12, 1_000, 9_000),
    };

    [Theory]
    [MemberData(nameof(Persisted))]
    public void Every_persisted_type_is_bound_to_the_session_serializer_and_round_trips(object value)
    {
        var serializer = SerializerFor(value);
        Assert.IsType<SessionJsonSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);
        var bytes = serializer.ToBinary(value);

        Assert.Contains("\"schemaVersion\":1", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(value, _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
    }

    [Theory]
    [InlineData("session-state", """{"schemaVersion":2,"sessionId":"s","turnCount":1,"seenMessages":1,"createdAt":1,"updatedAt":1}""", "unsupported_schema_version:2")]
    [InlineData("session-state", """{"schemaVersion":1,"sessionId":"","turnCount":1,"seenMessages":1,"createdAt":1,"updatedAt":1}""", "missing_session_id")]
    [InlineData("session-state", """{"schemaVersion":1,"sessionId":"s","turnCount":-1,"seenMessages":1,"createdAt":1,"updatedAt":1}""", "invalid_count")]
    [InlineData("session-state", """{"schemaVersion":1,"sessionId":"s","turnCount":1,"seenMessages":1,"createdAt":0,"updatedAt":1}""", "invalid_timestamp")]
    [InlineData("session-state", "[1,2,3]", "invalid_type")]
    [InlineData("session-state", "\u0000\u0001garbage", "invalid_json")]
    [InlineData("turn-completed", """{"schemaVersion":"1","sessionId":"s"}""", "unsupported_schema_version:\"1\"")]
    [InlineData("turn-abandoned", """{"schemaVersion":1,"at":5}""", "missing_session_id")]
    [InlineData("from-the-future", """{"schemaVersion":1}""", "unknown_manifest:from-the-future")]
    public void An_unreadable_payload_decodes_to_a_miss_with_its_reason(string manifest, string json, string reason)
    {
        var serializer = new SessionJsonSerializer((ExtendedActorSystem)_system);
        var decoded = serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest);
        Assert.Equal(new SessionMissed(reason), decoded);
    }

    [Fact]
    public void A_type_that_is_not_session_state_is_refused_when_written()
    {
        var serializer = new SessionJsonSerializer((ExtendedActorSystem)_system);
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("a string"));
        Assert.Throws<ArgumentException>(() => serializer.Manifest(new SessionMissed("x")));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
