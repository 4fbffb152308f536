using System.Text;
using Akka.Configuration;
using Akka.Persistence.Hosting;

namespace Mix2Api.Actors.Persistence;

/// <summary>Akka.Persistence.Hosting options of <see cref="RedisJournal"/> (HOCON block <c>akka.persistence.journal.redis</c>).</summary>
public sealed class RedisJournalOptions(RedisPersistenceSettings settings, bool isDefault = true, string identifier = "redis") : JournalOptions(isDefault)
{
    private static readonly Config Default = RedisPersistenceHocon.Defaults(typeof(RedisJournal));

    public RedisPersistenceSettings Settings { get; set; } = settings;

    public override string Identifier { get; set; } = identifier;

    protected override Config InternalDefaultConfig => Default;

    protected override StringBuilder Build(StringBuilder sb)
    {
        RedisPersistenceHocon.Write(sb, Settings);
        return base.Build(sb);
    }
}
