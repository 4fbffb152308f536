using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Serialization;
using Mix2Api.Actors.Persistence;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Persistence;

/// <summary>
/// The HOCON the hosting options produce (the Redis plugins as default journal and snapshot store), plus the test
/// payload serializers. Each test class gets its own key prefix so classes sharing one redis-server never meet.
/// </summary>
public static class RedisPersistenceTestConfig
{
    public static RedisPersistenceSettings Settings(RedisServerFixture redis, TimeSpan? ttl = null, int commandTimeoutMs = 5_000) =>
        new(redis.ConnectionString)
        {
            KeyPrefix = $"test{Guid.NewGuid():N}",
            Ttl = ttl,
            CommandTimeout = TimeSpan.FromMilliseconds(commandTimeoutMs),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };

    public static Config For(RedisPersistenceSettings settings, string extra = "")
    {
        var journal = new RedisJournalOptions(settings);
        var snapshots = new RedisSnapshotOptions(settings);
        return ConfigurationFactory.ParseString(extra)
            .WithFallback(journal.ToConfig())
            .WithFallback(snapshots.ToConfig())
            .WithFallback(journal.DefaultConfig)
            .WithFallback(snapshots.DefaultConfig)
            .WithFallback(Serializers);
    }

    private static readonly Config Serializers = ConfigurationFactory.ParseString($$"""
        akka.actor.serializers {
          test-event = "{{typeof(TestEventSerializer).AssemblyQualifiedName}}"
          failing = "{{typeof(FailingSerializer).AssemblyQualifiedName}}"
        }
        akka.actor.serialization-bindings {
          "{{typeof(TestEvent).AssemblyQualifiedName}}" = test-event
          "{{typeof(Unserializable).AssemblyQualifiedName}}" = failing
        }
        """);

    public static IActorRef Journal(ActorSystem system) => Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);

    public static IActorRef SnapshotStore(ActorSystem system) => Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);

    public static string NewPersistenceId() => $"session-{Guid.NewGuid():N}";
}

/// <summary>An event with its own string-manifest serializer, like the session state's versioned JSON.</summary>
public sealed record TestEvent(string Text);

public sealed class TestEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const string Manifest_ = "test-event.v1";

    public override int Identifier => 9_101;

    public override string Manifest(object o) => Manifest_;

    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(((TestEvent)obj).Text);

    public override object FromBinary(byte[] bytes, string manifest) => manifest == Manifest_
        ? new TestEvent(Encoding.UTF8.GetString(bytes))
        : throw new SerializationException($"unknown manifest '{manifest}'");
}

/// <summary>A payload whose serializer always throws: the journal must reject it, not fail.</summary>
public sealed record Unserializable(string Text);

public sealed class FailingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => 9_102;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => throw new SerializationException("this payload cannot be serialized");

    public override object FromBinary(byte[] bytes, Type? type) => throw new SerializationException("this payload cannot be deserialized");
}

/// <summary>A persistent actor that appends strings and reports what it holds; stops on a failed write (Akka's default).</summary>
public sealed class EventLogActor : ReceivePersistentActor
{
    private readonly List<string> _events = [];

    public EventLogActor(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<string>(e => _events.Add(e));
        Command<Append>(cmd => Persist(cmd.Text, e =>
        {
            _events.Add(e);
            Sender.Tell(new Appended(e, LastSequenceNr));
        }));
        Command<GetEvents>(_ => Sender.Tell(new Events([.. _events], LastSequenceNr)));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new EventLogActor(persistenceId));

    public sealed record Append(string Text);

    public sealed record Appended(string Text, long SequenceNr);

    public sealed record GetEvents
    {
        public static readonly GetEvents Instance = new();
    }

    public sealed record Events(IReadOnlyList<string> Items, long SequenceNr);
}
