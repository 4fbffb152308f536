using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Mix2Api.Actors.Protocol;
using Mix2Api.Actors.Sessions;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>What may cross the wire between nodes: Mix2Api's protocol through Hyperion, restricted to its own types.</summary>
public sealed class RemoteSerializationTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("remote-serialization", AkkaTestConfig.Local());

    public static TheoryData<object> Protocol => new()
    {
        new BeginTurn("k", "s-1", null, 3, 2, [1, 2, 3, 4]),
        new EndTurn("k", new TurnCompleted("s-1", null, "abc", 3, 1_000)),
        new EndTurn("k", new TurnAbandoned("s-1", 1_000)),
        new TurnRecorded(true),
        new TurnPlan(TurnKind.Continued, "s-1", "e-1", false, 3, false),
    };

    [Theory]
    [MemberData(nameof(Protocol))]
    public void Protocol_messages_go_through_Hyperion_and_round_trip(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var back = serializer.FromBinary(serializer.ToBinary(message), message.GetType());
        if (message is BeginTurn begin)
        {
            var copy = Assert.IsType<BeginTurn>(back);
            Assert.Equal(begin with { PrefixHashes = copy.PrefixHashes }, copy);
            Assert.Equal(begin.PrefixHashes, copy.PrefixHashes);
        }
        else Assert.Equal(message, back);
    }

    private sealed record NotOurs(string Text);

    [Fact]
    public void A_type_outside_the_protocol_is_refused_before_it_leaves_the_node()
    {
        var serializer = _system.Serialization.FindSerializerFor(new NotOurs("x"));
        Assert.IsType<RefusingSerializer>(serializer);
        Assert.Throws<SerializationException>(() => serializer.ToBinary(new NotOurs("x")));
    }

    [Fact]
    public void Hyperion_bytes_naming_a_type_outside_the_allow_list_are_refused_when_read()
    {
        // A sender without the allow-list (a foreign or compromised node) writes a type we never listed.
        using var unrestricted = ActorSystem.Create("unrestricted", ConfigurationFactory.ParseString("akka.actor.serialization-settings.hyperion.allowed-types = []")
            .WithFallback(AkkaTestConfig.Local()));
        var writer = new HyperionSerializer((ExtendedActorSystem)unrestricted);
        var bytes = writer.ToBinary(new NotOurs("payload"));

        var reader = (ProtocolSerializer)_system.Serialization.FindSerializerFor(new TurnRecorded(true));
        Assert.ThrowsAny<Exception>(() => reader.FromBinary(bytes, typeof(object)));
    }

    [Theory]
    [InlineData(-4809554308313228202L)]
    [InlineData("a bare string")]
    [InlineData(new byte[] { 1, 2, 3 })]
    public void Hyperion_bytes_of_a_bare_value_are_refused_when_read(object value)
    {
        // Primitives, strings and arrays carry no type name, so the allow-list alone would let them through.
        using var unrestricted = ActorSystem.Create("unrestricted", AkkaTestConfig.Local());
        var bytes = new HyperionSerializer((ExtendedActorSystem)unrestricted).ToBinary(value);

        var reader = (ProtocolSerializer)_system.Serialization.FindSerializerFor(new TurnRecorded(true));
        var refused = Assert.Throws<SerializationException>(() => reader.FromBinary(bytes, typeof(object)));
        Assert.Contains("not a Mix2Api protocol message", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
