using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Hyperion;

namespace Mix2Api.Actors.Protocol;

/// <summary>
/// Hyperion for <see cref="IMix2ApiMessage"/>s (the card's serializer), restricted to the types named in
/// <c>akka.actor.serialization-settings.hyperion.allowed-types</c>: a payload naming any other type is refused
/// when written and when read. Hyperion's own filter is not used as is because its write-side check compares the
/// full assembly-qualified name (with version) against the short names it keeps, so it refuses every type.
/// </summary>
public sealed class ProtocolSerializer : HyperionSerializer
{
    private const string AllowedTypesPath = "akka.actor.serialization-settings.hyperion.allowed-types";

    /// <summary>What Akka calls when <c>serialization-settings.hyperion</c> exists (it passes that section).</summary>
    public ProtocolSerializer(ExtendedActorSystem system, Config settings)
        : base(system, Restricted(settings.GetStringList("allowed-types")))
    {
    }

    public ProtocolSerializer(ExtendedActorSystem system)
        : base(system, Restricted(system.Settings.Config.GetStringList(AllowedTypesPath)))
    {
    }

    /// <summary>
    /// Only a protocol message comes out. Hyperion reads primitives, strings and arrays of them without a type name,
    /// so the allow-list never sees them: random bytes from a foreign peer decode into a long or a string that would
    /// be delivered to whatever actor the envelope names (found by fuzzing the cluster port).
    /// </summary>
    public override object FromBinary(byte[] bytes, Type type)
        => base.FromBinary(bytes, type) as IMix2ApiMessage
            ?? throw new SerializationException("a remote message that is not a Mix2Api protocol message (a bare value); refused");

    private static HyperionSerializerSettings Restricted(IEnumerable<string> allowedTypes)
    {
        var filter = new AllowList(allowedTypes);
        var d = HyperionSerializerSettings.Default;
        return new HyperionSerializerSettings(d.PreserveObjectReferences, d.VersionTolerance, d.KnownTypesProvider,
            d.PackageNameOverrides, d.Surrogates, disallowUnsafeType: true, typeFilter: filter);
    }

    /// <summary>Matches a type name in any of the forms Hyperion passes (short or full assembly-qualified) against the list.</summary>
    internal sealed class AllowList : ITypeFilter
    {
        private readonly HashSet<string> _allowed = new(StringComparer.Ordinal);

        public AllowList(IEnumerable<string> typeNames)
        {
            foreach (var name in typeNames)
            {
                var type = Type.GetType(name, throwOnError: false)
                    ?? throw new ArgumentException($"{AllowedTypesPath}: the type '{name}' does not exist");
                _allowed.Add(ShortName(type.AssemblyQualifiedName!));
            }
        }

        public bool IsAllowed(string typeName) => _allowed.Contains(ShortName(typeName));

        /// <summary>"Namespace.Type, Assembly" from "Namespace.Type, Assembly, Version=…, Culture=…, PublicKeyToken=…".</summary>
        private static string ShortName(string name)
        {
            var first = name.IndexOf(',', StringComparison.Ordinal);
            if (first < 0) return name.Trim();
            var second = name.IndexOf(',', first + 1);
            return (second < 0 ? name : name[..second]).Replace(" ", "", StringComparison.Ordinal);
        }
    }
}
