using System.Text;
using Akka.Configuration;
using Akka.Persistence.Hosting;

namespace Mix2Api.Actors.Persistence;

/// <summary>Akka.Persistence.Hosting options of <see cref="ExpiringMemorySnapshotStore"/> (HOCON block <c>akka.persistence.snapshot-store.memory</c>).</summary>
public sealed class ExpiringMemorySnapshotOptions(TimeSpan ttl, bool isDefault = true, string identifier = "memory") : SnapshotOptions(isDefault)
{
    private static readonly Config Default = ExpiringMemoryHocon.Defaults(typeof(ExpiringMemorySnapshotStore));

    public TimeSpan Ttl { get; set; } = ttl;

    public override string Identifier { get; set; } = identifier;

    protected override Config InternalDefaultConfig => Default;

    protected override StringBuilder Build(StringBuilder sb)
    {
        sb.AppendLine(ExpiringMemoryHocon.Write(Ttl));
        return base.Build(sb);
    }
}
