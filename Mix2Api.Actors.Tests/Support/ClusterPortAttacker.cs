using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Hyperion;

namespace Mix2Api.Tests.Support;

/// <summary>
/// A foreign actor system (same system name, real Akka remoting on a free loopback port) that associates with a node
/// and sends it messages whose wire form it forges: any serializer id, manifest and payload bytes. The payloads are
/// what an attacker (or a node of another build) could put on the cluster port; the node must refuse them unread.
/// </summary>
public sealed class ClusterPortAttacker : IAsyncDisposable
{
    /// <summary>Hyperion's wire options as Akka's HyperionSerializer uses them by default, without any type filter.</summary>
    private static readonly Hyperion.Serializer Unrestricted = new(new SerializerOptions(versionTolerance: true, preserveObjectReferences: true,
        surrogates: null, serializerFactories: null, knownTypes: null, ignoreISerializable: false, packageNameOverrides: null, disallowUnsafeTypes: false, typeFilter: DisabledTypeFilter.Instance));

    private readonly ActorSystem _system;

    private ClusterPortAttacker(ActorSystem system) => _system = system;

    public static ClusterPortAttacker Start() => new(ActorSystem.Create("mix2api", ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = ERROR
          stdout-loglevel = ERROR
          actor {
            provider = remote
            serializers {
              forged-protocol = "{{typeof(ForgedAsProtocol).AssemblyQualifiedName}}"
              forged-refused = "{{typeof(ForgedAsRefused).AssemblyQualifiedName}}"
              forged-session = "{{typeof(ForgedAsSessionJson).AssemblyQualifiedName}}"
            }
            serialization-bindings {
              "{{typeof(Forged.Protocol).AssemblyQualifiedName}}" = forged-protocol
              "{{typeof(Forged.Refused).AssemblyQualifiedName}}" = forged-refused
              "{{typeof(Forged.SessionJson).AssemblyQualifiedName}}" = forged-session
            }
          }
          remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        }
        """)));

    /// <summary>Any object graph in Hyperion's wire format, as an unrestricted Hyperion would write it.</summary>
    public static byte[] HyperionBytes(object value)
    {
        using var stream = new MemoryStream();
        Unrestricted.Serialize(value, stream);
        return stream.ToArray();
    }

    /// <summary>What an unrestricted Hyperion makes of the bytes (the control: the gadget does leave its trace when read).</summary>
    public static object ReadUnrestricted(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return Unrestricted.Deserialize(stream);
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="path"/> (e.g. <c>/user</c>) on the node at <paramref name="port"/>.</summary>
    public void Send(int port, string path, Forged message)
        => _system.ActorSelection($"akka.tcp://mix2api@127.0.0.1:{port}{path}").Tell(message, ActorRefs.NoSender);

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
}

/// <summary>A message whose serialized form is given: the serializer (by subtype), the manifest and the payload bytes.</summary>
public abstract record Forged(string Manifest, byte[] Payload)
{
    /// <summary>Under the id of the node's Hyperion (<c>ProtocolSerializer</c>, -5): the type is named inside the bytes.</summary>
    public sealed record Protocol(byte[] Bytes) : Forged("", Bytes);

    /// <summary>Under the id of the node's <c>RefusingSerializer</c> (4100), with a type name as the manifest.</summary>
    public sealed record Refused(string TypeName, byte[] Bytes) : Forged(TypeName, Bytes);

    /// <summary>Under the id of the node's journal serializer (<c>SessionJsonSerializer</c>, 4101), with its manifest.</summary>
    public sealed record SessionJson(string EventManifest, byte[] Bytes) : Forged(EventManifest, Bytes);
}

public abstract class ForgedSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override string Manifest(object o) => ((Forged)o).Manifest;
    public override byte[] ToBinary(object obj) => ((Forged)obj).Payload;
    public override object FromBinary(byte[] bytes, string manifest) => throw new SerializationException("the attacker reads nothing");
}

public sealed class ForgedAsProtocol(ExtendedActorSystem system) : ForgedSerializer(system)
{
    public override int Identifier => -5;
}

public sealed class ForgedAsRefused(ExtendedActorSystem system) : ForgedSerializer(system)
{
    public override int Identifier => 4100;
}

public sealed class ForgedAsSessionJson(ExtendedActorSystem system) : ForgedSerializer(system)
{
    public override int Identifier => 4101;
}

/// <summary>
/// A deserialization gadget in miniature: reading it runs its code. Hyperion rebuilds a collection by calling its
/// constructor and then <c>Add</c> for every item (the shape of the known .NET collection gadgets), and both leave a
/// count here. A node that reads it from the wire has let a foreign type run code.
/// </summary>
public sealed class LeavesATrace : IEnumerable<string>
{
    private static int _traces;
    private readonly List<string> _commands = [];

    public LeavesATrace() => Interlocked.Increment(ref _traces);

    public static int Traces => Volatile.Read(ref _traces);

    public int Count => _commands.Count;

    public void Add(string command)
    {
        Interlocked.Increment(ref _traces);
        _commands.Add(command);
    }

    public IEnumerator<string> GetEnumerator() => _commands.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
