using System.Text;
using Akka.Configuration;
using Akka.Persistence.Hosting;

namespace Mix2Api.Actors.Persistence;

/// <summary>Akka.Persistence.Hosting options of <see cref="RedisSnapshotStore"/> (HOCON block <c>akka.persistence.snapshot-store.redis</c>).</summary>
public sealed class RedisSnapshotOptions(RedisPersistenceSettings settings, bool isDefault = true, string identifier = "redis") : SnapshotOptions(isDefault)
{
    private static readonly Config Default = RedisPersistenceHocon.Defaults(typeof(RedisSnapshotStore));

    public RedisPersistenceSettings Settings { get; set; } = settings;

    public override string Identifier { get; set; } = identifier;

    protected override Config InternalDefaultConfig => Default;

    protected override StringBuilder Build(StringBuilder sb)
    {
        RedisPersistenceHocon.Write(sb, Settings);
        return base.Build(sb);
    }
}
